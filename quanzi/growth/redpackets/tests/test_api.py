"""/api/v1/growth/redpackets: send (paid from the balance), read, claim, balance and ledger; bad input gets its
code and changes nothing; checkout spends the balance through /api/v1/orders with `options.extra.balance_fen`."""

from __future__ import annotations

import pytest

from conftest import api_client, make_user
from quanzi.catalog.tests import factories as f
from quanzi.growth.redpackets.models import RedPacket
from quanzi.growth.redpackets.selectors import balance_of
from quanzi.growth.redpackets.tests.helpers import grant, members
from quanzi.orders import services as order_services
from quanzi.orders.tests.helpers import address

pytestmark = pytest.mark.django_db
BASE = "/api/v1/growth/redpackets"


def test_send_read_claim_and_the_ledger(rich_funder, group):
    c = api_client(rich_funder)
    sent = c.post(BASE, {"community_id": group.pk, "amount_fen": 600, "shares": 3, "greeting": "周末快乐"},
                  content_type="application/json")
    assert sent.status_code == 201, sent.content
    body = sent.json()
    assert body["shares_left"] == 3 and body["state"] == "open" and body["greeting"] == "周末快乐"
    pid = body["id"]
    (m,) = members(group, 1)
    mc = api_client(m)
    got = mc.post(f"{BASE}/{pid}/claim")
    assert got.status_code == 201 and got.json()["balance_fen"] == got.json()["amount_fen"] >= 1
    again = mc.post(f"{BASE}/{pid}/claim")
    assert again.status_code == 409 and again.json()["code"] == "already_claimed"
    read = api_client().get(f"{BASE}/{pid}").json()
    assert read["shares_left"] == 2 and [x["claimer_id"] for x in read["claims"]] == [m.pk]
    assert mc.get(f"{BASE}/{pid}").json()["state"] == "claimed"
    assert mc.get(f"{BASE}/balance").json() == {"balance_fen": got.json()["amount_fen"]}
    ledger = c.get(f"{BASE}/balance/entries").json()
    assert [e["kind"] for e in ledger["items"]] == ["packet_fund", "grant"] and ledger["items"][0]["amount_fen"] == -600
    outsider = api_client(make_user()).post(f"{BASE}/{pid}/claim")
    assert outsider.status_code == 403 and outsider.json()["code"] == "not_community_member"
    assert api_client().post(f"{BASE}/{pid}/claim").status_code == 401
    assert api_client().get(f"{BASE}/424242").json()["code"] == "packet_not_found"


@pytest.mark.parametrize(("payload", "status", "code"), [
    ({"amount_fen": 0, "shares": 1}, 400, "invalid_amount"),
    ({"amount_fen": 5, "shares": 6}, 400, "shares_exceed_amount"),
    ({"amount_fen": 100, "shares": 0}, 400, "invalid_shares"),
    ({"amount_fen": 100000, "shares": 2}, 409, "balance_insufficient"),
])
def test_bad_sends_change_nothing(rich_funder, group, payload, status, code):
    answer = api_client(rich_funder).post(BASE, {"community_id": group.pk, **payload},
                                          content_type="application/json")
    assert answer.status_code == status and answer.json()["code"] == code
    assert RedPacket.objects.count() == 0 and balance_of(user_id=rich_funder.pk) == 10000


def test_checkout_through_the_api_spends_the_balance(operator):
    m = f.approved_merchant()
    _p, sku = f.product_with_sku(m, price_fen=5000, stock=5)
    order_services.shipping_template_set(user=m.user, mode="piece", first_units=1, first_fee_fen=0,
                                         additional_units=1, additional_fee_fen=0, free_threshold_fen=None)
    buyer = make_user()
    grant(operator, buyer, 1200)
    c = api_client(buyer)
    payload = {"items": [{"sku_id": sku.pk, "quantity": 1}], "options": {"extra": {"balance_fen": 1200}}}
    quote = c.post("/api/v1/orders/quote", payload, content_type="application/json")
    assert quote.status_code == 200, quote.content
    assert quote.json()["total_fen"] == 3800
    assert any(a["source"] == "balance" and a["amount_fen"] == 1200 for a in quote.json()["adjustments"])
    placed = c.post("/api/v1/orders/checkout", {**payload, "address_id": address(buyer).pk,
                                                "idempotency_key": "rp-api-1"}, content_type="application/json")
    assert placed.status_code in (200, 201), placed.content
    assert balance_of(user_id=buyer.pk) == 0
