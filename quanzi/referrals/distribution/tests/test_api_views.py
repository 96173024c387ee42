"""The API (/api/v1/referrals/distribution) and the pages (/promoter/, /ops/withdrawals/): thin adapters on the
services — a member applies and withdraws, an operator works the queue, bad input answers its code and changes
nothing, a member cannot reach the operators' queue."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from conftest import api_client
from quanzi.referrals.distribution import selectors, services
from quanzi.referrals.distribution.enums import WithdrawalStatus
from quanzi.referrals.distribution.tests.helpers import chain, line, order_id

pytestmark = pytest.mark.django_db
API = "/api/v1/referrals/distribution"


@pytest.fixture
def earner(operator: Any) -> Any:
    _top, mid, buyer = chain(3)
    oid = order_id()
    services.commission_accrue(order_id=oid, buyer_id=buyer.pk, lines=[line(50000), line(20000)])
    services.commission_release(order_id=oid)
    services.commission_accrue(order_id=order_id(), buyer_id=buyer.pk, lines=[line(30000)])
    return mid


def test_centre_and_withdraw_through_the_api(earner: Any, operator: Any) -> None:
    client = api_client(earner)
    me = client.get(f"{API}/me").json()
    assert (me["status"], me["pending_fen"], me["available_fen"], me["orders"]) == ("active", 3000, 7000, 2)
    assert len(me["chart"]) == 14 and me["chart"][-1]["amount_fen"] == 10000
    answer = client.post(f"{API}/withdrawals", {"amount_fen": 999999}, content_type="application/json")
    assert answer.status_code == 400 and answer.json()["code"] == "above_maximum"
    answer = client.post(f"{API}/withdrawals", {"amount_fen": 5000}, content_type="application/json")
    assert answer.status_code == 201, answer.json()
    wid = answer.json()["id"]
    assert answer.json()["payout_fen"] == 4900
    assert client.get(f"{API}/ops/withdrawals").status_code == 403
    ops = api_client(operator)
    assert [w["id"] for w in ops.get(f"{API}/ops/withdrawals").json()["items"]] == [wid]
    paid = ops.post(f"{API}/ops/withdrawals/{wid}/approve")
    assert paid.status_code == 200 and paid.json()["status"] == "paid"
    entries = client.get(f"{API}/entries").json()
    assert entries["count"] == 8 and entries["items"][0]["kind"] == "withdraw"


def test_apply_and_community_rule_through_the_api(operator: Any) -> None:
    from conftest import make_user
    from quanzi.catalog.tests import factories as f

    member = make_user()
    answer = api_client(member).post(f"{API}/apply")
    assert answer.status_code == 201 and answer.json()["status"] == "active"
    assert api_client(member).post(f"{API}/apply").json()["code"] == "already_promoter"
    c = f.community()
    answer = api_client(c.owner).put(f"{API}/communities/{c.pk}/rule", {"levels": 4},
                                     content_type="application/json")
    assert answer.status_code == 400 and answer.json()["code"] == "invalid_levels"
    answer = api_client(c.owner).put(f"{API}/communities/{c.pk}/rule", {"levels": 1, "level1_rate": "0.08"},
                                     content_type="application/json")
    assert answer.status_code == 200 and answer.json()["levels"] == 1


def test_pages(earner: Any, operator: Any) -> None:
    client = Client()
    client.force_login(earner)
    page = client.get("/promoter/").content.decode()
    assert 'id="available"' in page and "¥70.00" in page and "¥30.00" in page and "commission-chart" in page
    answer = client.post("/promoter/withdraw/", {"amount": "12.5"})
    assert answer.status_code == 302
    w = selectors.withdrawals_of(promoter_id=selectors.promoter_get(user_id=earner.pk).pk).get()
    assert (w.amount_fen, w.status) == (1250, WithdrawalStatus.REQUESTED)
    client.post("/promoter/withdraw/", {"amount": "abc"})
    assert selectors.withdrawals_of(promoter_id=w.promoter_id).count() == 1
    assert client.get("/ops/withdrawals/").status_code == 403
    ops = Client()
    ops.force_login(operator)
    queue = ops.get("/ops/withdrawals/").content.decode()
    assert w.number in queue
    ops.post(f"/ops/withdrawals/{w.pk}/reject/", {"reason": "账户信息不全"})
    w.refresh_from_db()
    assert w.status == WithdrawalStatus.REJECTED
    assert selectors.promoter_get(user_id=earner.pk).available_fen == 7000


def test_a_member_without_commission_sees_how_to_start() -> None:
    from conftest import make_user

    client = Client()
    client.force_login(make_user())
    page = client.get("/promoter/").content.decode()
    assert 'id="apply"' in page and "免费" in page
