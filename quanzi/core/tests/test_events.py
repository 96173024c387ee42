import pytest
from django.db import transaction

from quanzi.core.events import track
from quanzi.core.models import Event

pytestmark = pytest.mark.django_db


def test_track_records_who_what_which(member):
    from quanzi.content.models import Post

    e = track("post.view", user=member, obj=Post(pk=5), community_id=7, share_token="abc", sharer_id=1, via=None)
    e.refresh_from_db()
    assert (e.user_id, e.object_type, e.object_id, e.community_id, e.share_token) == (
        member.pk, "post", 5, 7, "abc")
    assert e.props == {"sharer_id": 1}  # a prop passed as None is not stored


def test_a_rolled_back_write_leaves_no_event(member):
    before = Event.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        track("user.login", user=member, obj=member)
        raise RuntimeError
    assert Event.objects.count() == before


def test_api_docs_and_schema_are_served_without_a_cdn(client):
    docs = client.get("/api/v1/docs").content.decode()
    assert "cdn." not in docs and "/static/ninja/" in docs
    schema = client.get("/api/v1/openapi.json").json()
    assert any(p.startswith("/api/v1/communities") for p in schema["paths"])
    assert any(p.startswith("/api/v1/orders") for p in schema["paths"])


def test_unknown_api_paths_and_wrong_methods_answer_in_the_api_error_shape(client):
    r = client.get("/api/v1/no-such-thing")
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    r = client.put("/api/v1/accounts/login")
    assert r.status_code == 405 and r.json()["code"] == "method_not_allowed" and "POST" in r["Allow"]
    assert client.get("/no-such-page/").status_code == 404  # pages keep their HTML 404


def test_a_number_too_large_for_the_database_is_a_clear_400(member, monkeypatch):
    from django.db import DataError

    from conftest import api_client
    from quanzi.accounts import services

    def overflow(**_kwargs):  # type: ignore[no-untyped-def]
        raise DataError("integer out of range")

    monkeypatch.setattr(services, "profile_update", overflow)
    r = api_client(member).patch("/api/v1/accounts/me", {"bio": "x"}, content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "number_out_of_range"
