"""/api/v1/loyalty/tasks: the board, a claim (201, then 409 `task_already_claimed`), a community's check-in panel,
settling today's reward (409 `checkin_already_rewarded` once paid), a member's badges."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import api_client
from quanzi.content import services as content_services
from quanzi.loyalty.tasks import services
from quanzi.loyalty.tasks.models import TaskClaim
from quanzi.loyalty.tasks.tests.helpers import Recorder

pytestmark = pytest.mark.django_db
BASE = "/api/v1/loyalty/tasks"


def test_board_and_claim(member: Any, points: Recorder) -> None:
    c = api_client(member)
    assert api_client().get(BASE).status_code == 401
    rows = c.get(BASE).json()
    assert {r["section"] for r in rows} == {"novice", "daily", "weekly", "invite"}
    invite = next(r for r in rows if r["code"] == "invite_one")
    assert invite["state"] == "in_progress" and invite["progress"] == 0 and invite["rewards"][0]["kind"] == "points"
    r = c.post(f"{BASE}/{invite['id']}/claim")
    assert r.status_code == 409 and r.json()["code"] == "task_not_complete"
    services.task_progress(user_id=member.pk, trigger="invite_first_order", key="invite:3")
    r = c.post(f"{BASE}/{invite['id']}/claim")
    assert r.status_code == 201, r.content
    assert r.json()["period_key"] == "once" and r.json()["rewards"] == [{"kind": "points", "amount": 100,
                                                                         "label": "积分"}]
    r = c.post(f"{BASE}/{invite['id']}/claim")
    assert r.status_code == 409 and r.json()["code"] == "task_already_claimed"
    assert TaskClaim.objects.count() == 1 and points.total(member.pk) == 100
    assert c.post(f"{BASE}/999999/claim").json()["code"] == "task_not_found"


def test_checkin_panel_and_settling_today(member: Any, group: Any, points: Recorder,
                                          django_capture_on_commit_callbacks: Any) -> None:
    c = api_client(member)
    panel = c.get(f"{BASE}/checkin/{group.pk}").json()
    assert panel["has_rule"] and not panel["checked_today"] and panel["today_rewards"][0]["amount"] == 5
    assert [s["day"] for s in panel["table"]] == [1, 3, 7]
    r = c.post(f"{BASE}/checkin/{group.pk}/reward")
    assert r.status_code == 409 and r.json()["code"] == "not_checked_in"
    with django_capture_on_commit_callbacks(execute=True):
        content_services.checkin(user=member, community=group)
    panel = c.get(f"{BASE}/checkin/{group.pk}").json()
    assert panel["checked_today"] and panel["count"] == 1 and panel["today_reward"]["count"] == 1
    assert len(panel["month_days"]) == 1
    r = c.post(f"{BASE}/checkin/{group.pk}/reward")
    assert r.status_code == 409 and r.json()["code"] == "checkin_already_rewarded"
    assert points.total(member.pk) == 5
    assert c.get(f"{BASE}/checkin/999999").status_code == 404


def test_badges_of_a_member(member: Any) -> None:
    services.badge_award(user_id=member.pk, code="helpful", key="answer:1")
    assert services.badge_award(user_id=member.pk, code="helpful", key="answer:2") is None
    rows = api_client().get(f"{BASE}/badges/{member.pk}").json()
    assert [(b["code"], b["icon"]) for b in rows] == [("helpful", "💡")]
