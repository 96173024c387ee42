"""Mall writes: create a mall with its three communities, operators, tenants and partners, notices, the shared
calendar and sign-ups, joint campaigns, cross-promotion coupons.

Every write first checks who acts, on *this* mall: an operator of mall A is nobody on mall B (`not_mall_operator`,
nothing changes). The communities are made, joined and given roles only through the communities services (a
tenant joins the tenant community with a one-use invitation code its operator made); notices are content posts;
coupons stay growth's (a partner's coupon is limited to the mall's customers through growth's audience registry,
`apps.py`). Status changes are conditional updates; every change writes one `MallAction` audit row."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quanzi.accounts.selectors import user_get
from quanzi.catalog import selectors as catalog_selectors
from quanzi.catalog.enums import MerchantStatus
from quanzi.catalog.services import merchant_of
from quanzi.communities import services as community_services
from quanzi.communities.enums import Role, Vertical, Visibility
from quanzi.content import services as content_services
from quanzi.content.enums import PostKind
from quanzi.core.errors import DomainError, PermissionDenied
from quanzi.core.events import track
from quanzi.core.images import clean_image
from quanzi.growth.coupons import selectors as coupon_selectors
from quanzi.growth.coupons import services as coupon_services
from quanzi.growth.coupons.enums import ClaimMode, TemplateStatus
from quanzi.malls import errors
from quanzi.malls.enums import (
    ActionKind,
    CampaignStatus,
    ItemKind,
    ItemStatus,
    PartnerKind,
    PartnerStatus,
    PromoDirection,
    PromoStatus,
    TenantStatus,
)
from quanzi.malls.errors import ErrorCode
from quanzi.malls.models import (
    CalendarItem,
    CalendarSignup,
    CampaignEntry,
    CrossPromotion,
    JointCampaign,
    Mall,
    MallAction,
    MallNotice,
    MallOperator,
    MallPartner,
    MallTenant,
)
from quanzi.malls.selectors import signup_closed_reason

if TYPE_CHECKING:
    from quanzi.accounts.models import User

# the audience growth's coupons know a partner's coupon by (apps.py registers it): ref = the mall's id
AUDIENCE_KIND = "mall_customers"
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,28}[a-z0-9]$")
# what the three communities' slugs add to the mall's (a community slug is at most 40 characters)
COMMUNITY_SUFFIX = {"customer": "vip", "tenant": "shops", "partner": "partners"}
TENANT_CODE_DAYS = 14
MAX_CAMPAIGN_PRODUCTS = 20
MAX_CAMPAIGN_COUPONS = 5


# --- helpers ----------------------------------------------------------------------------------------------------


def _require_login(user: Any) -> None:
    if user is None or not getattr(user, "is_authenticated", False):
        raise errors.not_authenticated()


def is_operator(user: Any, mall: Mall) -> bool:
    return bool(getattr(user, "is_authenticated", False)
                and MallOperator.objects.filter(mall=mall, user_id=user.pk).exists())


def _require_operator(actor: Any, mall: Mall) -> None:
    """The one check of every operator write: an operator of this mall (never of another one)."""
    _require_login(actor)
    if not is_operator(actor, mall):
        raise errors.not_operator()


def _merchant(actor: Any) -> Any:
    """The approved merchant the actor runs (catalog's 403 `not_merchant` otherwise)."""
    _require_login(actor)
    return merchant_of(actor)


def _active_tenant(actor: Any, mall: Mall) -> MallTenant:
    _require_login(actor)
    merchant = catalog_selectors.merchant_get_for_user(user=actor)
    row = None if merchant is None else MallTenant.objects.select_related("merchant").filter(
        mall=mall, merchant=merchant, status=TenantStatus.ACTIVE).first()
    if row is None:
        raise errors.not_tenant()
    return row


def _text(value: Any, *, max_len: int, label: str, required: bool = True) -> str:
    text = str(value or "").strip()
    if (required and not text) or len(text) > max_len:
        if required:
            raise errors.invalid(ErrorCode.MALL_INVALID_TEXT, _("%(f)s须为 1–%(n)s 个字符") % {"f": label, "n": max_len})
        raise errors.invalid(ErrorCode.MALL_INVALID_TEXT, _("%(f)s最多 %(n)s 个字符") % {"f": label, "n": max_len})
    return text


def _audit(mall: Mall, actor: Any, action: str, target_id: int | None = None, **detail: Any) -> None:
    MallAction.objects.create(mall=mall, actor=actor, kind=action, target_id=target_id, detail=detail)


# --- the mall and its operators ---------------------------------------------------------------------------------


@transaction.atomic
def mall_create(*, actor: User, owner_id: int, name: str, slug: str, address: str, logo: Any = None) -> Mall:
    """A platform operator (staff) opens a mall for its first mall operator (`owner_id`), who becomes the owner of
    its three communities: customers (public), tenants and partners (invitation only)."""
    _require_login(actor)
    if not actor.is_staff:
        raise PermissionDenied(ErrorCode.MALL_NOT_STAFF, _("只有平台运营可以开通商场"))
    name = (name or "").strip()
    if not 2 <= len(name) <= 30:
        raise errors.invalid(ErrorCode.MALL_INVALID_NAME, _("商场名称须为 2–30 个字符"))
    slug = (slug or "").strip().lower()
    if not SLUG_RE.match(slug):
        raise errors.invalid(ErrorCode.MALL_INVALID_SLUG, _("短链接须为 3–30 个小写字母、数字或短横线"))
    address = (address or "").strip()
    if not 2 <= len(address) <= 120:
        raise errors.invalid(ErrorCode.MALL_INVALID_ADDRESS, _("地址须为 2–120 个字符"))
    owner = user_get(user_id=owner_id)
    if owner is None:
        raise errors.invalid(ErrorCode.MALL_USER_NOT_FOUND, _("运营者账号不存在"))
    if Mall.objects.filter(slug=slug).exists():
        raise errors.conflict(ErrorCode.MALL_SLUG_TAKEN, _("该短链接已被占用"))
    if logo is not None:
        logo = clean_image(logo)
    made = {}
    for kind, label, visibility in (("customer", _("%(m)s·会员圈"), Visibility.PUBLIC),
                                    ("tenant", _("%(m)s·商户圈"), Visibility.INVITE),
                                    ("partner", _("%(m)s·合作伙伴圈"), Visibility.INVITE)):
        made[kind] = community_services.community_create(
            owner=owner, name=label % {"m": name}, slug=f"{slug}-{COMMUNITY_SUFFIX[kind]}",
            vertical=Vertical.OTHER, tags=[_("商场")], visibility=visibility,
            positioning=_("%(m)s · %(a)s") % {"m": name, "a": address})
    mall = Mall(name=name, slug=slug, address=address, owner=owner, customer_community=made["customer"],
                tenant_community=made["tenant"], partner_community=made["partner"])
    if logo is not None:
        mall.logo = logo
    try:
        with transaction.atomic():
            mall.save()
    except IntegrityError as exc:  # a concurrent create with the same slug
        raise errors.conflict(ErrorCode.MALL_SLUG_TAKEN, _("该短链接已被占用")) from exc
    MallOperator.objects.create(mall=mall, user=owner, added_by=actor)
    _audit(mall, actor, ActionKind.CREATE, owner.pk)
    track("mall.create", user=actor, obj=mall, community_id=mall.customer_community_id)
    return mall


def _communities(mall: Mall) -> list[Any]:
    return [mall.customer_community, mall.tenant_community, mall.partner_community]


@transaction.atomic
def operator_add(*, actor: User, mall: Mall, user_id: int) -> MallOperator:
    """The mall's first operator adds a colleague: they join the three communities (one-use codes) as admins."""
    _require_login(actor)
    if actor.pk != mall.owner_id:
        raise errors.not_owner() if is_operator(actor, mall) else errors.not_operator()
    user = user_get(user_id=user_id)
    if user is None:
        raise errors.invalid(ErrorCode.MALL_USER_NOT_FOUND, _("运营者账号不存在"))
    if MallOperator.objects.filter(mall=mall, user=user).exists():
        raise errors.conflict(ErrorCode.MALL_ALREADY_OPERATOR, _("该用户已是商场运营者"))
    for community in _communities(mall):
        invitation = community_services.invitation_create(actor=actor, community=community, max_uses=1)
        community_services.community_join(user=user, community=community, code=invitation.code)
        community_services.role_set(actor=actor, community=community, user_id=user.pk, role=Role.ADMIN)
    row = MallOperator.objects.create(mall=mall, user=user, added_by=actor)
    _audit(mall, actor, ActionKind.OPERATOR_ADD, user.pk)
    return row


# --- tenants and partners ---------------------------------------------------------------------------------------


@transaction.atomic
def tenant_invite(*, actor: User, mall: Mall, merchant_id: int, unit: str = "") -> MallTenant:
    """An operator invites a merchant of the platform to the mall; the merchant accepts (`tenant_accept`).
    Inviting again while the invitation is open gives a fresh code."""
    _require_operator(actor, mall)
    unit = _text(unit, max_len=20, label=_("铺位"), required=False)
    merchant = catalog_selectors.merchant_find(merchant_id=merchant_id)
    if merchant is None or merchant.status != MerchantStatus.APPROVED or merchant.is_platform:
        raise errors.invalid(ErrorCode.MALL_MERCHANT_NOT_FOUND, _("商户不存在或未通过入驻审核"))
    row, _created = MallTenant.objects.get_or_create(mall=mall, merchant=merchant,
                                                     defaults={"status": TenantStatus.INVITED})
    if row.status == TenantStatus.ACTIVE:
        raise errors.conflict(ErrorCode.MALL_ALREADY_TENANT, _("该商户已入驻本商场"))
    invitation = community_services.invitation_create(
        actor=actor, community=mall.tenant_community, max_uses=1,
        expires_at=timezone.now() + dt.timedelta(days=TENANT_CODE_DAYS))
    MallTenant.objects.filter(pk=row.pk, status__in=[TenantStatus.INVITED, TenantStatus.REMOVED]).update(
        status=TenantStatus.INVITED, invitation_code=invitation.code, invited_by=actor, unit=unit)
    row.refresh_from_db()
    _audit(mall, actor, ActionKind.TENANT_INVITE, merchant.pk, unit=unit)
    return row


@transaction.atomic
def tenant_accept(*, actor: User, mall: Mall) -> MallTenant:
    """The invited merchant accepts: it becomes an active tenant and its owner joins the tenant community with the
    code made for it (who invited whom is recorded there)."""
    merchant = _merchant(actor)
    row = MallTenant.objects.filter(mall=mall, merchant=merchant).first()
    if row is None or row.status == TenantStatus.REMOVED:
        raise errors.invalid(ErrorCode.MALL_NO_INVITATION, _("商场还没有邀请你的店铺入驻"))
    if row.status == TenantStatus.ACTIVE:
        return row
    community_services.community_join(user=actor, community=mall.tenant_community, code=row.invitation_code)
    if not MallTenant.objects.filter(pk=row.pk, status=TenantStatus.INVITED).update(
            status=TenantStatus.ACTIVE, joined_at=timezone.now()):
        row.refresh_from_db()
        return row  # a twin request accepted first
    row.refresh_from_db()
    _audit(mall, actor, ActionKind.TENANT_JOIN, merchant.pk)
    track("mall.tenant_join", user=actor, obj=row, community_id=mall.tenant_community_id, merchant_id=merchant.pk)
    return row


@transaction.atomic
def partner_apply(*, actor: User, mall: Mall, kind: str, intro: str = "") -> MallPartner:
    """A merchant nearby (hotel, restaurant, attraction) applies to register as the mall's partner."""
    merchant = _merchant(actor)
    if kind not in PartnerKind.values:
        raise errors.invalid(ErrorCode.MALL_INVALID_KIND, _("合作伙伴类型须为酒店、餐厅、景点或其他"))
    intro = _text(intro, max_len=200, label=_("简介"), required=False)
    row, created = MallPartner.objects.get_or_create(
        mall=mall, merchant=merchant, defaults={"kind": kind, "intro": intro, "applied_by": actor})
    if not created:
        if row.status in (PartnerStatus.ACTIVE, PartnerStatus.APPLIED):
            raise errors.conflict(ErrorCode.MALL_ALREADY_PARTNER, _("你的店铺已是合作伙伴或正在审核"))
        MallPartner.objects.filter(pk=row.pk, status=PartnerStatus.REJECTED).update(
            status=PartnerStatus.APPLIED, kind=kind, intro=intro, applied_by=actor, reviewed_by=None,
            reviewed_at=None)
        row.refresh_from_db()
    _audit(mall, actor, ActionKind.PARTNER_APPLY, merchant.pk, kind=kind)
    return row


def _partner_for_review(mall: Mall, partner_id: int) -> MallPartner:
    row = MallPartner.objects.select_related("merchant__user").filter(pk=partner_id, mall=mall).first()
    if row is None:
        raise errors.partner_not_found()
    return row


@transaction.atomic
def partner_approve(*, actor: User, mall: Mall, partner_id: int) -> MallPartner:
    """An operator approves an application: the partner's owner joins the partner community."""
    _require_operator(actor, mall)
    row = _partner_for_review(mall, partner_id)
    if not MallPartner.objects.filter(pk=row.pk, status=PartnerStatus.APPLIED).update(
            status=PartnerStatus.ACTIVE, reviewed_by=actor, reviewed_at=timezone.now()):
        raise errors.conflict(ErrorCode.MALL_ALREADY_PARTNER, _("该申请已处理"))
    invitation = community_services.invitation_create(actor=actor, community=mall.partner_community, max_uses=1)
    community_services.community_join(user=row.merchant.user, community=mall.partner_community,
                                      code=invitation.code)
    row.refresh_from_db()
    _audit(mall, actor, ActionKind.PARTNER_APPROVE, row.merchant_id)
    track("mall.partner_approve", user=actor, obj=row, community_id=mall.partner_community_id,
          merchant_id=row.merchant_id)
    return row


@transaction.atomic
def partner_reject(*, actor: User, mall: Mall, partner_id: int) -> MallPartner:
    _require_operator(actor, mall)
    row = _partner_for_review(mall, partner_id)
    if not MallPartner.objects.filter(pk=row.pk, status=PartnerStatus.APPLIED).update(
            status=PartnerStatus.REJECTED, reviewed_by=actor, reviewed_at=timezone.now()):
        raise errors.conflict(ErrorCode.MALL_ALREADY_PARTNER, _("该申请已处理"))
    row.refresh_from_db()
    _audit(mall, actor, ActionKind.PARTNER_REJECT, row.merchant_id)
    return row


# --- notices ----------------------------------------------------------------------------------------------------


@transaction.atomic
def notice_post(*, actor: User, mall: Mall, title: str, body: str) -> MallNotice:
    """An operator's notice to the tenants: a post in the tenant community (content's rules apply to it)."""
    _require_operator(actor, mall)
    title = _text(title, max_len=60, label=_("公告标题"))
    body = _text(body, max_len=2000, label=_("公告内容"))
    post = content_services.post_create(author=actor, community=mall.tenant_community, kind=PostKind.NOTE,
                                        title=title, body=body)
    notice = MallNotice.objects.create(mall=mall, post=post, created_by=actor)
    _audit(mall, actor, ActionKind.NOTICE, post.pk)
    return notice


# --- the shared calendar ----------------------------------------------------------------------------------------


def _date(value: Any, label: str) -> dt.date:
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise errors.invalid(ErrorCode.MALL_INVALID_DATES, _("%(f)s须为日期") % {"f": label})
    return value


@transaction.atomic
def calendar_item_create(*, actor: User, mall: Mall, kind: str, title: str, starts_on: dt.date, ends_on: dt.date,
                         description: str = "", signup_open: bool = False,
                         signup_deadline: dt.date | None = None) -> CalendarItem:
    """Put a festival, a campaign or an event on the shared calendar. Only a campaign opens sign-ups (until its
    deadline, or its last day)."""
    _require_operator(actor, mall)
    if kind not in ItemKind.values:
        raise errors.invalid(ErrorCode.MALL_INVALID_KIND, _("日历项类型须为节日、营销活动或商场活动"))
    title = _text(title, max_len=40, label=_("标题"))
    description = _text(description, max_len=500, label=_("说明"), required=False)
    starts_on, ends_on = _date(starts_on, _("开始日期")), _date(ends_on, _("结束日期"))
    if ends_on < starts_on:
        raise errors.invalid(ErrorCode.MALL_INVALID_DATES, _("结束日期不能早于开始日期"))
    if ends_on < timezone.localdate():
        raise errors.invalid(ErrorCode.MALL_INVALID_DATES, _("不能添加已经结束的日历项"))
    if signup_open and kind != ItemKind.CAMPAIGN:
        raise errors.invalid(ErrorCode.MALL_INVALID_KIND, _("只有营销活动可以开放商户报名"))
    if signup_deadline is not None:
        signup_deadline = _date(signup_deadline, _("报名截止"))
        if not signup_open or signup_deadline > ends_on:
            raise errors.invalid(ErrorCode.MALL_INVALID_DATES, _("报名截止日期须在活动结束之前，且须开放报名"))
    item = CalendarItem.objects.create(mall=mall, kind=kind, title=title, description=description,
                                       starts_on=starts_on, ends_on=ends_on, signup_open=bool(signup_open),
                                       signup_deadline=signup_deadline, created_by=actor)
    _audit(mall, actor, ActionKind.ITEM_CREATE, item.pk, kind=kind)
    return item


def _item(mall: Mall, item_id: int) -> CalendarItem:
    item = CalendarItem.objects.filter(pk=item_id, mall=mall).first()
    if item is None:
        raise errors.item_not_found()
    return item


@transaction.atomic
def calendar_item_cancel(*, actor: User, mall: Mall, item_id: int) -> CalendarItem:
    _require_operator(actor, mall)
    item = _item(mall, item_id)
    if CalendarItem.objects.filter(pk=item.pk, status=ItemStatus.ACTIVE).update(status=ItemStatus.CANCELLED):
        _audit(mall, actor, ActionKind.ITEM_CANCEL, item.pk)
    item.refresh_from_db()
    return item


@transaction.atomic
def calendar_signup(*, actor: User, mall: Mall, item_id: int, note: str = "") -> CalendarSignup:
    """A tenant signs its shop up to a campaign of the calendar (once)."""
    tenant = _active_tenant(actor, mall)
    item = _item(mall, item_id)
    note = _text(note, max_len=200, label=_("备注"), required=False)
    closed = signup_closed_reason(item, timezone.localdate())
    if closed:
        raise errors.conflict(ErrorCode.MALL_SIGNUP_CLOSED, closed)
    try:
        with transaction.atomic():
            signup = CalendarSignup.objects.create(item=item, merchant=tenant.merchant, signed_by=actor, note=note)
    except IntegrityError as exc:
        raise errors.conflict(ErrorCode.MALL_ALREADY_SIGNED_UP, _("你的店铺已报名该活动")) from exc
    _audit(mall, actor, ActionKind.SIGNUP, item.pk, merchant_id=tenant.merchant_id)
    track("mall.signup", user=actor, obj=signup, community_id=mall.tenant_community_id, item_id=item.pk)
    return signup


# --- joint campaigns --------------------------------------------------------------------------------------------


def _aware(value: Any, label: str) -> dt.datetime:
    if not isinstance(value, dt.datetime) or timezone.is_naive(value):
        raise errors.invalid(ErrorCode.MALL_INVALID_DATES, _("%(f)s须为带时区的时间") % {"f": label})
    return value


@transaction.atomic
def campaign_create(*, actor: User, mall: Mall, title: str, starts_at: dt.datetime, ends_at: dt.datetime,
                    intro: str = "", calendar_item_id: int | None = None) -> JointCampaign:
    _require_operator(actor, mall)
    title = _text(title, max_len=40, label=_("标题"))
    intro = _text(intro, max_len=500, label=_("介绍"), required=False)
    starts_at, ends_at = _aware(starts_at, _("开始时间")), _aware(ends_at, _("结束时间"))
    if ends_at <= starts_at or ends_at <= timezone.now():
        raise errors.invalid(ErrorCode.MALL_INVALID_DATES, _("结束时间须晚于开始时间，且在现在之后"))
    item = _item(mall, calendar_item_id) if calendar_item_id is not None else None
    campaign = JointCampaign.objects.create(mall=mall, title=title, intro=intro, calendar_item=item,
                                            starts_at=starts_at, ends_at=ends_at, created_by=actor)
    _audit(mall, actor, ActionKind.CAMPAIGN_CREATE, campaign.pk)
    return campaign


def _campaign(mall: Mall, campaign_id: int) -> JointCampaign:
    campaign = JointCampaign.objects.filter(pk=campaign_id, mall=mall).first()
    if campaign is None:
        raise errors.campaign_not_found()
    return campaign


def _own_coupon(merchant: Any, template_id: int) -> Any:
    """A coupon template of this merchant that members can claim (growth's selectors), or `mall_invalid_coupon`."""
    try:
        template = coupon_selectors.template_get(template_id=template_id)
    except DomainError:
        template = None
    if template is None or template.merchant_id != merchant.pk or template.status != TemplateStatus.ACTIVE \
            or template.claim_mode != ClaimMode.PUBLIC:
        raise errors.invalid(ErrorCode.MALL_INVALID_COUPON, _("优惠券 %(id)s 不是你店铺正在发放的券") % {"id": template_id})
    return template


def _ids(values: Sequence[Any] | None, *, most: int, code: ErrorCode, label: str) -> list[int]:
    ids: list[int] = []
    for v in values or []:
        if isinstance(v, bool) or not isinstance(v, int) or v <= 0:
            raise errors.invalid(code, _("%(f)s的编号无效") % {"f": label})
        if v not in ids:
            ids.append(v)
    if len(ids) > most:
        raise errors.invalid(code, _("%(f)s最多 %(n)s 个") % {"f": label, "n": most})
    return ids


@transaction.atomic
def campaign_join(*, actor: User, mall: Mall, campaign_id: int, product_ids: Sequence[int] = (),
                  coupon_template_ids: Sequence[int] = ()) -> CampaignEntry:
    """A tenant joins a live joint campaign with its own products on shelf and its own coupons; joining again
    replaces what it brings."""
    tenant = _active_tenant(actor, mall)
    campaign = _campaign(mall, campaign_id)
    if campaign.status != CampaignStatus.LIVE or campaign.ends_at <= timezone.now():
        raise errors.conflict(ErrorCode.MALL_CAMPAIGN_ENDED, _("该联合活动已结束"))
    products = _ids(product_ids, most=MAX_CAMPAIGN_PRODUCTS, code=ErrorCode.MALL_INVALID_PRODUCT, label=_("商品"))
    coupons = _ids(coupon_template_ids, most=MAX_CAMPAIGN_COUPONS, code=ErrorCode.MALL_INVALID_COUPON, label=_("优惠券"))
    if not products and not coupons:
        raise errors.invalid(ErrorCode.MALL_INVALID_PRODUCT, _("请至少选择一件商品或一张优惠券"))
    for product_id in products:
        try:
            product = catalog_selectors.product_get(product_id=product_id)  # sellable: on shelf, shop approved
        except DomainError:
            product = None
        if product is None or product.merchant_id != tenant.merchant_id:
            raise errors.invalid(ErrorCode.MALL_INVALID_PRODUCT,
                                 _("商品 %(id)s 不是你店铺在售的商品") % {"id": product_id})
    for template_id in coupons:
        _own_coupon(tenant.merchant, template_id)
    entry, _created = CampaignEntry.objects.get_or_create(campaign=campaign, merchant=tenant.merchant,
                                                          defaults={"joined_by": actor})
    entry.products.set(products)
    entry.coupons.set(coupons)
    entry.save(update_fields=["updated_at"])
    _audit(mall, actor, ActionKind.CAMPAIGN_JOIN, campaign.pk, merchant_id=tenant.merchant_id,
           products=products, coupons=coupons)
    track("mall.campaign_join", user=actor, obj=entry, community_id=mall.customer_community_id,
          campaign_id=campaign.pk, products=len(products), coupons=len(coupons))
    return entry


@transaction.atomic
def campaign_end(*, actor: User, mall: Mall, campaign_id: int) -> JointCampaign:
    _require_operator(actor, mall)
    campaign = _campaign(mall, campaign_id)
    if JointCampaign.objects.filter(pk=campaign.pk, status=CampaignStatus.LIVE).update(status=CampaignStatus.ENDED):
        _audit(mall, actor, ActionKind.CAMPAIGN_END, campaign.pk)
    campaign.refresh_from_db()
    return campaign


# --- cross-promotion coupons ------------------------------------------------------------------------------------


@transaction.atomic
def promo_offer(*, actor: User, mall: Mall, template_id: int, partner_id: int | None = None) -> CrossPromotion:
    """Hand one of my shop's coupons across. A partner's coupon goes to the mall's customers: growth limits the
    template to the members of the customer community (audience `mall_customers`) and the mall page offers it.
    A tenant's coupon goes to a partner's guests (`partner_id`): the partner's offer page shows it."""
    merchant = _merchant(actor)
    template = _own_coupon(merchant, template_id)
    partner = MallPartner.objects.filter(mall=mall, merchant=merchant, status=PartnerStatus.ACTIVE).first()
    if partner is not None:
        direction = PromoDirection.TO_MALL_CUSTOMERS
        coupon_services.template_set_audience(actor=actor, template_id=template.pk, kind=AUDIENCE_KIND,
                                              ref=mall.pk)
    elif MallTenant.objects.filter(mall=mall, merchant=merchant, status=TenantStatus.ACTIVE).exists():
        direction = PromoDirection.TO_PARTNER_GUESTS
        partner = None if partner_id is None else MallPartner.objects.filter(
            pk=partner_id, mall=mall, status=PartnerStatus.ACTIVE).first()
        if partner is None:
            raise errors.partner_not_found()
    else:
        raise PermissionDenied(ErrorCode.NOT_MALL_TENANT_OR_PARTNER, _("只有本商场的商户或合作伙伴可以提供互推券"))
    try:
        with transaction.atomic():
            promo = CrossPromotion.objects.create(mall=mall, template=template, direction=direction,
                                                  partner=partner, offered_by=actor)
    except IntegrityError as exc:
        raise errors.conflict(ErrorCode.MALL_PROMO_TAKEN, _("这张券已经在本商场互推")) from exc
    _audit(mall, actor, ActionKind.PROMO_OFFER, promo.pk, template_id=template.pk, direction=direction)
    track("mall.promo_offer", user=actor, obj=promo, community_id=mall.customer_community_id,
          template_id=template.pk, direction=str(direction))
    return promo


@transaction.atomic
def promo_end(*, actor: User, mall: Mall, promo_id: int) -> CrossPromotion:
    """The operator or whoever offered it stops showing a cross-promotion coupon (coupons already claimed stay
    valid; a partner's coupon stays limited to the mall's customers, whom it was made for)."""
    _require_login(actor)
    promo = CrossPromotion.objects.filter(pk=promo_id, mall=mall).first()
    if promo is None:
        raise errors.promo_not_found()
    if promo.offered_by_id != actor.pk:
        _require_operator(actor, mall)
    if CrossPromotion.objects.filter(pk=promo.pk, status=PromoStatus.ACTIVE).update(status=PromoStatus.ENDED):
        _audit(mall, actor, ActionKind.PROMO_END, promo.pk)
    promo.refresh_from_db()
    return promo
