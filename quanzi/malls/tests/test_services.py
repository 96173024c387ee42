"""The mall flows through the services: opening a mall with its three communities, operators, tenants invited and
accepting, partners applying and approved, notices, the shared calendar and sign-ups, joint campaigns, cross-
promotion coupons — and the role rule: an operator of mall A acting on mall B gets `not_mall_operator` and
nothing changes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from conftest import make_user
from quanzi.catalog.tests import factories as f
from quanzi.communities.enums import MembershipStatus, Role, Visibility
from quanzi.communities.models import Membership
from quanzi.communities.services import community_join
from quanzi.content.models import Post
from quanzi.core.errors import DomainError
from quanzi.growth.coupons import services as coupon_services
from quanzi.growth.coupons.models import Coupon, CouponTemplate
from quanzi.malls import selectors, services
from quanzi.malls.enums import ItemKind, PartnerKind, PartnerStatus, PromoDirection, TenantStatus
from quanzi.malls.models import (
    CalendarItem,
    CalendarSignup,
    CampaignEntry,
    CrossPromotion,
    JointCampaign,
    MallAction,
    MallNotice,
    MallOperator,
    MallPartner,
    MallTenant,
)
from quanzi.malls.tests.helpers import open_mall, shop_coupon, today, world

pytestmark = pytest.mark.django_db


def _code(fn: Any, **kwargs: Any) -> str:
    with pytest.raises(DomainError) as exc:
        fn(**kwargs)
    return exc.value.code


def _role(user: Any, community: Any) -> str | None:
    m = Membership.objects.filter(user=user, community=community, status=MembershipStatus.ACTIVE).first()
    return None if m is None else m.role


def _campaign(mall: Any, **kw: Any) -> JointCampaign:
    now = timezone.now()
    values = {"title": "双十二联合大促", "starts_at": now - dt.timedelta(hours=1),
              "ends_at": now + dt.timedelta(days=3), "intro": "全场满减"}
    values.update(kw)
    return services.campaign_create(actor=mall.owner, mall=mall, **values)


# --- the mall and its communities -------------------------------------------------------------------------------


def test_a_mall_opens_with_three_communities_its_operator_owns() -> None:
    mall = open_mall(name="万象城")
    assert mall.customer_community.visibility == Visibility.PUBLIC
    assert mall.tenant_community.visibility == Visibility.INVITE
    assert mall.partner_community.visibility == Visibility.INVITE
    assert {mall.customer_community.slug, mall.tenant_community.slug, mall.partner_community.slug} == {
        f"{mall.slug}-vip", f"{mall.slug}-shops", f"{mall.slug}-partners"}
    for c in (mall.customer_community, mall.tenant_community, mall.partner_community):
        assert c.owner_id == mall.owner_id and _role(mall.owner, c) == Role.OWNER
    assert selectors.viewer_of(user=mall.owner, mall=mall).operator


def test_only_staff_open_a_mall_and_bad_input_changes_nothing() -> None:
    owner = make_user()
    assert _code(services.mall_create, actor=owner, owner_id=owner.pk, name="某某广场", slug="mall-x",
                 address="某路1号") == "mall_not_staff"
    staff = f.operator()
    assert _code(services.mall_create, actor=staff, owner_id=owner.pk, name="某某广场", slug="Bad Slug",
                 address="某路1号") == "mall_invalid_slug"
    assert _code(services.mall_create, actor=staff, owner_id=owner.pk, name="某", slug="mall-x",
                 address="某路1号") == "mall_invalid_name"
    assert _code(services.mall_create, actor=staff, owner_id=999999, name="某某广场", slug="mall-x",
                 address="某路1号") == "mall_user_not_found"
    mall = open_mall()
    assert _code(services.mall_create, actor=staff, owner_id=owner.pk, name="某某广场", slug=mall.slug,
                 address="某路1号") == "mall_slug_taken"
    assert Membership.objects.filter(user=owner).count() == 0


def test_the_owner_adds_an_operator_who_becomes_admin_of_the_three_communities() -> None:
    mall = open_mall()
    colleague = make_user("小周")
    services.operator_add(actor=mall.owner, mall=mall, user_id=colleague.pk)
    for c in (mall.customer_community, mall.tenant_community, mall.partner_community):
        assert _role(colleague, c) == Role.ADMIN
    item = services.calendar_item_create(actor=colleague, mall=mall, kind=ItemKind.FESTIVAL, title="元旦",
                                         starts_on=today(3), ends_on=today(4))
    assert item.created_by == colleague
    # an operator who is not the owner cannot add operators
    assert _code(services.operator_add, actor=colleague, mall=mall, user_id=make_user().pk) == "not_mall_owner"
    assert _code(services.operator_add, actor=mall.owner, mall=mall, user_id=colleague.pk) \
        == "mall_already_operator"


def test_an_operator_of_mall_a_acting_on_mall_b_gets_a_clear_code_and_nothing_changes() -> None:
    w = world()
    a, b = w.mall, w.other_mall
    a_op = a.owner
    stranger_shop = f.approved_merchant()
    b_item = services.calendar_item_create(actor=b.owner, mall=b, kind=ItemKind.CAMPAIGN, title="周年庆",
                                           starts_on=today(5), ends_on=today(7), signup_open=True)
    b_campaign = _campaign(b)
    b_applicant = services.partner_apply(actor=stranger_shop.user, mall=b, kind=PartnerKind.RESTAURANT)
    before = {"actions": MallAction.objects.filter(mall=b).count(), "items": CalendarItem.objects.count(),
              "tenants": MallTenant.objects.filter(mall=b).count(), "posts": Post.objects.count(),
              "campaigns": JointCampaign.objects.count(), "members": Membership.objects.count(),
              "operators": MallOperator.objects.count()}
    calls = [
        (services.calendar_item_create, {"kind": ItemKind.FESTIVAL, "title": "圣诞", "starts_on": today(1),
                                         "ends_on": today(2)}),
        (services.calendar_item_cancel, {"item_id": b_item.pk}),
        (services.tenant_invite, {"merchant_id": w.shop.pk}),
        (services.partner_approve, {"partner_id": b_applicant.pk}),
        (services.partner_reject, {"partner_id": b_applicant.pk}),
        (services.notice_post, {"title": "停电通知", "body": "明早检修"}),
        (services.campaign_create, {"title": "抢券", "starts_at": timezone.now(),
                                    "ends_at": timezone.now() + dt.timedelta(days=1)}),
        (services.campaign_end, {"campaign_id": b_campaign.pk}),
        (services.operator_add, {"user_id": make_user().pk}),
    ]
    for fn, kwargs in calls:
        assert _code(fn, actor=a_op, mall=b, **kwargs) == "not_mall_operator", fn.__name__
    after = {"actions": MallAction.objects.filter(mall=b).count(), "items": CalendarItem.objects.count(),
             "tenants": MallTenant.objects.filter(mall=b).count(), "posts": Post.objects.count(),
             "campaigns": JointCampaign.objects.count(), "members": Membership.objects.count(),
             "operators": MallOperator.objects.count()}
    assert after == before
    b_item.refresh_from_db()
    b_campaign.refresh_from_db()
    b_applicant.refresh_from_db()
    assert (b_item.status, b_campaign.status, b_applicant.status) == ("active", "live", PartnerStatus.APPLIED)
    # and mall A's operator is nobody in B's communities either
    assert _role(a_op, b.tenant_community) is None
    # mall A's tenant is not a tenant of B
    assert _code(services.calendar_signup, actor=w.shop.user, mall=b, item_id=b_item.pk) == "not_mall_tenant"


# --- tenants and partners ---------------------------------------------------------------------------------------


def test_a_tenant_is_invited_then_accepts_and_joins_the_tenant_community() -> None:
    mall = open_mall()
    shop = f.approved_merchant()
    assert _code(services.tenant_accept, actor=shop.user, mall=mall) == "mall_no_invitation"
    row = services.tenant_invite(actor=mall.owner, mall=mall, merchant_id=shop.pk, unit="B1-12")
    assert row.status == TenantStatus.INVITED and row.invitation_code
    assert _role(shop.user, mall.tenant_community) is None
    assert selectors.viewer_of(user=shop.user, mall=mall).invited is not None
    row = services.tenant_accept(actor=shop.user, mall=mall)
    assert row.status == TenantStatus.ACTIVE and row.joined_at is not None
    m = Membership.objects.get(user=shop.user, community=mall.tenant_community)
    assert m.status == MembershipStatus.ACTIVE and m.invited_by_id == mall.owner_id
    assert services.tenant_accept(actor=shop.user, mall=mall).pk == row.pk  # twice: nothing new
    assert _code(services.tenant_invite, actor=mall.owner, mall=mall, merchant_id=shop.pk) == "mall_already_tenant"
    assert _code(services.tenant_invite, actor=mall.owner, mall=mall, merchant_id=999999) \
        == "mall_merchant_not_found"
    # the tenant community stays invitation only (and unseen) for everyone else
    assert _code(community_join, user=make_user(), community=mall.tenant_community) == "community_not_found"


def test_a_partner_applies_and_the_operator_approves_or_rejects() -> None:
    mall = open_mall()
    hotel = f.approved_merchant()
    assert _code(services.partner_apply, actor=hotel.user, mall=mall, kind="spa") == "mall_invalid_kind"
    assert _code(services.partner_apply, actor=make_user(), mall=mall, kind=PartnerKind.HOTEL) == "not_merchant"
    row = services.partner_apply(actor=hotel.user, mall=mall, kind=PartnerKind.HOTEL, intro="步行五分钟")
    assert _code(services.partner_apply, actor=hotel.user, mall=mall, kind=PartnerKind.HOTEL) \
        == "mall_already_partner"
    row = services.partner_approve(actor=mall.owner, mall=mall, partner_id=row.pk)
    assert row.status == PartnerStatus.ACTIVE and row.reviewed_by == mall.owner
    assert _role(hotel.user, mall.partner_community) == Role.MEMBER
    assert _code(services.partner_approve, actor=mall.owner, mall=mall, partner_id=row.pk) == "mall_already_partner"

    diner = f.approved_merchant()
    row2 = services.partner_apply(actor=diner.user, mall=mall, kind=PartnerKind.RESTAURANT)
    row2 = services.partner_reject(actor=mall.owner, mall=mall, partner_id=row2.pk)
    assert row2.status == PartnerStatus.REJECTED and _role(diner.user, mall.partner_community) is None
    row2 = services.partner_apply(actor=diner.user, mall=mall, kind=PartnerKind.RESTAURANT)  # may apply again
    assert row2.status == PartnerStatus.APPLIED


def test_a_notice_is_a_post_in_the_tenant_community() -> None:
    mall = open_mall()
    notice = services.notice_post(actor=mall.owner, mall=mall, title="消防演练通知", body="周三上午十点")
    assert notice.post.community_id == mall.tenant_community_id and notice.post.author == mall.owner
    assert _code(services.notice_post, actor=mall.owner, mall=mall, title="", body="x") == "mall_invalid_text"
    assert MallNotice.objects.count() == 1


# --- the calendar -----------------------------------------------------------------------------------------------


def test_tenants_sign_up_to_a_campaign_on_the_calendar() -> None:
    w = world()
    mall = w.mall
    item = services.calendar_item_create(actor=mall.owner, mall=mall, kind=ItemKind.CAMPAIGN, title="圣诞季",
                                         starts_on=today(10), ends_on=today(20), signup_open=True,
                                         signup_deadline=today(5))
    festival = services.calendar_item_create(actor=mall.owner, mall=mall, kind=ItemKind.FESTIVAL, title="元旦",
                                             starts_on=today(30), ends_on=today(30))
    signup = services.calendar_signup(actor=w.shop.user, mall=mall, item_id=item.pk, note="参加满减")
    assert signup.merchant == w.shop
    assert _code(services.calendar_signup, actor=w.shop.user, mall=mall, item_id=item.pk) \
        == "mall_already_signed_up"
    assert _code(services.calendar_signup, actor=w.shop.user, mall=mall, item_id=festival.pk) \
        == "mall_signup_closed"
    assert _code(services.calendar_signup, actor=w.hotel.merchant.user, mall=mall, item_id=item.pk) \
        == "not_mall_tenant"
    assert _code(services.calendar_signup, actor=w.shop.user, mall=w.other_mall, item_id=item.pk) \
        == "not_mall_tenant"
    # what the tenant and the operator read
    months = selectors.calendar(mall=mall, viewer=selectors.viewer_of(user=w.shop.user, mall=mall))
    rows = [r for m in months for r in m.rows]
    assert [(r.item.title, r.signed_up) for r in rows] == [("圣诞季", True), ("元旦", False)]
    op_rows = [r for m in selectors.calendar(mall=mall, viewer=selectors.viewer_of(user=mall.owner, mall=mall))
               for r in m.rows]
    assert op_rows[0].signups == [w.shop.business_name]
    # cancelled: no more sign-ups, and off the calendar
    services.calendar_item_cancel(actor=mall.owner, mall=mall, item_id=item.pk)
    assert _code(services.calendar_signup, actor=w.shop2.user, mall=mall, item_id=item.pk) == "mall_signup_closed"
    assert CalendarSignup.objects.count() == 1
    assert [r.item.title for m in selectors.calendar(mall=mall, viewer=selectors.Viewer(operator=True))
            for r in m.rows] == ["元旦"]


def test_calendar_input_is_checked() -> None:
    mall = open_mall()
    kw: dict[str, Any] = {"actor": mall.owner, "mall": mall, "title": "周年庆"}
    assert _code(services.calendar_item_create, kind="sale", starts_on=today(1), ends_on=today(2), **kw) \
        == "mall_invalid_kind"
    assert _code(services.calendar_item_create, kind=ItemKind.EVENT, starts_on=today(3), ends_on=today(2), **kw) \
        == "mall_invalid_dates"
    assert _code(services.calendar_item_create, kind=ItemKind.EVENT, starts_on=today(-5), ends_on=today(-1),
                 **kw) == "mall_invalid_dates"
    assert _code(services.calendar_item_create, kind=ItemKind.EVENT, starts_on=today(1), ends_on=today(2),
                 signup_open=True, **kw) == "mall_invalid_kind"
    assert _code(services.calendar_item_create, kind=ItemKind.CAMPAIGN, starts_on=today(1), ends_on=today(2),
                 signup_open=True, signup_deadline=today(9), **kw) == "mall_invalid_dates"
    assert CalendarItem.objects.count() == 0


def test_signup_deadline_passed() -> None:
    w = world()
    item = services.calendar_item_create(actor=w.mall.owner, mall=w.mall, kind=ItemKind.CAMPAIGN, title="年货节",
                                         starts_on=today(0), ends_on=today(3), signup_open=True,
                                         signup_deadline=today(0))
    CalendarItem.objects.filter(pk=item.pk).update(signup_deadline=today(-1))
    assert _code(services.calendar_signup, actor=w.shop.user, mall=w.mall, item_id=item.pk) == "mall_signup_closed"


# --- joint campaigns --------------------------------------------------------------------------------------------


def test_tenants_join_a_joint_campaign_with_their_products_and_coupons() -> None:
    w = world()
    mall = w.mall
    cream, _sku = f.product_with_sku(w.shop, title="山茶花面霜")
    tea, _sku2 = f.product_with_sku(w.shop2, title="大红袍礼盒")
    coupon = shop_coupon(w.shop)
    campaign = _campaign(mall)
    entry = services.campaign_join(actor=w.shop.user, mall=mall, campaign_id=campaign.pk, product_ids=[cream.pk],
                                   coupon_template_ids=[coupon.pk])
    services.campaign_join(actor=w.shop2.user, mall=mall, campaign_id=campaign.pk, product_ids=[tea.pk])
    # another shop's product, another shop's coupon: refused, the entry stays as it was
    assert _code(services.campaign_join, actor=w.shop.user, mall=mall, campaign_id=campaign.pk,
                 product_ids=[tea.pk]) == "mall_invalid_product"
    assert _code(services.campaign_join, actor=w.shop2.user, mall=mall, campaign_id=campaign.pk,
                 product_ids=[tea.pk], coupon_template_ids=[coupon.pk]) == "mall_invalid_coupon"
    assert _code(services.campaign_join, actor=w.shop.user, mall=mall, campaign_id=campaign.pk) \
        == "mall_invalid_product"
    assert list(entry.products.values_list("pk", flat=True)) == [cream.pk]
    view = selectors.campaign_view(mall=mall, campaign_id=campaign.pk, user=make_user())
    assert view.running
    assert [(e.merchant.pk, [p.title for p in e.products], [t.pk for t in e.coupons]) for e in view.entries] == [
        (w.shop.pk, ["山茶花面霜"], [coupon.pk]), (w.shop2.pk, ["大红袍礼盒"], [])]
    assert selectors.current_campaigns(mall=mall).get().entry_count == 2
    # not a tenant; another mall's campaign; an ended campaign
    assert _code(services.campaign_join, actor=w.hotel.merchant.user, mall=mall, campaign_id=campaign.pk,
                 product_ids=[cream.pk]) == "not_mall_tenant"
    other_campaign = _campaign(w.other_mall)
    assert _code(services.campaign_join, actor=w.shop.user, mall=mall, campaign_id=other_campaign.pk,
                 product_ids=[cream.pk]) == "mall_campaign_not_found"
    services.campaign_end(actor=mall.owner, mall=mall, campaign_id=campaign.pk)
    assert _code(services.campaign_join, actor=w.shop.user, mall=mall, campaign_id=campaign.pk,
                 product_ids=[cream.pk]) == "mall_campaign_ended"
    assert CampaignEntry.objects.count() == 2
    assert not selectors.current_campaigns(mall=mall).exists()


def test_campaign_times_are_checked() -> None:
    mall = open_mall()
    now = timezone.now()
    assert _code(services.campaign_create, actor=mall.owner, mall=mall, title="x", starts_at=now,
                 ends_at=now - dt.timedelta(hours=1)) == "mall_invalid_dates"
    assert _code(services.campaign_create, actor=mall.owner, mall=mall, title="x",
                 starts_at=dt.datetime(2030, 1, 1), ends_at=dt.datetime(2030, 1, 2)) == "mall_invalid_dates"
    assert JointCampaign.objects.count() == 0


# --- cross-promotion coupons ------------------------------------------------------------------------------------


def test_a_partners_coupon_goes_to_the_malls_customers_only() -> None:
    w = world()
    mall = w.mall
    coupon = shop_coupon(w.hotel.merchant, name="酒店下午茶8折")
    promo = services.promo_offer(actor=w.hotel.merchant.user, mall=mall, template_id=coupon.pk)
    assert promo.direction == PromoDirection.TO_MALL_CUSTOMERS and promo.partner == w.hotel
    coupon.refresh_from_db()
    assert (coupon.audience_kind, coupon.audience_ref) == ("mall_customers", mall.pk)
    customer, outsider = make_user("顾客"), make_user("路人")
    community_join(user=customer, community=mall.customer_community)
    assert [t.pk for t in selectors.mall_offers(mall=mall, user=customer)] == [coupon.pk]
    coupon_services.coupon_claim(user=customer, template_id=coupon.pk)
    assert _code(coupon_services.coupon_claim, user=outsider, template_id=coupon.pk) == "not_in_audience"
    assert Coupon.objects.filter(template=coupon).count() == 1
    assert _code(services.promo_offer, actor=w.hotel.merchant.user, mall=mall, template_id=coupon.pk) \
        == "mall_promo_taken"
    # ended: off the mall page
    services.promo_end(actor=mall.owner, mall=mall, promo_id=promo.pk)
    assert selectors.mall_offers(mall=mall, user=customer) == []


def test_a_tenants_coupon_goes_to_a_partners_guests() -> None:
    w = world()
    coupon = shop_coupon(w.shop, name="面霜满100减20")
    assert _code(services.promo_offer, actor=w.shop.user, mall=w.mall, template_id=coupon.pk) \
        == "mall_partner_not_found"
    promo = services.promo_offer(actor=w.shop.user, mall=w.mall, template_id=coupon.pk, partner_id=w.hotel.pk)
    assert promo.direction == PromoDirection.TO_PARTNER_GUESTS
    assert CouponTemplate.objects.get(pk=coupon.pk).audience_kind == ""
    guest = make_user("住客")
    assert [t.pk for t in selectors.partner_offers(mall=w.mall, partner=w.hotel, user=guest)] == [coupon.pk]
    coupon_services.coupon_claim(user=guest, template_id=coupon.pk)


def test_only_the_malls_tenants_and_partners_offer_their_own_coupons() -> None:
    w = world()
    stranger = f.approved_merchant()
    theirs = shop_coupon(stranger)
    assert _code(services.promo_offer, actor=stranger.user, mall=w.mall, template_id=theirs.pk) \
        == "not_mall_tenant_or_partner"
    assert _code(services.promo_offer, actor=w.shop.user, mall=w.mall, template_id=theirs.pk,
                 partner_id=w.hotel.pk) == "mall_invalid_coupon"
    # a partner of mall A cannot limit a coupon to mall B's customers through growth either
    mine = shop_coupon(w.hotel.merchant)
    assert _code(coupon_services.template_set_audience, actor=w.hotel.merchant.user, template_id=mine.pk,
                 kind="mall_customers", ref=w.other_mall.pk) == "invalid_audience"
    assert _code(services.promo_offer, actor=w.hotel.merchant.user, mall=w.other_mall, template_id=mine.pk) \
        == "not_mall_tenant_or_partner"
    assert CrossPromotion.objects.count() == 0
    # someone else's promotion cannot be ended by a non-operator
    promo = services.promo_offer(actor=w.hotel.merchant.user, mall=w.mall, template_id=mine.pk)
    assert _code(services.promo_end, actor=w.shop.user, mall=w.mall, promo_id=promo.pk) == "not_mall_operator"


def test_the_mall_page_links_communities_items_campaigns_and_offers() -> None:
    w = world()
    services.calendar_item_create(actor=w.mall.owner, mall=w.mall, kind=ItemKind.FESTIVAL, title="元旦",
                                  starts_on=today(2), ends_on=today(2))
    _campaign(w.mall)
    coupon = shop_coupon(w.hotel.merchant, name="酒店早餐券")
    services.promo_offer(actor=w.hotel.merchant.user, mall=w.mall, template_id=coupon.pk)
    page = selectors.mall_page(mall=w.mall, user=w.shop.user)
    assert [c.pk for _label, c, _role in page.communities] == [
        w.mall.customer_community_id, w.mall.tenant_community_id, w.mall.partner_community_id]
    assert [r for _l, _c, r in page.communities] == [None, Role.MEMBER, None]
    assert [i.title for i in page.items] == ["元旦"]
    assert [c.title for c in page.campaigns] == ["双十二联合大促"]
    assert [t.pk for t in page.offers] == [coupon.pk]
    assert page.tenant_count == 2 and [p.pk for p in page.partners] == [w.hotel.pk]
    assert MallPartner.objects.count() == 1
