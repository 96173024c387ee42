"""The settings page (通知设置) and API: read, change, refuse bad input with a code and change nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from conftest import api_client, make_user
from quanzi.notify.models import Preference

pytestmark = pytest.mark.django_db


def test_api_reads_and_sets_a_group_on_a_channel() -> None:
    user = make_user("接口")
    client = api_client(user)
    rows = client.get("/api/v1/notify/preferences").json()
    trade = next(r for r in rows if r["group"] == "trade")
    assert trade["channels"] == {"in_app": True, "wechat": True, "sms": False, "email": False}
    answer = client.put("/api/v1/notify/preferences", data=json.dumps(
        {"group": "trade", "channel": "sms", "enabled": True}), content_type="application/json")
    assert answer.status_code == 200
    trade = next(r for r in answer.json() if r["group"] == "trade")
    assert trade["channels"]["sms"] is True


@pytest.mark.parametrize(("body", "code"), [
    ({"group": "nope", "channel": "sms", "enabled": True}, "unknown_group"),
    ({"group": "trade", "channel": "pigeon", "enabled": True}, "unknown_channel"),
])
def test_api_refuses_unknown_group_or_channel(body: dict[str, Any], code: str) -> None:
    client = api_client(make_user("坏输入"))
    answer = client.put("/api/v1/notify/preferences", data=json.dumps(body), content_type="application/json")
    assert answer.status_code == 400 and answer.json()["code"] == code and answer.json()["message"]
    assert not Preference.objects.exists()


def test_api_needs_a_login() -> None:
    assert Client().get("/api/v1/notify/preferences").status_code == 401


def test_settings_page_shows_and_saves_the_form() -> None:
    user = make_user("页面")
    client = Client()
    client.force_login(user)
    page = client.get("/me/notifications/settings/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "通知设置" in html and 'value="trade:wechat" checked' in html and 'value="trade:sms">' in html
    answer = client.post("/me/notifications/settings/", {"on": ["trade:in_app", "trade:sms", "live:in_app"]})
    assert answer.status_code == 302
    html = client.get("/me/notifications/settings/").content.decode()
    assert 'value="trade:sms" checked' in html and 'value="interaction:in_app">' in html
    assert Preference.objects.filter(user=user, group="interaction", channel="in_app", enabled=False).exists()


def test_settings_page_refuses_unknown_values() -> None:
    user = make_user("乱填")
    client = Client()
    client.force_login(user)
    answer = client.post("/me/notifications/settings/", {"on": ["trade:pigeon"]})
    assert answer.status_code == 200 and "未知的通知类别" in answer.content.decode()
    assert not Preference.objects.exists()


def test_settings_page_needs_a_login() -> None:
    answer = Client().get("/me/notifications/settings/")
    assert answer.status_code == 302 and "/login/" in answer["Location"]
