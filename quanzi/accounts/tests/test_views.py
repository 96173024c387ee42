import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_signup_page_logs_in_and_bad_input_keeps_the_form(client):
    r = client.post("/signup/", {"login": "12", "nickname": "阿花", "password": "good-pass-1"})
    assert r.status_code == 400 and "手机号格式不正确" in r.content.decode() and 'value="阿花"' in r.content.decode()
    r = client.post("/signup/", {"login": "13911112222", "nickname": "阿花", "password": "good-pass-1"})
    assert r.status_code == 302
    assert client.get("/notifications/").status_code == 200


def test_own_profile_has_shortcuts_to_orders_and_staff_links(member, other):
    c = Client()
    c.force_login(member)
    mine = c.get(f"/u/{member.pk}/").content.decode()
    assert 'id="my-shortcuts"' in mine and 'href="/orders/"' in mine and 'href="/ops/settlements/"' not in mine
    assert 'id="my-shortcuts"' not in c.get(f"/u/{other.pk}/").content.decode()


def test_profile_edit_stores_persona_only_with_consent(member):
    c = Client()
    c.force_login(member)
    c.post("/me/edit/", {"nickname": "小红", "bio": "爱跑步", "region": "上海"})
    assert not hasattr(member, "persona") or member.persona.region == ""
    c.post("/me/edit/", {"nickname": "小红", "bio": "爱跑步", "region": "上海", "consent_region": "on"})
    member.refresh_from_db()
    assert member.persona.region == "上海" and member.bio == "爱跑步"
