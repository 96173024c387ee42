"""Bad input gets a clear code and changes nothing: a group full, expired or closed, a second open group in the same
campaign, joining your own group twice, a campaign not started, paused or ended, a community-only campaign, the
per-member limit, a mixed cart. And the price: the quote shows the group price with its source, the leader pays
the leader's price, the checkout page says which group the order joins."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from conftest import api_client, make_user
from quanzi.catalog.tests import factories as f
from quanzi.core.errors import DomainError
from quanzi.core.models import Event
from quanzi.growth.groupbuy import services
from quanzi.growth.groupbuy.models import GroupBuyCampaign, GroupBuyGroup, GroupBuyMember
from quanzi.growth.groupbuy.tests.helpers import (
    address_id,
    campaign,
    expire,
    group_of,
    join,
    open_group,
    pay,
    shop,
)
from quanzi.orders.models import CheckoutSession, Order

pytestmark = pytest.mark.django_db(transaction=True)


def _refused(code: str, fn: Any, *args: Any, **kwargs: Any) -> None:
    """The call fails with `code` and leaves no order, checkout, place or group behind."""
    before = (Order.objects.count(), CheckoutSession.objects.count(), GroupBuyMember.objects.count(),
              GroupBuyGroup.objects.count(), Event.objects.filter(name="order.place").count())
    taken = dict(GroupBuyGroup.objects.values_list("pk", "taken_count"))
    with pytest.raises(DomainError) as exc:
        fn(*args, **kwargs)
    assert exc.value.code == code, exc.value
    assert (Order.objects.count(), CheckoutSession.objects.count(), GroupBuyMember.objects.count(),
            GroupBuyGroup.objects.count(), Event.objects.filter(name="order.place").count()) == before
    assert dict(GroupBuyGroup.objects.values_list("pk", "taken_count")) == taken


def test_bad_input_is_refused_with_its_code_and_changes_nothing() -> None:
    merchant, sku = shop()
    c = campaign(merchant, sku, size=2, member_limit=2)
    leader, friend, third = make_user("团长"), make_user("好友"), make_user("路人")
    first = open_group(leader, c)
    group = group_of(first)

    _refused("already_in_group", join, leader, group)  # joining your own group
    _refused("already_in_open_group", open_group, leader, c)  # a second open group in the campaign
    _refused("member_limit_exceeded", join, friend, group, quantity=3)
    join(friend, group)
    _refused("group_full", join, third, group)
    _refused("group_not_found", services.group_join, user=third, group_id=999999, address_id=address_id(third),
             idempotency_key="k-404-000001")
    _refused("campaign_not_found", services.group_open, user=third, campaign_id=999999,
             address_id=address_id(third), idempotency_key="k-404-000002")

    # an expired group, then a closed one
    other_leader = make_user("另一个团长")
    second = open_group(other_leader, c)
    expired = group_of(second)
    expire(expired)
    _refused("group_expired", join, third, expired)
    services.group_close_due(group_id=expired.pk)
    _refused("group_closed", join, third, expired)

    # a campaign paused, then ended; one not started yet
    services.campaign_pause(user=merchant.user, campaign_id=c.pk)
    _refused("campaign_paused", open_group, third, c)
    services.campaign_resume(user=merchant.user, campaign_id=c.pk)
    services.campaign_end(user=merchant.user, campaign_id=c.pk)
    _refused("campaign_ended", open_group, third, c)
    later = campaign(merchant, sku, starts_at=timezone.now() + dt.timedelta(hours=1))
    _refused("campaign_not_started", open_group, third, later)


def test_a_group_order_is_the_campaign_sku_alone_and_other_campaign_options_are_not_ours() -> None:
    from quanzi.orders import services as orders

    merchant, sku = shop()
    _p, other_sku = f.product_with_sku(merchant, price_fen=3000, stock=10)
    c = campaign(merchant, sku)
    buyer = make_user("买家")
    kwargs = {"user": buyer, "address_id": address_id(buyer), "idempotency_key": "mixed-cart-0001"}
    _refused("groupbuy_single_item", orders.order_place, items=[(sku.pk, 1), (other_sku.pk, 1)],
             options={"campaign_id": c.pk}, **kwargs)
    # a campaign id said to be of another kind (as flash sales say theirs) is not a group-buy: no place taken
    order = orders.order_place(items=[(sku.pk, 1)], options={"campaign_id": c.pk, "campaign_kind": "another"},
                               **kwargs).orders.get()
    assert order.payable_fen == 10000 and not GroupBuyMember.objects.exists()


def test_community_only_campaigns_take_its_members_only_and_an_invite_only_one_is_never_leaked() -> None:
    from quanzi.communities.enums import Visibility

    merchant, sku = shop()
    community = f.community()
    c = campaign(merchant, sku, community_id=community.pk)
    outsider, insider = make_user("路人"), make_user("群友")
    f.add_member(community, insider)
    _refused("not_community_member", open_group, outsider, c)
    order = open_group(insider, c)
    pay(insider, order)
    group = group_of(order)
    assert group.campaign_id == c.pk
    assert f'id="groupbuy-{c.pk}"' in Client().get(f"/shop/p/{sku.product_id}/").content.decode()

    secret = f.community(visibility=Visibility.INVITE)
    _p, other_sku = f.product_with_sku(merchant, price_fen=10000, stock=10)
    hidden = campaign(merchant, other_sku, community_id=secret.pk)
    f.add_member(secret, insider)
    hidden_group = group_of(open_group(insider, hidden))
    _refused("group_not_found", join, outsider, hidden_group)
    _refused("campaign_not_found", open_group, outsider, hidden)
    client = Client()
    client.force_login(outsider)
    assert client.get(f"/groupbuy/g/{hidden_group.pk}/").status_code == 404
    product_page = client.get(f"/shop/p/{other_sku.product_id}/").content.decode()
    assert f'id="groupbuy-{hidden.pk}"' not in product_page and secret.name not in product_page
    assert api_client(outsider).get(f"/api/v1/growth/groupbuy/campaigns/{hidden.pk}").status_code == 404
    assert api_client(insider).get(f"/api/v1/growth/groupbuy/campaigns/{hidden.pk}").status_code == 200


def test_a_place_waits_for_its_payment_no_longer_than_its_group() -> None:
    merchant, sku = shop()
    c = campaign(merchant, sku, fill_minutes=5)
    order = open_group(make_user("团长"), c)
    group = group_of(order)
    assert order.expires_at is not None and order.expires_at <= group.deadline
    assert order.expires_at <= order.created_at + dt.timedelta(minutes=5)


def test_the_quote_shows_the_group_price_with_its_source_and_refuses_what_checkout_would() -> None:
    merchant, sku = shop(price_fen=10000)
    c = campaign(merchant, sku, size=2, group_price_fen=6000, leader_price_fen=5000)
    leader = make_user("团长")
    api = api_client(leader)
    body = {"items": [{"sku_id": sku.pk, "quantity": 2}], "options": {"campaign_id": c.pk}}
    quote = api.post("/api/v1/orders/quote", body, content_type="application/json").json()
    assert quote["total_fen"] == 10000  # 2 × the leader's price
    assert [(a["stage"], a["source"], a["amount_fen"]) for a in quote["adjustments"]] == \
        [("campaign", f"groupbuy:{c.pk}", 10000)]
    group = group_of(open_group(leader, c))
    friend_api = api_client(make_user("好友"))
    quote = friend_api.post("/api/v1/orders/quote", {"items": [{"sku_id": sku.pk, "quantity": 1}],
                                                     "options": {"group_id": group.pk}},
                            content_type="application/json").json()
    assert quote["total_fen"] == 6000
    again = api.post("/api/v1/orders/quote", {"items": [{"sku_id": sku.pk, "quantity": 1}],
                                              "options": {"group_id": group.pk}}, content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "already_in_group"


def test_the_checkout_page_says_which_group_the_order_joins() -> None:
    merchant, sku = shop()
    c = campaign(merchant, sku, size=2)
    leader, friend = make_user("团长"), make_user("好友")
    group = group_of(open_group(leader, c))
    client = Client()
    client.force_login(friend)
    page = client.get(f"/checkout/?sku_id={sku.pk}&quantity=1&options_chosen=1&options.group_id={group.pk}")
    html = page.content.decode()
    assert page.status_code == 200 and 'id="groupbuy-checkout"' in html and "团长 的 2 人团" in html
    assert 'name="options.group_id"' in html and "¥60.00" in html
    client.force_login(leader)
    html = client.get(f"/checkout/?sku_id={sku.pk}&quantity=1&options_chosen=1&options.group_id={group.pk}")\
        .content.decode()
    assert "你已经在这个团里了" in html


def test_a_leader_who_never_pays_frees_the_group_for_a_new_one_and_the_campaign_is_per_sku() -> None:
    from quanzi.orders import services as orders

    merchant, sku = shop()
    c = campaign(merchant, sku, size=2)
    leader = make_user("团长")
    first = open_group(leader, c)
    orders.order_cancel(user=leader, order_id=first.pk)
    assert not GroupBuyMember.objects.filter(active=True).exists()
    second = open_group(leader, c)
    pay(leader, second)
    assert GroupBuyCampaign.objects.count() == 1


def test_a_group_past_its_deadline_refuses_even_before_the_job() -> None:
    merchant, sku = shop()
    c = campaign(merchant, sku, size=3)
    group = group_of(open_group(make_user("团长"), c))
    expire(group)
    _refused("group_expired", join, make_user("好友"), group)
