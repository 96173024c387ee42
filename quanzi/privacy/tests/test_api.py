"""The privacy API (/api/v1/privacy): consents, export, codes, deletion — and a withdrawn consent stopping the
apps that used it: recommend's personalised lists, personas' tags and segments, growth's targeted coupons."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone

from conftest import api_client, make_user
from quanzi.accounts.models import User
from quanzi.growth.coupons import audiences
from quanzi.personas import segments
from quanzi.personas import selectors as persona_selectors
from quanzi.personas.enums import TagGroup
from quanzi.personas.models import MemberTag
from quanzi.privacy import selectors, sms
from quanzi.privacy.enums import DeletionStatus
from quanzi.privacy.models import Consent, DeletionRequest
from quanzi.recommend import selectors as recommend_selectors

pytestmark = pytest.mark.django_db


def _post(client, path: str, body: dict | None = None):  # type: ignore[no-untyped-def, type-arg]
    return client.post(path, json.dumps(body or {}), content_type="application/json")


def test_consents_list_grant_withdraw_over_the_api() -> None:
    u = make_user()
    client = api_client(u)
    listed = client.get("/api/v1/privacy/consents").json()
    assert {c["purpose"]: c["granted"] for c in listed}["marketing"] is False
    granted = _post(client, "/api/v1/privacy/consents/marketing/grant")
    assert granted.status_code == 200 and granted.json()["granted"] is True and granted.json()["at"]
    withdrawn = _post(client, "/api/v1/privacy/consents/marketing/withdraw")
    assert withdrawn.status_code == 200 and withdrawn.json()["granted"] is False
    assert list(Consent.objects.filter(user=u).order_by("id").values_list("granted", "via")) == [
        (True, "api"), (False, "api")]
    bad = _post(client, "/api/v1/privacy/consents/nonsense/grant")
    assert bad.status_code == 400 and bad.json()["code"] == "unknown_purpose" and bad.json()["message"]
    assert api_client().get("/api/v1/privacy/consents").status_code == 401


def test_export_request_and_download_only_by_its_owner(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    u, other = make_user("导出者"), make_user()
    client = api_client(u)
    with django_capture_on_commit_callbacks(execute=True):  # the job runs after the commit (immediate in tests)
        answer = _post(client, "/api/v1/privacy/exports")
    assert answer.status_code == 202
    export_id = answer.json()["id"]
    assert client.get("/api/v1/privacy/exports").json()[0]["status"] == "ready"
    got = client.get(f"/api/v1/privacy/exports/{export_id}/download?fmt=json")
    assert got.status_code == 200 and got["Cache-Control"] == "private, no-store"
    assert "导出者" in b"".join(got.streaming_content).decode()
    assert client.get(f"/api/v1/privacy/exports/{export_id}/download?fmt=xlsx").status_code == 200
    stranger = api_client(other).get(f"/api/v1/privacy/exports/{export_id}/download")
    assert stranger.status_code == 404 and stranger.json()["code"] == "export_not_found"


def test_deletion_request_with_the_sms_code_and_cancel() -> None:
    u = make_user()
    client = api_client(u)
    assert client.get("/api/v1/privacy/deletion").status_code == 204
    wrong = _post(client, "/api/v1/privacy/deletion", {"code": "000000"})
    assert wrong.status_code == 400 and wrong.json()["code"] in ("code_invalid", "code_expired")
    sent = _post(client, "/api/v1/privacy/codes", {"purpose": "delete_account"})
    assert sent.status_code == 201
    code = next(m.params["code"] for m in reversed(sms.OUTBOX) if m.phone == u.phone)
    answer = _post(client, "/api/v1/privacy/deletion", {"code": code})
    assert answer.status_code == 201 and answer.json()["status"] == DeletionStatus.PENDING
    # every login was ended, this token too; a new login (a new token) would cancel it; here the API cancels
    assert client.get("/api/v1/privacy/deletion").status_code == 401
    DeletionRequest.objects.filter(user=u).update(requested_at=timezone.now())
    cancelled = _post(api_client(User.objects.get(pk=u.pk)), "/api/v1/privacy/deletion/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == DeletionStatus.CANCELLED
    assert selectors.deletion_pending_effective(user_id=u.pk) is None


def test_withdrawn_recommendation_consent_gives_the_popular_list() -> None:
    u = make_user()
    assert recommend_selectors._personalised(u) is True
    _post(api_client(u), "/api/v1/privacy/consents/recommendation/withdraw")
    assert recommend_selectors._personalised(u) is False
    assert recommend_selectors.for_you(user=u).kind == "popular"
    _post(api_client(u), "/api/v1/privacy/consents/recommendation/grant")
    assert recommend_selectors._personalised(u) is True


def test_withdrawn_persona_consent_stops_tags_and_segments() -> None:
    u, kept = make_user(), make_user()
    for person in (u, kept):
        MemberTag.objects.create(user=person, group=TagGroup.NEEDS, code="brand:7", value_label="某品牌",
                                 score=80, computed_at=timezone.now())
    assert persona_selectors.active_tags(u)
    assert segments.holders_of("brand:7") >= {u.pk, kept.pk}
    _post(api_client(u), "/api/v1/privacy/consents/persona/withdraw")
    assert persona_selectors.active_tags(u) == []
    assert u.pk not in segments.holders_of("brand:7") and kept.pk in segments.holders_of("brand:7")
    assert segments.holders_of("brand:7", among={u.pk}) == set()


def test_withdrawn_marketing_consent_stops_targeted_coupons() -> None:
    u = make_user()
    audiences.register("everyone_test", contains=lambda ref, user_id: True, usable_by=lambda actor, ref: True,
                       label=lambda ref: "all")
    try:
        assert audiences.in_audience("everyone_test", 1, u.pk)
        _post(api_client(u), "/api/v1/privacy/consents/marketing/withdraw")
        assert not audiences.in_audience("everyone_test", 1, u.pk)
        assert audiences.in_audience("", None, u.pk)  # a campaign open to everyone targets nobody: unchanged
        _post(api_client(u), "/api/v1/privacy/consents/marketing/grant")
        assert audiences.in_audience("everyone_test", 1, u.pk)
    finally:
        audiences.AUDIENCES.pop("everyone_test", None)
