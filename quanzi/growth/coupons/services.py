"""Coupon writes: templates (create, pause, resume, end), issuing coupons (a member claims one; an operator grants
a list of members; the rules grant one on joining a community or on a first paid order), redeeming them inside the
checkout transaction, and returning them when their orders are cancelled unpaid or refunded in full.

Exact under concurrency without locks on the hot path: a claim moves the template's `claimed_count` by a
conditional update (`claimed_count < total_quota`), then the member's `CouponHolding.claimed_count` the same way
(`< per_member_limit`), then writes the coupon — one transaction, so a refusal at any step undoes the steps before
it. A redemption is the coupon's status move `unused -> used` (a conditional update on the status it had): of two
checkouts using one coupon exactly one wins, the other is refused with `coupon_used` and rolls back whole."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from quanzi.accounts import selectors as account_selectors
from quanzi.catalog import selectors as catalog_selectors
from quanzi.catalog.services import merchant_of
from quanzi.communities.selectors import active_role, community_by_id
from quanzi.core.errors import DomainError, NotAuthenticated
from quanzi.core.events import track
from quanzi.growth.coupons import audiences, errors
from quanzi.growth.coupons.enums import (
    ChangeReason,
    ClaimMode,
    CouponKind,
    CouponScope,
    CouponSource,
    CouponStatus,
    RedemptionStatus,
    RefundPolicy,
    TemplateStatus,
)
from quanzi.growth.coupons.errors import ErrorCode
from quanzi.growth.coupons.locks import lock_coupons
from quanzi.growth.coupons.models import Coupon, CouponHolding, CouponRedemption, CouponTemplate
from quanzi.growth.coupons.pricing import chosen_ids
from quanzi.growth.coupons.rules import COUPON_MACHINE, TEMPLATE_MACHINE, claim_open_problem, validity_for
from quanzi.orders import selectors as order_selectors
from quanzi.orders.enums import OrderStatus
from quanzi.orders.hooks import CheckoutContext, OrderMomentEvent

MAX_FEN = 100_000_000  # ¥1,000,000: no coupon is worth more
MAX_QUOTA = 10_000_000
MAX_MEMBER_LIMIT = 100
MAX_VALID_DAYS = 366
GRANT_LIMIT = 1000


def _require_login(user: Any) -> None:
    if user is None or not getattr(user, "is_authenticated", False):
        raise NotAuthenticated(ErrorCode.NOT_AUTHENTICATED, _("请先登录"))


def _is_operator(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_staff)


# --- templates ---------------------------------------------------------------------------------------------------


def _fen(value: Any, *, code: ErrorCode, label: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_FEN:
        raise errors.invalid(code, _("%(f)s须为 0–1,000,000 元之间的金额") % {"f": label})
    return value


def _rate(value: Any) -> Decimal:
    try:
        rate = Decimal(str(value)) if not isinstance(value, float) else Decimal("NaN")
    except InvalidOperation:
        rate = Decimal("NaN")
    if not rate.is_finite() or not Decimal("0.01") <= rate <= Decimal("0.99") or rate != rate.quantize(Decimal("0.0001")):
        raise errors.invalid(ErrorCode.INVALID_PERCENT, _("折扣比例须在 1%–99% 之间（如 0.15 表示减 15%，即八五折）"))
    return rate


def _check_value(kind: str, amount_fen: int, rate: Any, threshold_fen: int) -> Decimal:
    """The value rules of each kind; returns the discount rate to store (0 unless percent off)."""
    if kind not in CouponKind.values:
        raise errors.invalid(ErrorCode.INVALID_KIND, _("未知的优惠券类型"))
    amount_fen = _fen(amount_fen, code=ErrorCode.INVALID_AMOUNT, label=_("面额"))
    threshold_fen = _fen(threshold_fen, code=ErrorCode.INVALID_THRESHOLD, label=_("使用门槛"))
    if kind == CouponKind.AMOUNT_OFF:
        if amount_fen <= 0:
            raise errors.invalid(ErrorCode.INVALID_AMOUNT, _("满减券的面额须大于 0"))
        if threshold_fen <= amount_fen:
            raise errors.invalid(ErrorCode.INVALID_THRESHOLD, _("满减券的门槛须高于面额（如满 100 减 20）"))
    elif kind == CouponKind.NO_THRESHOLD:
        if amount_fen <= 0:
            raise errors.invalid(ErrorCode.INVALID_AMOUNT, _("无门槛券的面额须大于 0"))
        if threshold_fen:
            raise errors.invalid(ErrorCode.INVALID_THRESHOLD, _("无门槛券不能设置使用门槛"))
    elif kind == CouponKind.PERCENT_OFF:
        return _rate(rate)
    return Decimal("0")


@dataclass(frozen=True)
class TemplateScope:
    merchant: Any
    community: Any
    category_id: int | None
    product_ids: list[int]


def _check_scope(*, actor: Any, scope: str, merchant_id: int | None, community_id: int | None,
                 category_id: int | None, product_ids: list[int] | None, claim_mode: str) -> TemplateScope:
    """Who issues the coupon and where it applies. A merchant issues shop coupons for its own goods only; an
    operator may issue platform coupons or coupons of any merchant."""
    if scope not in CouponScope.values:
        raise errors.invalid(ErrorCode.INVALID_SCOPE, _("未知的适用范围"))
    if claim_mode not in ClaimMode.values:
        raise errors.invalid(ErrorCode.INVALID_SCOPE, _("未知的发放方式"))
    if _is_operator(actor):
        merchant = catalog_selectors.merchant_find(merchant_id=merchant_id) if merchant_id else None
        if merchant_id and merchant is None:
            raise errors.invalid(ErrorCode.INVALID_SCOPE, _("商家不存在"))
    else:
        merchant = merchant_of(actor)  # 403 for anyone who is neither an operator nor an approved merchant
        if merchant_id not in (None, merchant.pk):
            raise errors.not_merchant()
        if claim_mode != ClaimMode.PUBLIC:
            raise errors.not_operator()  # grants and the join / first-order rules are the platform's
    if scope == CouponScope.MERCHANT and merchant is None:
        raise errors.invalid(ErrorCode.INVALID_SCOPE, _("店铺券须指定发券商家"))
    community = community_by_id(community_id=community_id) if community_id else None
    if community_id and community is None:
        raise errors.invalid(ErrorCode.INVALID_SCOPE, _("社群不存在"))
    if (scope == CouponScope.COMMUNITY or claim_mode == ClaimMode.ON_JOIN) and community is None:
        raise errors.invalid(ErrorCode.INVALID_SCOPE, _("请指定社群"))
    if scope == CouponScope.CATEGORY:
        if not category_id or not catalog_selectors.category_list().filter(pk=category_id).exists():
            raise errors.invalid(ErrorCode.INVALID_SCOPE, _("请指定有效的商品类目"))
    ids = sorted({int(i) for i in (product_ids or [])})
    if scope == CouponScope.PRODUCT:
        if not ids or len(ids) > 200:
            raise errors.invalid(ErrorCode.INVALID_SCOPE, _("请指定 1–200 件商品"))
        for product_id in ids:
            try:
                product = catalog_selectors.product_get(product_id=product_id, user=actor)
            except DomainError:
                product = None
            if product is None or (merchant is not None and product.merchant_id != merchant.pk):
                raise errors.invalid(ErrorCode.INVALID_SCOPE, _("指定的商品不存在或不属于该商家"))
    return TemplateScope(merchant=merchant, community=community,
                         category_id=category_id if scope == CouponScope.CATEGORY else None,
                         product_ids=ids if scope == CouponScope.PRODUCT else [])


def _check_window(*, now: dt.datetime, claim_starts_at: dt.datetime | None, claim_ends_at: dt.datetime | None,
                  valid_from: dt.datetime | None, valid_until: dt.datetime | None,
                  valid_days: int | None) -> dt.datetime:
    starts = claim_starts_at or now
    if claim_ends_at is not None and claim_ends_at <= starts:
        raise errors.invalid(ErrorCode.INVALID_CLAIM_WINDOW, _("停止领取时间须晚于开始领取时间"))
    fixed = valid_from is not None or valid_until is not None
    if bool(valid_days) == fixed:
        raise errors.invalid(ErrorCode.INVALID_VALIDITY, _("有效期二选一：固定时间段，或领取后 N 天"))
    if valid_days is not None and (isinstance(valid_days, bool) or not 1 <= valid_days <= MAX_VALID_DAYS):
        raise errors.invalid(ErrorCode.INVALID_VALIDITY, _("领取后有效天数须为 1–366 天"))
    if fixed:
        if valid_from is None or valid_until is None or valid_until <= valid_from:
            raise errors.invalid(ErrorCode.INVALID_VALIDITY, _("有效期须有开始和结束，且结束晚于开始"))
        if valid_until <= max(now, starts):
            raise errors.invalid(ErrorCode.INVALID_VALIDITY, _("有效期须在开始领取之后结束"))
    return starts


@transaction.atomic
def template_create(*, actor: Any, name: str, kind: str, amount_fen: int = 0, discount_rate: Any = 0,
                    threshold_fen: int = 0, scope: str = CouponScope.PLATFORM, merchant_id: int | None = None,
                    community_id: int | None = None, category_id: int | None = None,
                    product_ids: list[int] | None = None, claim_mode: str = ClaimMode.PUBLIC,
                    total_quota: int | None = None, per_member_limit: int = 1,
                    claim_starts_at: dt.datetime | None = None, claim_ends_at: dt.datetime | None = None,
                    valid_from: dt.datetime | None = None, valid_until: dt.datetime | None = None,
                    valid_days: int | None = None,
                    refund_policy: str = RefundPolicy.RETURN_ON_FULL_REFUND) -> CouponTemplate:
    """Create a coupon template (a campaign). Operators: any scope and any way of issuing; merchants: shop
    coupons for their own goods that members claim. Claiming opens at `claim_starts_at` (now when empty: a later
    time schedules it)."""
    values = template_check(
        actor=actor, name=name, kind=kind, amount_fen=amount_fen, discount_rate=discount_rate,
        threshold_fen=threshold_fen, scope=scope, merchant_id=merchant_id, community_id=community_id,
        category_id=category_id, product_ids=product_ids, claim_mode=claim_mode, total_quota=total_quota,
        per_member_limit=per_member_limit, claim_starts_at=claim_starts_at, claim_ends_at=claim_ends_at,
        valid_from=valid_from, valid_until=valid_until, valid_days=valid_days, refund_policy=refund_policy)
    product_ids = values.pop("product_ids")
    template = CouponTemplate.objects.create(**values, created_by=actor)
    if product_ids:
        template.products.set(product_ids)
    track("coupon_template.create", user=actor, obj=template, kind=kind, scope=scope,
          merchant_id=template.merchant_id, quota=total_quota)
    return template


def template_check(*, actor: Any, name: str, kind: str, amount_fen: int, discount_rate: Any, threshold_fen: int,
                   scope: str, merchant_id: int | None, community_id: int | None, category_id: int | None,
                   product_ids: list[int] | None, claim_mode: str, total_quota: int | None, per_member_limit: int,
                   claim_starts_at: dt.datetime | None, claim_ends_at: dt.datetime | None,
                   valid_from: dt.datetime | None, valid_until: dt.datetime | None, valid_days: int | None,
                   refund_policy: str) -> dict[str, Any]:
    """Check a template's fields (every rule of `template_create`, which the back office's form runs too) and
    return the values to store; raises the first problem."""
    _require_login(actor)
    name = (name or "").strip()
    if not 1 <= len(name) <= 60:
        raise errors.invalid(ErrorCode.INVALID_NAME, _("名称须为 1–60 个字符"))
    rate = _check_value(kind, amount_fen, discount_rate, threshold_fen)
    where = _check_scope(actor=actor, scope=scope, merchant_id=merchant_id, community_id=community_id,
                         category_id=category_id, product_ids=product_ids, claim_mode=claim_mode)
    if total_quota is not None and (isinstance(total_quota, bool) or not 1 <= total_quota <= MAX_QUOTA):
        raise errors.invalid(ErrorCode.INVALID_QUOTA, _("发行总量须为 1–10,000,000，或留空不限量"))
    if isinstance(per_member_limit, bool) or not 1 <= per_member_limit <= MAX_MEMBER_LIMIT:
        raise errors.invalid(ErrorCode.INVALID_LIMIT, _("每人限领须为 1–100 张"))
    if refund_policy not in RefundPolicy.values:
        raise errors.invalid(ErrorCode.INVALID_REFUND_POLICY, _("未知的退款规则"))
    now = timezone.now()
    starts = _check_window(now=now, claim_starts_at=claim_starts_at, claim_ends_at=claim_ends_at,
                           valid_from=valid_from, valid_until=valid_until, valid_days=valid_days)
    return {"name": name, "kind": kind, "amount_fen": amount_fen, "discount_rate": rate,
            "threshold_fen": threshold_fen, "scope": scope, "merchant": where.merchant, "community": where.community,
            "category_id": where.category_id, "claim_mode": claim_mode, "total_quota": total_quota,
            "per_member_limit": per_member_limit, "claim_starts_at": starts, "claim_ends_at": claim_ends_at,
            "valid_from": valid_from if not valid_days else None,
            "valid_until": valid_until if not valid_days else None, "valid_days": valid_days or None,
            "refund_policy": refund_policy, "product_ids": where.product_ids}


def _template_for(actor: Any, template_id: int) -> CouponTemplate:
    """The template, when the actor may manage it: an operator any, a merchant its own."""
    _require_login(actor)
    template = CouponTemplate.objects.filter(pk=template_id).first()
    if template is None:
        raise errors.template_not_found()
    if _is_operator(actor):
        return template
    merchant = merchant_of(actor)
    if template.merchant_id != merchant.pk:
        raise errors.template_not_found()  # someone else's campaign is not shown, so it reads as missing
    return template


@transaction.atomic
def template_set_audience(*, actor: Any, template_id: int, kind: str, ref: int | None) -> CouponTemplate:
    """Limit a campaign to an audience (`audiences.py`: a segment) or, with an empty kind, lift the limit. The
    manager must manage the template and may use the audience; coupons already given stay with their members."""
    template = _template_for(actor, template_id)
    kind = (kind or "").strip()
    if kind:
        audience = audiences.AUDIENCES.get(kind)
        if audience is None or ref is None or not audience.usable_by(actor, ref):
            raise errors.invalid_audience()
    template.audience_kind, template.audience_ref = kind, (ref if kind else None)
    template.save(update_fields=["audience_kind", "audience_ref", "updated_at"])
    return template


_STATUS_REASON = {TemplateStatus.PAUSED: ChangeReason.PAUSED, TemplateStatus.ACTIVE: ChangeReason.RESUMED,
                  TemplateStatus.ENDED: ChangeReason.ENDED}


@transaction.atomic
def template_set_status(*, actor: Any, template_id: int, status: str) -> CouponTemplate:
    """Pause, resume or end claiming (coupons already held stay valid until they expire)."""
    if status not in _STATUS_REASON:
        raise errors.invalid(ErrorCode.INVALID_STATE, _("未知的状态"))
    template = _template_for(actor, template_id)
    before = template.status
    template = TEMPLATE_MACHINE.move(template, status, actor=actor, note=_STATUS_REASON[TemplateStatus(status)])
    track("coupon_template.status", user=actor, obj=template, from_status=before, to_status=status)
    return template


# --- issuing -----------------------------------------------------------------------------------------------------


def _issue(template: CouponTemplate, user: Any, *, source: str, grant_ref: str = "",
           now: dt.datetime | None = None) -> Coupon:
    """Give one coupon of `template` to a member: quota, then the member's limit, then the coupon, in one
    savepoint. With a `grant_ref`, the same reference never gives the same member a second coupon (the first is
    returned)."""
    now = now or timezone.now()
    user_id = user.pk
    if grant_ref:
        earlier = Coupon.objects.filter(template=template, user_id=user_id, grant_ref=grant_ref).first()
        if earlier is not None:
            return earlier
    if not audiences.in_audience(template.audience_kind, template.audience_ref, user_id):
        raise errors.not_in_audience()
    if CouponHolding.objects.filter(template=template, user_id=user_id,
                                    claimed_count__gte=template.per_member_limit).exists():
        # only for the right message (a member at the limit hears so, even when the quota is gone too); the
        # conditional update below is what holds the limit
        raise errors.claim_limit_reached(template.per_member_limit)
    try:
        with transaction.atomic():
            claimed = CouponTemplate.objects.filter(pk=template.pk)
            if template.total_quota is not None:
                claimed = claimed.filter(claimed_count__lt=F("total_quota"))
            if not claimed.update(claimed_count=F("claimed_count") + 1):
                raise errors.exhausted()
            holding, _created = CouponHolding.objects.get_or_create(template=template, user_id=user_id)
            if not CouponHolding.objects.filter(pk=holding.pk, claimed_count__lt=template.per_member_limit)\
                    .update(claimed_count=F("claimed_count") + 1):
                raise errors.claim_limit_reached(template.per_member_limit)
            valid_from, valid_until = validity_for(template, now)
            coupon = Coupon.objects.create(template=template, user_id=user_id, source=source, grant_ref=grant_ref,
                                           valid_from=valid_from, valid_until=valid_until)
    except IntegrityError:
        # the same grant reference given at the same moment by a twin request: that one's coupon stands
        earlier = Coupon.objects.filter(template=template, user_id=user_id, grant_ref=grant_ref).first()
        if grant_ref and earlier is not None:
            return earlier
        raise
    track("coupon.claim", user=user, obj=coupon, template_id=template.pk, source=source)
    return coupon


@transaction.atomic
def coupon_claim(*, user: Any, template_id: int) -> Coupon:
    """A member claims a coupon (the coupon centre, a community page, a product page). Refuses with
    template_not_found, not_claimable (granted only), claim_not_started / claim_paused / claim_ended,
    not_community_member (a community's coupon is for its members), coupon_exhausted, claim_limit_reached."""
    _require_login(user)
    template = CouponTemplate.objects.select_related("community").filter(pk=template_id).first()
    if template is None:
        raise errors.template_not_found()
    if template.claim_mode != ClaimMode.PUBLIC:
        raise errors.not_claimable()
    problem = claim_open_problem(template, timezone.now())
    if problem is not None:
        raise problem
    if template.scope == CouponScope.COMMUNITY and template.community is not None \
            and active_role(user=user, community=template.community) is None:
        raise errors.not_community_member(template.community.name)
    return _issue(template, user, source=CouponSource.CLAIM)


@dataclass
class GrantResult:
    granted: list[int] = field(default_factory=list)  # user ids that received a coupon (or had it from this batch)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (who, why)


_PHONE = re.compile(r"^1\d{10}$")


def _resolve_members(members: list[str]) -> tuple[list[Any], list[tuple[str, str]]]:
    found: list[Any] = []
    missing: list[tuple[str, str]] = []
    for raw in members:
        who = str(raw).strip()
        if not who:
            continue
        user = None
        if _PHONE.match(who):
            user = account_selectors.user_get_by_phone(phone=who)
        elif who.isdigit() and len(who) <= 12:
            user = account_selectors.user_get(user_id=int(who))
        if user is None:
            missing.append((who, _("会员不存在")))
        elif all(u.pk != user.pk for u in found):
            found.append(user)
    return found, missing


@transaction.atomic
def coupon_grant(*, operator: Any, template_id: int, members: list[str], batch_key: str) -> GrantResult:
    """An operator gives a coupon to each listed member (phone numbers or user ids), within the quota and each
    member's limit. `batch_key` makes the batch idempotent: sending the same batch again gives nobody a second
    coupon. Members not found or at their limit are skipped with the reason; once the quota runs out the rest
    are skipped."""
    if not _is_operator(operator):
        raise errors.not_operator()
    template = CouponTemplate.objects.filter(pk=template_id).first()
    if template is None:
        raise errors.template_not_found()
    if template.status == TemplateStatus.ENDED or (
            not template.valid_days and template.valid_until is not None and template.valid_until <= timezone.now()):
        raise errors.claim_ended()  # ended, or its fixed window is over: a coupon given now could never be used
    batch_key = (batch_key or "").strip()
    if not re.fullmatch(r"[0-9A-Za-z_-]{8,48}", batch_key):
        raise errors.invalid(ErrorCode.INVALID_BATCH, _("发放批次号须为 8–48 位字母、数字、- 或 _"))
    cleaned = [str(m).strip() for m in members if str(m).strip()]
    if not cleaned:
        raise errors.grant_empty()
    if len(cleaned) > GRANT_LIMIT:
        raise errors.grant_too_many(GRANT_LIMIT)
    users, missing = _resolve_members(cleaned)
    result = GrantResult(skipped=missing)
    exhausted = False
    for user in users:
        if exhausted:
            result.skipped.append((str(user.pk), str(errors.exhausted().message)))
            continue
        try:
            _issue(template, user, source=CouponSource.GRANT, grant_ref=f"grant:{batch_key}")
            result.granted.append(user.pk)
        except DomainError as exc:
            exhausted = exc.code == ErrorCode.COUPON_EXHAUSTED
            result.skipped.append((str(user.pk), str(exc.message)))
    track("coupon.grant", user=operator, obj=template, granted=len(result.granted), skipped=len(result.skipped))
    return result


def _grant_by_rule(template: CouponTemplate, user: Any, *, source: str, grant_ref: str) -> Coupon | None:
    """A rule's grant: silently nothing when the campaign is not open, ran out or the member is at the limit."""
    if claim_open_problem(template, timezone.now()) is not None:
        return None
    try:
        return _issue(template, user, source=source, grant_ref=grant_ref)
    except DomainError:
        return None


@transaction.atomic
def coupon_grant_reward(*, user_id: int, template_id: int, grant_ref: str) -> Coupon:
    """A reward paid as a coupon (a task, a check-in streak, a lottery prize: `loyalty.rewards`): one coupon of the
    template, once per `grant_ref`. Unlike a rule's grant, a reward that cannot be paid says why (the template is
    closed, ran out, or the member is at its limit) so the granting app can show it."""
    template = CouponTemplate.objects.filter(pk=template_id).first()
    if template is None:
        raise errors.template_not_found()
    user = account_selectors.user_get(user_id=user_id)
    if user is None:
        raise errors.template_not_found()
    problem = claim_open_problem(template, timezone.now())
    if problem is not None:
        raise problem
    return _issue(template, user, source=CouponSource.REWARD, grant_ref=grant_ref)


@transaction.atomic
def grant_on_join(user_id: int, community_id: int) -> None:
    """The welcome coupons of a community (`communities.hooks.on_member_joined`), once per member and template:
    leaving and joining again gives none."""
    templates = list(CouponTemplate.objects.filter(claim_mode=ClaimMode.ON_JOIN, community_id=community_id,
                                                   status=TemplateStatus.ACTIVE).order_by("pk"))
    user = account_selectors.user_get(user_id=user_id) if templates else None
    if user is None:
        return
    for template in templates:
        _grant_by_rule(template, user, source=CouponSource.JOIN, grant_ref=f"join:{community_id}")


def is_first_paid_order(*, buyer_id: int, order_id: int) -> bool:
    """True when no other order of the buyer was paid before this one (the earlier id wins a tie)."""
    order = order_selectors.orders_by_id(order_ids=[order_id]).get(order_id)
    buyer = account_selectors.user_get(user_id=buyer_id, include_inactive=True)
    if order is None or order.paid_at is None or buyer is None:
        return False
    earlier = Q(paid_at__lt=order.paid_at) | Q(paid_at=order.paid_at, pk__lt=order.pk)
    return not order_selectors.order_list_for_buyer(user=buyer).filter(earlier).exists()


def grant_on_first_order(event: OrderMomentEvent) -> None:
    """On the `paid` moment: the first-order coupons, when this is the buyer's first paid order."""
    templates = list(CouponTemplate.objects.filter(claim_mode=ClaimMode.ON_FIRST_ORDER,
                                                   status=TemplateStatus.ACTIVE).order_by("pk"))
    if not templates or not is_first_paid_order(buyer_id=event.buyer_id, order_id=event.order_id):
        return
    buyer = account_selectors.user_get(user_id=event.buyer_id)
    if buyer is None:
        return
    for template in templates:
        _grant_by_rule(template, buyer, source=CouponSource.FIRST_ORDER, grant_ref="first_order")


# --- redeeming and returning -------------------------------------------------------------------------------------


def _coupon_id(source: str) -> int | None:
    kind, _sep, ident = source.partition(":")
    return int(ident) if kind == "coupon" and ident.isdigit() else None


def coupons_redeem(ctx: CheckoutContext) -> None:
    """The checkout hook (inside the checkout transaction): mark the coupons the quote used as used for these
    orders. A coupon used meanwhile by another checkout refuses this one (`coupon_used`): everything rolls back."""
    chosen = set(chosen_ids(ctx.options))  # what the buyer chose and our adjusters priced (not another plug-in's)
    ids = sorted({i for s in ctx.sources if (i := _coupon_id(s)) is not None} & chosen)
    if not ids:
        return
    coupons = {c.pk: c for c in Coupon.objects.filter(pk__in=ids, user=ctx.user).order_by("pk")}
    if len(coupons) != len(ids):
        raise errors.coupon_not_found()
    now = timezone.now()
    for coupon_id in ids:
        coupon = coupons[coupon_id]
        source = f"coupon:{coupon_id}"
        per_order = {o.order_id: sum(ln.adjustments.get(source, 0) for ln in o.lines) for o in ctx.orders}
        COUPON_MACHINE.move(coupon, CouponStatus.USED, actor=ctx.user,
                            note=f"{ChangeReason.REDEEMED}:checkout:{ctx.checkout_id}", used_at=now,
                            checkout_id=ctx.checkout_id)
        CouponRedemption.objects.bulk_create([
            CouponRedemption(coupon=coupon, order_id=order_id, checkout_id=ctx.checkout_id, amount_fen=fen)
            for order_id, fen in sorted(per_order.items()) if fen > 0])
        CouponTemplate.objects.filter(pk=coupon.template_id, used_count__lt=F("claimed_count"))\
            .update(used_count=F("used_count") + 1)
        track("coupon.redeem", user=ctx.user, obj=coupon, checkout_id=ctx.checkout_id,
              order_ids=sorted(o for o, fen in per_order.items() if fen > 0), amount_fen=sum(per_order.values()))


def coupons_return_for_order(*, order_id: int, reason: str, refund_policy: str | None = None) -> list[int]:
    """Void this order's redemptions (only those of templates with `refund_policy`, when given) and return each
    coupon none of whose other orders still holds it. Runs in the caller's transaction; idempotent. Returns the
    ids of the coupons returned."""
    qs = CouponRedemption.objects.filter(order_id=order_id, status=RedemptionStatus.ACTIVE)
    if refund_policy is not None:
        qs = qs.filter(coupon__template__refund_policy=refund_policy)
    coupon_ids = sorted(set(qs.values_list("coupon_id", flat=True)))
    if not coupon_ids:
        return []
    now = timezone.now()
    returned: list[int] = []
    for coupon in lock_coupons(coupon_ids).values():  # held while we decide: a twin order's hook waits here
        voided = CouponRedemption.objects.filter(coupon=coupon, order_id=order_id, status=RedemptionStatus.ACTIVE)\
            .update(status=RedemptionStatus.VOID, void_reason=reason, voided_at=now)
        if not voided or coupon.status != CouponStatus.USED:
            continue
        if CouponRedemption.objects.filter(coupon=coupon, status=RedemptionStatus.ACTIVE).exists():
            continue  # a platform coupon still pays for another order of the same checkout
        COUPON_MACHINE.move(coupon, CouponStatus.UNUSED, note=f"{reason}:order:{order_id}", used_at=None,
                            checkout_id=None)
        CouponTemplate.objects.filter(pk=coupon.template_id, used_count__gt=0).update(used_count=F("used_count") - 1)
        track("coupon.return", user=coupon.user, obj=coupon, order_id=order_id, reason=reason)
        returned.append(coupon.pk)
    return returned


def on_order_cancelled(event: OrderMomentEvent) -> None:
    """The `cancelled` moment (the buyer cancelled, or the unpaid order expired): its coupons come back."""
    coupons_return_for_order(order_id=event.order_id, reason=ChangeReason.RETURNED_CANCELLED)


def on_order_refunded(event: OrderMomentEvent) -> None:
    """The `refunded` moment: once the order is refunded in full, coupons whose template says so come back
    (`RefundPolicy.RETURN_ON_FULL_REFUND`); a partial refund keeps them used."""
    order = order_selectors.orders_by_id(order_ids=[event.order_id]).get(event.order_id)
    if order is None or order.status != OrderStatus.REFUNDED:
        return
    coupons_return_for_order(order_id=event.order_id, reason=ChangeReason.RETURNED_REFUNDED,
                             refund_policy=RefundPolicy.RETURN_ON_FULL_REFUND)
