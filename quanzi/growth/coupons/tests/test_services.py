"""Coupon services: templates and their rules, claiming within quota and limits, the coupons in the price
waterfall (scopes, thresholds, stacking, campaign prices, free shipping), redemption inside checkout, and the
coupon coming back on cancellation, expiry and full refund."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from conftest import make_user
from quanzi.catalog.models import Sku
from quanzi.catalog.tests import factories as f
from quanzi.core.errors import DomainError
from quanzi.core.models import Event
from quanzi.growth.coupons import services
from quanzi.growth.coupons.enums import (
    ClaimMode,
    CouponKind,
    CouponScope,
    CouponStatus,
    RedemptionStatus,
    RefundPolicy,
    TemplateStatus,
)
from quanzi.growth.coupons.models import Coupon, CouponRedemption, CouponStatusChange, CouponTemplate
from quanzi.growth.coupons.tests.helpers import claim, hours, pay, place, template
from quanzi.orders import pricing
from quanzi.orders import services as order_services
from quanzi.orders.enums import OrderStatus
from quanzi.orders.models import CheckoutSession, Order, OrderLineAdjustment
from quanzi.orders.selectors import quote_preview
from quanzi.payments import services as payments

pytestmark = pytest.mark.django_db


def code_of(fn: Any, **kwargs: Any) -> str:
    with pytest.raises(DomainError) as exc:
        fn(**kwargs)
    return exc.value.code


def quote(user: Any, items: list[tuple[Sku, int]], coupons: list[Coupon]) -> Any:
    return quote_preview(user=user, items=[(s.pk, q) for s, q in items],
                         options={"coupon_ids": [c.pk for c in coupons]})


# --- templates ---------------------------------------------------------------------------------------------------


def test_template_rules_refuse_bad_values_and_change_nothing(operator, shop):
    cases = [
        ({"kind": "gift"}, "invalid_kind"),
        ({"amount_fen": 0}, "invalid_amount"),
        ({"amount_fen": 10000, "threshold_fen": 10000}, "invalid_threshold"),  # 满100减100 is no threshold
        ({"kind": CouponKind.NO_THRESHOLD, "threshold_fen": 100}, "invalid_threshold"),
        ({"kind": CouponKind.PERCENT_OFF, "discount_rate": "1.5"}, "invalid_percent"),
        ({"kind": CouponKind.PERCENT_OFF, "discount_rate": 0.15}, "invalid_percent"),  # no float near money
        ({"amount_fen": -5}, "invalid_amount"),
        ({"amount_fen": True}, "invalid_amount"),
        ({"name": " "}, "invalid_name"),
        ({"scope": CouponScope.MERCHANT}, "invalid_scope"),  # a shop coupon names its shop
        ({"scope": CouponScope.COMMUNITY}, "invalid_scope"),
        ({"scope": CouponScope.CATEGORY}, "invalid_scope"),
        ({"scope": CouponScope.PRODUCT, "product_ids": []}, "invalid_scope"),
        ({"valid_days": None}, "invalid_validity"),  # neither window
        ({"valid_from": hours(-1), "valid_until": hours(5)}, "invalid_validity"),  # both
        ({"valid_days": None, "valid_from": hours(5), "valid_until": hours(1)}, "invalid_validity"),
        ({"valid_days": 0}, "invalid_validity"),
        ({"total_quota": 0}, "invalid_quota"),
        ({"per_member_limit": 0}, "invalid_limit"),
        ({"claim_starts_at": hours(5), "claim_ends_at": hours(1)}, "invalid_claim_window"),
        ({"refund_policy": "maybe"}, "invalid_refund_policy"),
    ]
    for fields, code in cases:
        assert code_of(template, actor=operator, **fields) == code, fields
    assert not CouponTemplate.objects.exists()
    # a percent-off coupon: 15 % off, capped at ¥30
    t = template(operator, name="八五折", kind=CouponKind.PERCENT_OFF, discount_rate="0.15", amount_fen=3000,
                 threshold_fen=0)
    assert t.discount_rate == Decimal("0.1500") and t.amount_fen == 3000


def test_merchants_issue_shop_coupons_for_their_own_goods_only(shop, other_shop, operator):
    m = shop.merchant
    t = template(m.user, scope=CouponScope.MERCHANT)
    assert t.merchant_id == m.pk and t.claim_mode == ClaimMode.PUBLIC
    assert code_of(template, actor=m.user, merchant_id=other_shop.merchant.pk) == "not_merchant"
    assert code_of(template, actor=m.user, claim_mode=ClaimMode.GRANT) == "not_operator"
    assert code_of(template, actor=m.user, scope=CouponScope.PRODUCT,
                   product_ids=[other_shop.tea_product.pk]) == "invalid_scope"
    assert code_of(template, actor=make_user("路人")) == "not_merchant"
    # only its owner (or an operator) pauses it; someone else's campaign reads as missing
    assert code_of(services.template_set_status, actor=other_shop.merchant.user, template_id=t.pk,
                   status=TemplateStatus.PAUSED) == "template_not_found"
    assert services.template_set_status(actor=m.user, template_id=t.pk, status=TemplateStatus.PAUSED).status \
        == TemplateStatus.PAUSED
    assert services.template_set_status(actor=operator, template_id=t.pk, status=TemplateStatus.ENDED).status \
        == TemplateStatus.ENDED
    assert code_of(services.template_set_status, actor=m.user, template_id=t.pk,
                   status=TemplateStatus.ACTIVE) == "illegal_transition"
    assert [c.to_status for c in t.status_changes.all()] == ["paused", "ended"]


# --- claiming ----------------------------------------------------------------------------------------------------


def test_claim_within_quota_and_limit(operator, member, other):
    t = template(operator, total_quota=2, per_member_limit=1)
    c = claim(member, t)
    assert c.status == CouponStatus.UNUSED and c.valid_until - c.valid_from == dt.timedelta(days=7)
    assert code_of(claim, user=member, t=t) == "claim_limit_reached"
    claim(other, t)
    assert code_of(claim, user=make_user(), t=t) == "coupon_exhausted"
    t.refresh_from_db()
    assert t.claimed_count == 2 == Coupon.objects.filter(template=t).count()
    assert Event.objects.filter(name="coupon.claim").count() == 2


def test_claim_window_status_and_mode(operator, member):
    later = template(operator, claim_starts_at=hours(2))
    assert code_of(claim, user=member, t=later) == "claim_not_started"
    closed = template(operator, claim_starts_at=hours(-3), claim_ends_at=hours(-1))
    assert code_of(claim, user=member, t=closed) == "claim_ended"
    paused = template(operator)
    services.template_set_status(actor=operator, template_id=paused.pk, status=TemplateStatus.PAUSED)
    assert code_of(claim, user=member, t=paused) == "claim_paused"
    granted_only = template(operator, claim_mode=ClaimMode.GRANT)
    assert code_of(claim, user=member, t=granted_only) == "not_claimable"
    assert code_of(services.coupon_claim, user=member, template_id=999999) == "template_not_found"
    fixed = template(operator, valid_days=None, valid_from=hours(24), valid_until=hours(48))
    c = claim(member, fixed)
    assert (c.valid_from, c.valid_until) == (fixed.valid_from, fixed.valid_until)
    assert not Coupon.objects.exclude(pk=c.pk).exists()


def test_a_community_coupon_is_for_its_members(operator, member):
    c = f.community()
    t = template(operator, scope=CouponScope.COMMUNITY, community_id=c.pk)
    assert code_of(claim, user=member, t=t) == "not_community_member"
    f.add_member(c, member)
    member = type(member).objects.get(pk=member.pk)  # a fresh request's user (memberships are cached per user)
    assert claim(member, t).template_id == t.pk


def test_operator_grants_a_list_once_per_batch(operator, member, other):
    t = template(operator, claim_mode=ClaimMode.GRANT, total_quota=3, per_member_limit=1)
    third = make_user("小刚")
    result = services.coupon_grant(operator=operator, template_id=t.pk, batch_key="batch-0001",
                                   members=[member.phone, str(other.pk), "13000000000", "hello", member.phone])
    assert sorted(result.granted) == sorted([member.pk, other.pk])
    assert [who for who, _why in result.skipped] == ["13000000000", "hello"]
    # the same batch again gives nobody a second coupon; a new batch meets the per-member limit
    again = services.coupon_grant(operator=operator, template_id=t.pk, batch_key="batch-0001",
                                  members=[member.phone, str(third.pk)])
    assert again.granted == [member.pk, third.pk]
    assert Coupon.objects.filter(template=t).count() == 3
    more = services.coupon_grant(operator=operator, template_id=t.pk, batch_key="batch-0002",
                                 members=[str(make_user().pk)])
    assert more.granted == [] and "抢光" in more.skipped[0][1]
    assert code_of(services.coupon_grant, operator=member, template_id=t.pk, batch_key="batch-0003",
                   members=["1"]) == "not_operator"
    assert code_of(services.coupon_grant, operator=operator, template_id=t.pk, batch_key="batch-0004",
                   members=[]) == "grant_empty"
    assert code_of(services.coupon_grant, operator=operator, template_id=t.pk, batch_key="短",
                   members=[member.phone]) == "invalid_batch"
    over = template(operator, claim_mode=ClaimMode.GRANT, valid_days=None, valid_from=hours(-48),
                    valid_until=hours(1))
    CouponTemplate.objects.filter(pk=over.pk).update(valid_until=hours(-1))  # its window ran out meanwhile
    assert code_of(services.coupon_grant, operator=operator, template_id=over.pk, batch_key="batch-0005",
                   members=[member.phone]) == "claim_ended"


# --- the price waterfall -----------------------------------------------------------------------------------------


def test_amount_off_on_the_lines_in_scope(operator, shop, member):
    t = template(operator, scope=CouponScope.CATEGORY, category_id=shop.categories[0].pk)  # 护肤 only
    c = claim(member, t)
    q = quote(member, [(shop.cream, 1), (shop.cleanser, 1), (shop.kettle, 1)], [c])
    coupon_off = {ln.sku_id: ln.coupon_discount_fen for ln in q.lines}
    # ¥20 over the cream and cleanser in proportion (100:50), nothing off the kettle
    assert coupon_off == {shop.cream.pk: 1333, shop.cleanser.pk: 667, shop.kettle.pk: 0}
    [adj] = [a for a in q.adjustments if a.source == f"coupon:{c.pk}"]
    assert adj.label == "满100减20" and adj.amount_fen == 2000
    assert q.total_fen == 10000 + 5000 + 8000 - 2000 + 1000


def test_each_reason_a_coupon_cannot_be_used(operator, shop, other_shop, member):
    def refused(t: CouponTemplate, items: list[tuple[Sku, int]]) -> str:
        return code_of(quote, user=member, items=items, coupons=[claim(member, t)])

    assert refused(template(operator, name="门槛", threshold_fen=20000), [(shop.cream, 1)]) \
        == "coupon_below_threshold"
    assert refused(template(operator, name="他店", scope=CouponScope.MERCHANT, merchant_id=other_shop.merchant.pk),
                   [(shop.cream, 1)]) == "coupon_other_scope"
    assert refused(template(operator, name="未生效", valid_days=None, valid_from=hours(24), valid_until=hours(48)),
                   [(shop.cream, 2)]) == "coupon_not_yet_valid"
    expiring = claim(member, template(operator, name="过期"))
    Coupon.objects.filter(pk=expiring.pk).update(valid_from=timezone.now() - dt.timedelta(days=8),
                                                 valid_until=timezone.now() - dt.timedelta(seconds=1))
    assert code_of(quote, user=member, items=[(shop.cream, 2)], coupons=[expiring]) == "coupon_expired"
    someone_elses = claim(make_user(), template(operator, name="别人的"))
    assert code_of(quote, user=member, items=[(shop.cream, 2)], coupons=[someone_elses]) == "coupon_not_found"
    two = [claim(member, template(operator, name="平台一")), claim(member, template(operator, name="平台二"))]
    assert code_of(quote, user=member, items=[(shop.cream, 2)], coupons=two) == "coupon_stack_conflict"
    # the message says how much more to buy
    with pytest.raises(DomainError) as exc:
        quote(member, [(shop.cream, 1)], [claim(member, template(operator, name="差多少", threshold_fen=15000))])
    assert "还差 ¥50.00" in str(exc.value.message)


def test_one_shop_coupon_then_one_platform_coupon_on_what_is_left(operator, shop, member):
    shop_coupon = claim(member, template(shop.merchant.user, name="店铺满100减30", amount_fen=3000,
                                        scope=CouponScope.MERCHANT))
    platform = claim(member, template(operator, name="平台9折", kind=CouponKind.PERCENT_OFF, discount_rate="0.10",
                                      amount_fen=0, threshold_fen=10000))
    q = quote(member, [(shop.cream, 2)], [platform, shop_coupon])
    by_source = {a.source: a.amount_fen for a in q.adjustments}
    # the threshold of each is measured before coupons (¥200 ≥ ¥100); 10 % of what is left after ¥30 is ¥17
    assert by_source == {f"coupon:{shop_coupon.pk}": 3000, f"coupon:{platform.pk}": 1700}
    assert q.lines[0].coupon_discount_fen == 4700
    # two shop coupons of one shop: refused
    second = claim(member, template(shop.merchant.user, name="店铺二", scope=CouponScope.MERCHANT))
    assert code_of(quote, user=member, items=[(shop.cream, 2)], coupons=[shop_coupon, second]) \
        == "coupon_stack_conflict"


def test_percent_off_is_capped_and_free_shipping_takes_the_fee(operator, shop, member):
    pct = claim(member, template(operator, name="8折最多减10", kind=CouponKind.PERCENT_OFF, discount_rate="0.2",
                                 amount_fen=1000, threshold_fen=0))
    ship = claim(member, template(shop.merchant.user, name="包邮券", kind=CouponKind.FREE_SHIPPING, amount_fen=0,
                                  threshold_fen=0, scope=CouponScope.MERCHANT))
    q = quote(member, [(shop.cream, 1)], [pct, ship])
    assert q.lines[0].coupon_discount_fen == 1000  # 20 % of ¥100 is ¥20, capped at ¥10
    assert q.shipping_fen == 0
    [free] = [a for a in q.adjustments if a.stage == "shipping"]
    assert free.per_merchant == {shop.merchant.pk: 1000} and free.label == "包邮券"
    assert q.total_fen == 10000 - 1000


def test_campaign_prices_take_no_coupon_unless_the_campaign_allows(operator, shop, member):
    allows = {"value": False}

    def flash(ctx: pricing.PricingContext) -> list[pricing.Adjustment]:
        return [pricing.Adjustment(stage="campaign", amount_fen=3000, sku_ids=frozenset({shop.cream.pk}),
                                   label="秒杀价", source="flashsale:1", allows_coupons=allows["value"])]

    pricing.CAMPAIGN_ADJUSTERS.append(flash)
    try:
        c = claim(member, template(operator, threshold_fen=5000))
        # the cream is at a flash price: only the kettle (¥80) counts and takes the coupon
        q = quote(member, [(shop.cream, 1), (shop.kettle, 1)], [c])
        off = {ln.sku_id: ln.coupon_discount_fen for ln in q.lines}
        assert off == {shop.cream.pk: 0, shop.kettle.pk: 2000}
        assert code_of(quote, user=member, items=[(shop.cream, 1)], coupons=[c]) == "coupon_campaign_priced"
        allows["value"] = True  # a campaign that lets coupons stack: its (campaign-priced) lines count
        q = quote(member, [(shop.cream, 1)], [c])
        assert q.lines[0].campaign_discount_fen == 3000 and q.lines[0].coupon_discount_fen == 2000
    finally:
        pricing.CAMPAIGN_ADJUSTERS.remove(flash)


def test_a_community_coupon_covers_its_shelf(operator, shop, member):
    c = f.community()
    f.add_member(c, member)
    from quanzi.catalog import services as catalog_services

    catalog_services.shelf_add(user=c.owner, community_id=c.pk, product_id=shop.products[0].pk)
    coupon = claim(member, template(operator, scope=CouponScope.COMMUNITY, community_id=c.pk, threshold_fen=5000))
    q = quote(member, [(shop.cream, 1), (shop.kettle, 1)], [coupon])
    off = {ln.sku_id: ln.coupon_discount_fen for ln in q.lines}
    assert off == {shop.cream.pk: 2000, shop.kettle.pk: 0}
    assert code_of(quote, user=member, items=[(shop.kettle, 1)], coupons=[coupon]) == "coupon_other_scope"


# --- redemption and return ---------------------------------------------------------------------------------------


def test_checkout_redeems_and_a_second_use_is_refused_whole(operator, shop, member):
    c = claim(member, template(operator))
    session = place(member, [(shop.cream, 1)], [c])
    order = session.orders.get()
    c.refresh_from_db()
    assert c.status == CouponStatus.USED and c.checkout_id == session.pk
    [r] = CouponRedemption.objects.filter(coupon=c)
    assert (r.order_id, r.amount_fen, r.status) == (order.pk, 2000, RedemptionStatus.ACTIVE)
    assert CouponTemplate.objects.get(pk=c.template_id).used_count == 1
    assert OrderLineAdjustment.objects.get(order_line__order=order, source=f"coupon:{c.pk}").amount_fen == 2000
    assert [(s.from_status, s.to_status, s.reason, s.ref) for s in CouponStatusChange.objects.filter(coupon=c)] == \
        [("unused", "used", "redeemed", f"checkout:{session.pk}")]
    # the same coupon again: refused at the quote, nothing placed, no stock taken
    stock = Sku.objects.get(pk=shop.cream.pk).stock
    assert code_of(place, user=member, items=[(shop.cream, 1)], coupons=[c]) == "coupon_used"
    assert CheckoutSession.objects.count() == 1 and Sku.objects.get(pk=shop.cream.pk).stock == stock


def test_a_coupon_used_meanwhile_rolls_the_whole_checkout_back(operator, shop, member):
    """The redemption itself refuses (the quote saw the coupon unused; another checkout took it first)."""
    c = claim(member, template(operator))

    def taken_meanwhile(ctx: pricing.PricingContext) -> list[pricing.Adjustment]:
        Coupon.objects.filter(pk=c.pk).update(status=CouponStatus.USED)
        return []

    pricing.SHIPPING_ADJUSTERS.append(taken_meanwhile)
    try:
        assert code_of(place, user=member, items=[(shop.cream, 1)], coupons=[c]) == "coupon_used"
    finally:
        pricing.SHIPPING_ADJUSTERS.remove(taken_meanwhile)
    assert not Order.objects.exists() and not CouponRedemption.objects.exists()
    assert Sku.objects.get(pk=shop.cream.pk).stock == 20


def test_the_coupon_returns_when_the_unpaid_order_is_cancelled_or_expires(operator, shop, member,
                                                                          django_capture_on_commit_callbacks):
    c = claim(member, template(operator))
    order = place(member, [(shop.cream, 1)], [c]).orders.get()
    with django_capture_on_commit_callbacks(execute=True):
        order_services.order_cancel(user=member, order_id=order.pk)
    c.refresh_from_db()
    assert c.status == CouponStatus.UNUSED and c.checkout_id is None
    assert CouponRedemption.objects.get(coupon=c).status == RedemptionStatus.VOID
    assert CouponTemplate.objects.get(pk=c.template_id).used_count == 0
    # used again, and this time the order expires unpaid
    order = place(member, [(shop.cream, 1)], [c]).orders.get()
    Order.objects.filter(pk=order.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        order_services.order_settle(order_id=order.pk)
    c.refresh_from_db()
    assert c.status == CouponStatus.UNUSED
    assert [s.reason for s in CouponStatusChange.objects.filter(coupon=c)] == \
        ["redeemed", "returned_cancelled", "redeemed", "returned_cancelled"]


def test_a_platform_coupon_over_two_shops_returns_only_when_both_orders_are_gone(operator, shop, other_shop,
                                                                                   member,
                                                                                   django_capture_on_commit_callbacks):
    c = claim(member, template(operator, amount_fen=3000))
    session = place(member, [(shop.cream, 1), (other_shop.tea, 1)], [c])
    first, second = session.orders.order_by("id")
    amounts = dict(CouponRedemption.objects.filter(coupon=c).values_list("order_id", "amount_fen"))
    assert sum(amounts.values()) == 3000 and set(amounts) == {first.pk, second.pk}
    with django_capture_on_commit_callbacks(execute=True):
        order_services.order_cancel(user=member, order_id=first.pk)
    c.refresh_from_db()
    assert c.status == CouponStatus.USED  # still pays for the other order
    with django_capture_on_commit_callbacks(execute=True):
        order_services.order_cancel(user=member, order_id=second.pk)
    c.refresh_from_db()
    assert c.status == CouponStatus.UNUSED


def test_after_a_refund_as_the_template_says(operator, shop, member, django_capture_on_commit_callbacks):
    returns = claim(member, template(operator, name="全退回", refund_policy=RefundPolicy.RETURN_ON_FULL_REFUND))
    keeps = claim(member, template(shop.merchant.user, name="不退", scope=CouponScope.MERCHANT,
                                   refund_policy=RefundPolicy.KEEP))
    with django_capture_on_commit_callbacks(execute=True):
        order = pay(member, place(member, [(shop.cream, 2)], [returns, keeps]).orders.get())
    line = order.lines.get()
    with django_capture_on_commit_callbacks(execute=True):
        payments.refund_create(order_id=order.pk, amount_fen=1000, refund_no="R-part-1", lines={line.pk: 1000})
    returns.refresh_from_db()
    assert returns.status == CouponStatus.USED  # a partial refund keeps the coupon used
    with django_capture_on_commit_callbacks(execute=True):
        payments.refund_create(order_id=order.pk, amount_fen=order.payable_fen - 1000, refund_no="R-rest-1",
                               lines={line.pk: order.payable_fen - 1000})
    assert Order.objects.get(pk=order.pk).status == OrderStatus.REFUNDED
    returns.refresh_from_db()
    keeps.refresh_from_db()
    assert returns.status == CouponStatus.UNUSED and keeps.status == CouponStatus.USED
    assert CouponRedemption.objects.get(coupon=returns).void_reason == "returned_refunded"


# --- rules: joining a community, a first order -------------------------------------------------------------------


def test_joining_a_community_grants_its_welcome_coupon_once(operator, member, django_capture_on_commit_callbacks):
    from quanzi.communities import services as community_services

    c = f.community()
    t = template(operator, name="入群礼", claim_mode=ClaimMode.ON_JOIN, community_id=c.pk, per_member_limit=3)
    with django_capture_on_commit_callbacks(execute=True):
        community_services.community_join(user=member, community=c)
    assert Coupon.objects.filter(template=t, user=member, source="join").count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        community_services.community_leave(user=member, community=c)
        community_services.community_join(user=member, community=c)
    assert Coupon.objects.filter(template=t, user=member).count() == 1  # coming back gives no second one


def test_the_first_paid_order_grants_the_first_order_coupon(operator, shop, member,
                                                            django_capture_on_commit_callbacks):
    t = template(operator, name="首单礼", claim_mode=ClaimMode.ON_FIRST_ORDER, per_member_limit=5)
    with django_capture_on_commit_callbacks(execute=True):
        pay(member, place(member, [(shop.cream, 1)]).orders.get())
    assert Coupon.objects.filter(template=t, user=member, source="first_order").count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        pay(member, place(member, [(shop.kettle, 1)]).orders.get())
    assert Coupon.objects.filter(template=t, user=member).count() == 1
