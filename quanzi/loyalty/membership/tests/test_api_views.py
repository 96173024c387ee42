"""/api/v1/loyalty/membership and the pages: my level and growth ledger, the level table, plans, buying one (an
order to pay at the cashier), the trial, my periods and their refund; bad input gets its code and changes
nothing. The pages render for a member and send a visitor to the login."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client

from conftest import api_client, make_user
from quanzi.loyalty.membership.models import MembershipPeriod
from quanzi.loyalty.membership.tests.helpers import buy, grow, plan
from quanzi.orders.models import Order

pytestmark = pytest.mark.django_db(transaction=True)
BASE = "/api/v1/loyalty/membership"
J = "application/json"


def test_me_levels_and_the_growth_ledger() -> None:
    u = make_user()
    grow(u, 1200)
    c = api_client(u)
    me = c.get(f"{BASE}/me").json()
    assert me["growth"] == 1200 and me["level"]["name"] == "银卡" and me["next_level"]["name"] == "金卡"
    assert me["to_next"] == 3800 and me["is_paid_member"] is False and me["trial_available"] is True
    levels = api_client().get(f"{BASE}/levels").json()
    assert [lv["threshold"] for lv in levels] == [0, 1000, 5000, 20000]
    ledger = c.get(f"{BASE}/growth").json()
    assert [e["amount"] for e in ledger["items"]] == [1200] and ledger["items"][0]["kind"] == "activity"
    assert api_client().get(f"{BASE}/me").status_code == 401


def test_buy_pay_list_and_refund_through_the_api() -> None:
    u = make_user()
    c = api_client(u)
    plans = api_client().get(f"{BASE}/plans").json()
    assert [p["code"] for p in plans] == ["plus-trial", "plus-monthly", "plus-yearly"]
    key = uuid.uuid4().hex
    r = c.post(f"{BASE}/plans/{plan('plus-monthly').pk}/buy", {"idempotency_key": key}, content_type=J)
    assert r.status_code == 201, r.content
    again = c.post(f"{BASE}/plans/{plan('plus-monthly').pk}/buy", {"idempotency_key": key}, content_type=J)
    assert again.json()["order_id"] == r.json()["order_id"]  # a double click places one order
    assert r.json()["payable_fen"] == 1500 and r.json()["pay_url"] == f"/orders/{r.json()['order_id']}/"
    assert Order.objects.filter(buyer=u).count() == 1
    from quanzi.loyalty.membership.tests.helpers import pay

    pay(u, Order.objects.get(pk=r.json()["order_id"]))
    periods = c.get(f"{BASE}/periods").json()
    assert len(periods) == 1 and periods[0]["refundable_fen"] == 1500 and periods[0]["refund_rule"] == "full"
    refunded = c.post(f"{BASE}/periods/{periods[0]['id']}/refund")
    assert refunded.status_code == 201 and refunded.json()["amount_fen"] == 1500
    assert c.get(f"{BASE}/periods").json()[0]["status"] == "refunded"
    assert c.post(f"{BASE}/periods/{periods[0]['id']}/refund").json()["code"] == "refund_not_allowed"
    other = api_client(make_user()).post(f"{BASE}/periods/{periods[0]['id']}/refund")
    assert other.status_code == 404 and other.json()["code"] == "period_not_found"


def test_trial_and_bad_input() -> None:
    u = make_user()
    c = api_client(u)
    t = c.post(f"{BASE}/plans/{plan('plus-trial').pk}/trial")
    assert t.status_code == 201 and t.json()["plan_name"] == "圈子PLUS 7 天试用"
    t2 = c.post(f"{BASE}/plans/{plan('plus-trial').pk}/trial")
    assert t2.status_code == 409 and t2.json()["code"] == "trial_used"
    assert c.post(f"{BASE}/plans/999999/buy", {"idempotency_key": uuid.uuid4().hex},
                  content_type=J).json()["code"] == "plan_not_found"
    assert c.post(f"{BASE}/plans/{plan('plus-monthly').pk}/buy", {"idempotency_key": "short"},
                  content_type=J).json()["code"] == "idempotency_key_missing"
    assert MembershipPeriod.objects.filter(user=u).count() == 1
    assert Order.objects.filter(buyer=u).count() == 0


def test_pages() -> None:
    assert Client().get("/membership/").status_code == 302
    u = make_user("页面会员")
    grow(u, 5200)
    buy(u, "plus-yearly")
    c = Client()
    c.force_login(u)
    page = c.get("/membership/").content.decode()
    assert "金卡" in page and "5200" in page and "14800" in page  # level, growth, to the next level
    plans = c.get("/membership/plans/").content.decode()
    assert "圈子PLUS 年卡" in plans and "退订并退款" in plans
    r = c.post(f"/membership/plans/{plan('plus-monthly').pk}/buy/", {"idempotency_key": uuid.uuid4().hex})
    order = Order.objects.filter(buyer=u).order_by("-pk").first()
    assert r.status_code == 302 and r["Location"] == f"/orders/{order.pk}/"
    r = c.post(f"/membership/plans/{plan('plus-trial').pk}/trial/", follow=True)
    assert "免费试用每位会员仅限一次" in r.content.decode()
