"""Red-packet pages: the claim page's states, claiming, the send form (bad input shown, nothing changes), my
balance with the ledger, the community panel and the checkout panel."""

from __future__ import annotations

import pytest
from django.test import Client

from conftest import make_user
from quanzi.growth.redpackets.models import RedPacket
from quanzi.growth.redpackets.selectors import balance_of
from quanzi.growth.redpackets.services import redpacket_create_and_fund
from quanzi.growth.redpackets.tests.helpers import members

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_claim_page_states_and_claiming(rich_funder, group):
    p = redpacket_create_and_fund(funder=rich_funder, community_id=group.pk, amount_fen=300, shares=1,
                                  greeting="好运来")
    anon = Client().get(f"/redpackets/{p.pk}/")
    assert anon.status_code == 200 and "好运来" in anon.content.decode() and 'id="login-to-claim"' in anon.content.decode()
    outsider = _client(make_user()).get(f"/redpackets/{p.pk}/").content.decode()
    assert "后才能领取" in outsider and 'id="claim"' not in outsider
    (m,) = members(group, 1)
    mc = _client(m)
    assert 'id="claim"' in mc.get(f"/redpackets/{p.pk}/").content.decode()
    after = mc.post(f"/redpackets/{p.pk}/claim/", follow=True).content.decode()
    assert 'data-state="claimed"' in after and "¥3.00" in after and balance_of(user_id=m.pk) == 300
    (late,) = members(group, 1)
    lc = _client(late)
    assert 'data-state="finished"' in lc.get(f"/redpackets/{p.pk}/").content.decode()
    refused = lc.post(f"/redpackets/{p.pk}/claim/", follow=True).content.decode()
    assert "红包已被领完" in refused and balance_of(user_id=late.pk) == 0
    assert Client().get("/redpackets/424242/").status_code == 404


def test_send_form_and_balance_page(rich_funder, group):
    c = _client(rich_funder)
    form = c.get(f"/redpackets/new/?community={group.pk}")
    assert form.status_code == 200 and group.name in form.content.decode()
    bad = c.post("/redpackets/new/", {"community": group.pk, "amount": "0.05", "shares": "6"})
    assert bad.status_code == 400 and "每个红包至少" in bad.content.decode() and RedPacket.objects.count() == 0
    ok = c.post("/redpackets/new/", {"community": group.pk, "amount": "8.88", "shares": "4", "greeting": "早安"})
    p = RedPacket.objects.get()
    assert ok.status_code == 302 and ok["Location"] == f"/redpackets/{p.pk}/" and p.amount_fen == 888
    page = c.get("/balance/").content.decode()
    assert "¥91.12" in page and "-¥8.88" in page and "发红包" in page
    feed = c.get(f"/c/{group.slug}/").content.decode()
    assert 'id="community-redpackets"' in feed and f"/redpackets/{p.pk}/" in feed


def test_the_checkout_page_offers_the_balance_and_applies_it(operator):
    from quanzi.catalog.tests import factories as f
    from quanzi.growth.redpackets.tests.helpers import grant

    m = f.approved_merchant()
    _p, sku = f.product_with_sku(m, price_fen=5000, stock=5)
    buyer = make_user()
    c = _client(buyer)
    assert 'id="checkout-balance"' not in c.get(f"/checkout/?sku_id={sku.pk}&quantity=1").content.decode()
    grant(operator, buyer, 700)
    offered = c.get(f"/checkout/?sku_id={sku.pk}&quantity=1").content.decode()
    assert 'id="checkout-balance"' in offered and "¥7.00" in offered and 'id="balance-saving"' not in offered
    used = c.get(f"/checkout/?sku_id={sku.pk}&quantity=1&options_chosen=1&options.extra.balance_fen=700")
    page = used.content.decode()
    assert 'id="balance-saving"' in page and "-¥7.00" in page and "红包余额抵扣" in page
