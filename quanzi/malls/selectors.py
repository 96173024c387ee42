"""Mall reads: a mall by slug, who the viewer is to it (operator, tenant, partner), the mall page (three
communities, the calendar's next items, current joint campaigns, offers), the calendar with the viewer's
sign-ups, a joint campaign with its tenants' products and coupons, a partner's offer page; and growth's audience
`mall_customers` (apps.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from quanzi.accounts.selectors import user_get
from quanzi.catalog import selectors as catalog_selectors
from quanzi.communities import selectors as community_selectors
from quanzi.growth.coupons import selectors as coupon_selectors
from quanzi.malls import errors
from quanzi.malls.enums import (
    CampaignStatus,
    ItemStatus,
    PartnerStatus,
    PromoDirection,
    PromoStatus,
    TenantStatus,
)
from quanzi.malls.models import (
    CalendarItem,
    CalendarSignup,
    CampaignEntry,
    CrossPromotion,
    JointCampaign,
    Mall,
    MallNotice,
    MallOperator,
    MallPartner,
    MallTenant,
)

MALL_PAGE_ITEMS = 5


def mall_get(*, slug: str) -> Mall:
    mall = (Mall.objects.select_related("customer_community", "tenant_community", "partner_community")
            .filter(slug=(slug or "").strip()[:30]).first())
    if mall is None:
        raise errors.mall_not_found()
    return mall


def mall_by_id(*, mall_id: int) -> Mall | None:
    return Mall.objects.filter(pk=mall_id).first()


def mall_list() -> QuerySet[Mall]:
    return Mall.objects.select_related("customer_community").order_by("id")


def signup_closed_reason(item: CalendarItem, today: dt.date) -> str:
    """Why a tenant cannot sign up to `item` now ("" when it can)."""
    if item.status != ItemStatus.ACTIVE:
        return _("该日历项已取消")
    if not item.signup_open:
        return _("该日历项不接受商户报名")
    if today > (item.signup_deadline or item.ends_on):
        return _("报名已截止")
    return ""


# --- who the viewer is ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Viewer:
    """The viewer's roles in one mall."""

    operator: bool = False
    tenant: MallTenant | None = None  # an active tenant (the viewer's shop)
    partner: MallPartner | None = None  # an active partner (the viewer's shop)
    invited: MallTenant | None = None  # an open invitation to the viewer's shop

    @property
    def insider(self) -> bool:
        """May read the shared calendar: operators, tenants and partners."""
        return self.operator or self.tenant is not None or self.partner is not None


def viewer_of(*, user: Any, mall: Mall) -> Viewer:
    if user is None or not getattr(user, "is_authenticated", False):
        return Viewer()
    operator = MallOperator.objects.filter(mall=mall, user_id=user.pk).exists()
    merchant = catalog_selectors.merchant_get_for_user(user=user)
    if merchant is None:
        return Viewer(operator=operator)
    tenant = MallTenant.objects.select_related("merchant").filter(mall=mall, merchant=merchant).first()
    partner = MallPartner.objects.select_related("merchant").filter(mall=mall, merchant=merchant,
                                                                    status=PartnerStatus.ACTIVE).first()
    return Viewer(operator=operator, partner=partner,
                  tenant=tenant if tenant is not None and tenant.status == TenantStatus.ACTIVE else None,
                  invited=tenant if tenant is not None and tenant.status == TenantStatus.INVITED else None)


def require_insider(*, user: Any, mall: Mall) -> Viewer:
    """The viewer, when they may read the shared calendar; otherwise 401 (visitor) or 403 `not_mall_tenant`."""
    if user is None or not getattr(user, "is_authenticated", False):
        raise errors.not_authenticated()
    viewer = viewer_of(user=user, mall=mall)
    if not viewer.insider:
        raise errors.not_tenant()
    return viewer


# --- lists ------------------------------------------------------------------------------------------------------


def upcoming_items(*, mall: Mall, today: dt.date | None = None) -> QuerySet[CalendarItem]:
    """Calendar items not over yet and not cancelled, soonest first, with how many shops signed up."""
    today = today or timezone.localdate()
    return (CalendarItem.objects.filter(mall=mall, status=ItemStatus.ACTIVE, ends_on__gte=today)
            .annotate(signup_count=Count("signups")).order_by("starts_on", "id"))


def current_campaigns(*, mall: Mall) -> QuerySet[JointCampaign]:
    """Live joint campaigns not over yet (started or coming), soonest first, with their tenant count."""
    return (JointCampaign.objects.filter(mall=mall, status=CampaignStatus.LIVE, ends_at__gt=timezone.now())
            .annotate(entry_count=Count("entries")).order_by("starts_at", "id"))


def _claimable(user: Any, template_ids: list[int]) -> list[Any]:
    """Growth's claimable templates among `template_ids` (open now), each with `viewer_claimed`, in that order."""
    if not template_ids:
        return []
    found = {t.pk: t for t in coupon_selectors.claimable_list(user=user).filter(pk__in=template_ids)}
    return [found[i] for i in template_ids if i in found]


def mall_offers(*, mall: Mall, user: Any) -> list[Any]:
    """The partners' coupons offered to the mall's customers, claimable now."""
    ids = list(CrossPromotion.objects.filter(mall=mall, direction=PromoDirection.TO_MALL_CUSTOMERS,
                                             status=PromoStatus.ACTIVE).values_list("template_id", flat=True))
    return _claimable(user, ids)


def active_partners(*, mall: Mall) -> QuerySet[MallPartner]:
    return MallPartner.objects.select_related("merchant").filter(mall=mall, status=PartnerStatus.ACTIVE)\
        .order_by("id")


def active_tenants(*, mall: Mall) -> QuerySet[MallTenant]:
    return MallTenant.objects.select_related("merchant").filter(mall=mall, status=TenantStatus.ACTIVE)\
        .order_by("id")


@dataclass
class MallPage:
    mall: Mall
    viewer: Viewer
    communities: list[tuple[str, Any, str | None]]  # (label, community, the viewer's role there or None)
    items: list[CalendarItem]
    campaigns: list[JointCampaign]
    offers: list[Any]
    partners: list[MallPartner]
    tenant_count: int


def mall_page(*, mall: Mall, user: Any) -> MallPage:
    """What the mall page shows. The tenant and partner communities are invitation only: their cards link there
    for those inside, and say who they are for to everyone else."""
    communities = [(_("顾客社群"), mall.customer_community), (_("商户社群"), mall.tenant_community),
                   (_("合作伙伴社群"), mall.partner_community)]
    return MallPage(
        mall=mall, viewer=viewer_of(user=user, mall=mall),
        communities=[(label, c, community_selectors.active_role(user=user, community=c)) for label, c in communities],
        items=list(upcoming_items(mall=mall)[:MALL_PAGE_ITEMS]),
        campaigns=list(current_campaigns(mall=mall)[:MALL_PAGE_ITEMS]),
        offers=mall_offers(mall=mall, user=user),
        partners=list(active_partners(mall=mall)),
        tenant_count=active_tenants(mall=mall).count())


# --- the calendar -----------------------------------------------------------------------------------------------


@dataclass
class CalendarRow:
    item: CalendarItem
    signed_up: bool  # the viewer's shop
    closed_reason: str  # why the viewer's shop cannot sign up now ("" when it can)
    signups: list[str] = field(default_factory=list)  # shop names, for operators


@dataclass
class CalendarMonth:
    month: dt.date  # the first day of the month
    rows: list[CalendarRow]


def calendar(*, mall: Mall, viewer: Viewer) -> list[CalendarMonth]:
    """The upcoming items grouped by month of their first day, with the viewer's shop's sign-ups."""
    today = timezone.localdate()
    items = list(upcoming_items(mall=mall, today=today))
    mine: set[int] = set()
    if viewer.tenant is not None:
        mine = set(CalendarSignup.objects.filter(item__in=items, merchant_id=viewer.tenant.merchant_id)
                   .values_list("item_id", flat=True))
    names: dict[int, list[str]] = {}
    if viewer.operator:
        for item_id, name in CalendarSignup.objects.filter(item__in=items).order_by("id")\
                .values_list("item_id", "merchant__business_name"):
            names.setdefault(item_id, []).append(name)
    months: list[CalendarMonth] = []
    for item in items:
        first = item.starts_on.replace(day=1)
        if not months or months[-1].month != first:
            months.append(CalendarMonth(month=first, rows=[]))
        months[-1].rows.append(CalendarRow(item=item, signed_up=item.pk in mine,
                                           closed_reason=signup_closed_reason(item, today),
                                           signups=names.get(item.pk, [])))
    return months


def calendar_row(*, mall: Mall, viewer: Viewer, item_id: int) -> CalendarRow:
    """One row of the calendar (what the sign-up button swaps in)."""
    item = upcoming_items(mall=mall).filter(pk=item_id).first()
    if item is None:
        raise errors.item_not_found()
    signed = viewer.tenant is not None and CalendarSignup.objects.filter(
        item=item, merchant_id=viewer.tenant.merchant_id).exists()
    return CalendarRow(item=item, signed_up=signed, closed_reason=signup_closed_reason(item, timezone.localdate()))


def notices(*, mall: Mall, limit: int = 5) -> QuerySet[MallNotice]:
    return MallNotice.objects.select_related("post").filter(mall=mall).order_by("-id")[:limit]


# --- joint campaigns --------------------------------------------------------------------------------------------


@dataclass
class EntryView:
    merchant: Any
    products: list[Any]  # catalog's ProductCard
    coupons: list[Any]  # growth's claimable templates


@dataclass
class CampaignView:
    campaign: JointCampaign
    entries: list[EntryView]
    running: bool


def campaign_get(*, mall: Mall, campaign_id: int) -> JointCampaign:
    campaign = JointCampaign.objects.select_related("calendar_item").filter(pk=campaign_id, mall=mall).first()
    if campaign is None:
        raise errors.campaign_not_found()
    return campaign


def campaign_view(*, mall: Mall, campaign_id: int, user: Any) -> CampaignView:
    """A joint campaign with each participating tenant's sellable products (in stock) and claimable coupons."""
    campaign = campaign_get(mall=mall, campaign_id=campaign_id)
    entries = list(CampaignEntry.objects.filter(campaign=campaign).select_related("merchant")
                   .prefetch_related("products", "coupons").order_by("id"))
    views = []
    for entry in entries:
        product_ids = [p.pk for p in entry.products.all()]
        cards = {row[0]: catalog_selectors.ProductCard.of_row(row)
                 for row in catalog_selectors.product_cards_query(product_ids=product_ids)}
        views.append(EntryView(merchant=entry.merchant, products=[cards[i] for i in product_ids if i in cards],
                               coupons=_claimable(user, [t.pk for t in entry.coupons.all()])))
    now = timezone.now()
    running = campaign.status == CampaignStatus.LIVE and campaign.starts_at <= now < campaign.ends_at
    return CampaignView(campaign=campaign, entries=views, running=running)


# --- a partner's offer page -------------------------------------------------------------------------------------


def partner_get(*, mall: Mall, partner_id: int) -> MallPartner:
    partner = MallPartner.objects.select_related("merchant").filter(pk=partner_id, mall=mall,
                                                                    status=PartnerStatus.ACTIVE).first()
    if partner is None:
        raise errors.partner_not_found()
    return partner


def partner_offers(*, mall: Mall, partner: MallPartner, user: Any) -> list[Any]:
    """The tenants' coupons offered to this partner's guests, claimable now."""
    ids = list(CrossPromotion.objects.filter(mall=mall, partner=partner, direction=PromoDirection.TO_PARTNER_GUESTS,
                                             status=PromoStatus.ACTIVE).values_list("template_id", flat=True))
    return _claimable(user, ids)


def promotions(*, mall: Mall) -> QuerySet[CrossPromotion]:
    return CrossPromotion.objects.filter(mall=mall).select_related("template", "partner__merchant").order_by("-id")


# --- growth's audience `mall_customers` (registered in apps.py) -------------------------------------------------


def customer_contains(ref: int, user_id: int) -> bool:
    """Is the member in the mall's customer community now (asked by growth on every claim of a partner coupon)."""
    mall = mall_by_id(mall_id=ref)
    user = user_get(user_id=user_id)
    if mall is None or user is None:
        return False
    return community_selectors.active_role(user=user, community=mall.customer_community) is not None


def audience_usable_by(actor: Any, ref: int) -> bool:
    """May this campaign manager limit a coupon to the mall's customers: an active partner of that mall."""
    merchant = catalog_selectors.merchant_get_for_user(user=actor)
    return merchant is not None and MallPartner.objects.filter(mall_id=ref, merchant=merchant,
                                                               status=PartnerStatus.ACTIVE).exists()


def audience_label(ref: int) -> str:
    mall = mall_by_id(mall_id=ref)
    return _("「%(m)s」顾客") % {"m": mall.name} if mall is not None else ""
