"""/api/v1/loyalty/lotteries: create (the cap's code), list, read (the seed hidden until the draw), take a number
(twice, after the close, not eligible: codes and nothing changes), draw by hand (too early, then once), the
published data."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from conftest import api_client, make_user
from quanzi.loyalty.lotteries import verify
from quanzi.loyalty.lotteries.models import Lottery, LotteryEntry
from quanzi.loyalty.lotteries.tests.helpers import close, members

pytestmark = pytest.mark.django_db
BASE = "/api/v1/loyalty/lotteries"


def _body(community_id: int | None, **kw: Any) -> dict[str, Any]:
    now = timezone.now()
    body = {"title": "打卡挑战抽奖", "community_id": community_id, "eligibility": "members",
            "opens_at": (now - dt.timedelta(minutes=1)).isoformat(),
            "closes_at": (now + dt.timedelta(days=1)).isoformat(),
            "draw_at": (now + dt.timedelta(days=1, hours=1)).isoformat(),
            "prizes": [{"name": "蓝牙耳机", "count": 1, "kind": "goods", "value_fen": 19900},
                       {"name": "50 积分", "count": 2, "kind": "points", "amount": 50}]}
    body.update(kw)
    return body


def test_create_read_enter_and_draw(owner: Any, group: Any) -> None:
    c = api_client(owner)
    made = c.post(BASE, _body(group.pk), content_type="application/json")
    assert made.status_code == 201, made.content
    body = made.json()
    lid = body["id"]
    assert body["state"] == "open" and body["seed"] is None and len(body["seed_hash"]) == 64
    assert [p["tier"] for p in body["prizes"]] == [1, 2] and body["prizes"][0]["odds"] == "—"
    listed = api_client().get(BASE, {"community_id": group.pk}).json()
    assert [x["id"] for x in listed["items"]] == [lid]

    a, b = members(group, 2)
    ac = api_client(a)
    got = ac.post(f"{BASE}/{lid}/enter")
    assert got.status_code == 201 and got.json()["number"] == 1
    again = ac.post(f"{BASE}/{lid}/enter")
    assert again.status_code == 409 and again.json()["code"] == "already_entered"
    outsider = api_client(make_user()).post(f"{BASE}/{lid}/enter")
    assert outsider.status_code == 403 and outsider.json()["code"] == "not_eligible"
    assert api_client(b).post(f"{BASE}/{lid}/enter").status_code == 201
    mine = ac.get(f"{BASE}/{lid}").json()
    assert [e["number"] for e in mine["my_numbers"]] == [1] and mine["entries"] == 2
    assert mine["prizes"][0]["odds"] == "50.00%"

    early = c.post(f"{BASE}/{lid}/draw")
    assert early.status_code == 409 and early.json()["code"] == "draw_too_early"
    close(Lottery.objects.get(pk=lid))
    late = api_client(make_user()).post(f"{BASE}/{lid}/enter")
    assert late.status_code == 409 and late.json()["code"] == "entries_closed"
    assert LotteryEntry.objects.filter(lottery_id=lid).count() == 2
    drawn = c.post(f"{BASE}/{lid}/draw")
    assert drawn.status_code == 200 and drawn.json()["state"] == "drawn" and drawn.json()["seed"]
    assert len(drawn.json()["winners"]) == 2
    twice = c.post(f"{BASE}/{lid}/draw")
    assert twice.status_code == 409 and twice.json()["code"] == "already_drawn"
    data = api_client().get(f"{BASE}/{lid}/data").json()
    assert verify.verify(data).ok


def test_a_prize_above_the_cap_gets_its_code_and_nothing_is_created(owner: Any, group: Any) -> None:
    res = api_client(owner).post(BASE, _body(group.pk, prizes=[
        {"name": "小汽车", "count": 1, "kind": "goods", "value_fen": 8_000_000}]), content_type="application/json")
    assert res.status_code == 400 and res.json()["code"] == "prize_above_cap"
    assert "50000.00" in res.json()["message"] or "50,000" in res.json()["message"]
    assert not Lottery.objects.exists()


def test_a_member_cannot_create_and_anonymous_must_log_in(group: Any) -> None:
    (m,) = members(group, 1)
    res = api_client(m).post(BASE, _body(group.pk), content_type="application/json")
    assert res.status_code == 403 and res.json()["code"] == "not_organiser"
    assert api_client().post(BASE, _body(group.pk), content_type="application/json").status_code == 401
    assert api_client().get(f"{BASE}/999999").json()["code"] == "lottery_not_found"
