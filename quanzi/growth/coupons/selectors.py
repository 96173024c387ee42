"""Coupon reads: what a member can claim (the coupon centre, a community's or a product's coupons), the coupons a
member holds, which of them fit a checkout and why the others do not (with the best combination), and the
campaign desk of merchants and operators (templates with their numbers, redemptions)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from quanzi.catalog import selectors as catalog_selectors
from quanzi.communities.selectors import community_by_id
from quanzi.core.errors import DomainError
from quanzi.core.money import format_yuan
from quanzi.growth.coupons import errors
from quanzi.growth.coupons.engine import (
    CouponFacts,
    Verdict,
    expiry_key,
    goods_amount,
    judge,
    shipping_amounts,
)
from quanzi.growth.coupons.enums import (
    ClaimMode,
    CouponScope,
    CouponState,
    CouponStatus,
    RedemptionStatus,
    TemplateStatus,
)
from quanzi.growth.coupons.errors import ErrorCode
from quanzi.growth.coupons.models import Coupon, CouponHolding, CouponRedemption, CouponTemplate
from quanzi.growth.coupons.pricing import chosen_ids, coupon_facts, excluded_skus, line_facts
from quanzi.orders import selectors as order_selectors
from quanzi.orders.pricing import Quote

# --- claimable ---------------------------------------------------------------------------------------------------


def _claim_open_q(now: dt.datetime) -> Q:
    return (Q(status=TemplateStatus.ACTIVE, claim_mode=ClaimMode.PUBLIC, claim_starts_at__lte=now)
            & (Q(claim_ends_at__isnull=True) | Q(claim_ends_at__gt=now))
            & (Q(valid_days__isnull=False) | Q(valid_until__gt=now)))


def claimable_list(*, user: Any = None, community_id: int | None = None, product_id: int | None = None,
                   merchant_id: int | None = None, product: Any = None) -> QuerySet[CouponTemplate]:
    """Templates members can claim now, newest first, each with `viewer_claimed` (how many the viewer has had).
    `community_id`: that community's coupons; `product_id`: the coupons that apply to that product (platform-wide,
    its shop's, its category's, the product's own, and those of communities whose shelf carries it)."""
    now = timezone.now()
    qs = CouponTemplate.objects.filter(_claim_open_q(now)).select_related("merchant", "community", "category")
    if community_id is not None:
        qs = qs.filter(scope=CouponScope.COMMUNITY, community_id=community_id)
    if merchant_id is not None:
        qs = qs.filter(merchant_id=merchant_id)
    if product is None and product_id is not None:
        product = catalog_selectors.product_get(product_id=product_id, user=user)  # 404 for a product not shown
    if product is not None:
        qs = qs.filter(_applies_to_product_q(product, qs))
    if user is not None and getattr(user, "is_authenticated", False):
        held = CouponHolding.objects.filter(template=OuterRef("pk"), user=user).values("claimed_count")[:1]
        qs = qs.annotate(viewer_claimed=Coalesce(Subquery(held), 0))
    else:
        qs = qs.annotate(viewer_claimed=Value(0))
    return qs.order_by("-id")


def welcome_list(*, community_id: int) -> QuerySet[CouponTemplate]:
    """The coupons a community gives its new members (granted on joining; shown to those who have not joined)."""
    now = timezone.now()
    return (CouponTemplate.objects.filter(claim_mode=ClaimMode.ON_JOIN, community_id=community_id,
                                          status=TemplateStatus.ACTIVE, claim_starts_at__lte=now)
            .filter(Q(claim_ends_at__isnull=True) | Q(claim_ends_at__gt=now))
            .filter(Q(total_quota__isnull=True) | Q(claimed_count__lt=F("total_quota")))
            .select_related("merchant", "community", "category").order_by("-id"))


def _applies_to_product_q(product: Any, open_templates: QuerySet[CouponTemplate]) -> Q:
    product_id = product.pk
    categories = _ancestor_category_ids(product.category_id)
    communities = set(open_templates.filter(scope=CouponScope.COMMUNITY).values_list("community_id", flat=True))
    shelved = [c.pk for c in (community_by_id(community_id=i) for i in sorted(communities) if i)
               if c is not None and catalog_selectors.community_shelf(community=c).filter(pk=product_id).exists()]
    shop = Q(merchant__isnull=True) | Q(merchant_id=product.merchant_id)
    where = (Q(scope__in=[CouponScope.PLATFORM, CouponScope.MERCHANT])
             | Q(scope=CouponScope.CATEGORY, category_id__in=categories)
             | Q(scope=CouponScope.PRODUCT, pk__in=CouponTemplate.products.through.objects
                 .filter(product_id=product_id).values("coupontemplate_id"))
             | Q(scope=CouponScope.COMMUNITY, community_id__in=shelved))
    return shop & where


def _ancestor_category_ids(category_id: int | None) -> list[int]:
    """A category and every category above it (a coupon for 护肤 applies to 面霜 under it)."""
    out: list[int] = []
    parents = {c.pk: c.parent_id for c in catalog_selectors.category_list()}
    while category_id is not None and category_id not in out:
        out.append(category_id)
        category_id = parents.get(category_id)
    return out


def template_get(*, template_id: int) -> CouponTemplate:
    template = (CouponTemplate.objects.select_related("merchant", "community", "category")
                .filter(pk=template_id).first())
    if template is None:
        raise errors.template_not_found()
    return template


# --- a member's coupons ------------------------------------------------------------------------------------------


def state_q(state: str, now: dt.datetime) -> Q:
    if state == CouponState.USED:
        return Q(status=CouponStatus.USED)
    if state == CouponState.EXPIRED:
        return Q(status=CouponStatus.UNUSED, valid_until__lte=now)
    if state == CouponState.NOT_YET_VALID:
        return Q(status=CouponStatus.UNUSED, valid_from__gt=now, valid_until__gt=now)
    if state == CouponState.USABLE:
        return Q(status=CouponStatus.UNUSED, valid_from__lte=now, valid_until__gt=now)
    raise errors.invalid(ErrorCode.INVALID_STATE, _("未知的优惠券状态"))


def my_coupons(*, user: Any, state: str | None = None) -> QuerySet[Coupon]:
    """The member's coupons; `state` (usable, not_yet_valid, used, expired) as they read now. Usable and
    not-yet-valid ones come by expiry (the soonest first), the others newest first."""
    now = timezone.now()
    qs = Coupon.objects.filter(user=user).select_related("template__merchant", "template__community",
                                                         "template__category")
    if state:
        qs = qs.filter(state_q(state, now))
    if state in (CouponState.USABLE, CouponState.NOT_YET_VALID):
        return qs.order_by("valid_until", "pk")
    return qs.order_by("-id")


def my_coupon_counts(*, user: Any) -> dict[str, int]:
    now = timezone.now()
    return {s: Coupon.objects.filter(user=user).filter(state_q(s, now)).count() for s in CouponState.values}


# --- a checkout's coupons ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CouponOption:
    """One of the member's coupons as it stands for this checkout."""

    coupon: Coupon
    usable: bool
    code: str  # why not (an ErrorCode value), "" when usable
    reason: str
    saving_fen: int  # what it would take off used alone (an estimate shown next to it)
    is_platform: bool
    merchant_id: int | None


@dataclass
class CouponAdvice:
    usable: list[CouponOption] = field(default_factory=list)
    unusable: list[CouponOption] = field(default_factory=list)
    best_ids: list[int] = field(default_factory=list)
    best_saving_fen: int = 0
    total_without_fen: int = 0  # the total with no coupon
    best_total_fen: int = 0
    explanation: str = ""

    def groups(self) -> list[tuple[str, int | None, list[CouponOption]]]:
        """The usable coupons by stacking group: the platform's first, then each shop's (one of each may be used)."""
        out: dict[int | None, list[CouponOption]] = {}
        for option in self.usable:
            out.setdefault(None if option.is_platform else option.merchant_id, []).append(option)
        keys = sorted(out, key=lambda k: (k is not None, k or 0))
        return [("platform" if k is None else f"m{k}", k, out[k]) for k in keys]


def _alone(verdict: Verdict, fees: dict[int, int]) -> int:
    if verdict.coupon.is_shipping:
        return sum(shipping_amounts(verdict.coupon, verdict.merchant_ids, fees).values())
    return goods_amount(verdict.coupon, verdict.base_fen)


def _quote(user: Any, items: list[tuple[int, int]] | None, options: dict[str, Any]) -> Quote | None:
    try:
        return order_selectors.quote_preview(user=user, items=items, options=options)
    except DomainError:
        return None


def coupon_advice(*, user: Any, items: list[tuple[int, int]] | None,
                  options: dict[str, Any] | None = None) -> CouponAdvice:
    """Which of the member's coupons fit this checkout (items, or the cart when None; other options such as a
    campaign as chosen), the reason for each that does not, and the best combination: for each shop the coupon
    saving most, then the platform coupon that makes the total lowest with them (each candidate priced for real,
    shipping included). Ties go to the coupon that expires first."""
    base_options = {k: v for k, v in (options or {}).items() if k != "coupon_ids"}
    advice = CouponAdvice()
    base = order_selectors.quote_preview(user=user, items=items, options=base_options)
    if base is None or user is None or not getattr(user, "is_authenticated", False):
        return advice
    now = timezone.now()
    facts = coupon_facts(user=user, coupon_ids=None, now=now)
    asked = [i for i in chosen_ids(options) if i not in {f.coupon_id for f in facts}]
    facts += coupon_facts(user=user, coupon_ids=asked, now=now) if asked else []
    rows = {c.pk: c for c in Coupon.objects.filter(pk__in=[f.coupon_id for f in facts])
            .select_related("template__merchant", "template__community", "template__category")}
    lines = line_facts(user=user, lines=base.lines, excluded=excluded_skus(base), coupons=facts)
    fees = {mq.merchant_id: mq.shipping_fen for mq in base.merchants}
    verdicts: list[Verdict] = []
    for f in facts:
        verdict = judge(f, lines, now)
        if verdict.usable and _alone(verdict, fees) <= 0:
            verdict = Verdict(f, errors.no_effect(), verdict.sku_ids, verdict.merchant_ids, verdict.base_fen)
        verdicts.append(verdict)
        option = CouponOption(coupon=rows[f.coupon_id], usable=verdict.usable,
                              code=verdict.error.code if verdict.error else "",
                              reason=str(verdict.error.message) if verdict.error else "",
                              saving_fen=_alone(verdict, fees) if verdict.usable else 0,
                              is_platform=f.is_platform, merchant_id=f.merchant_id)
        (advice.usable if verdict.usable else advice.unusable).append(option)
    advice.usable.sort(key=lambda o: (-o.saving_fen, o.coupon.valid_until, o.coupon.pk))
    advice.total_without_fen = advice.best_total_fen = base.total_fen
    _best(advice, user, items, base_options, [v for v in verdicts if v.usable], fees)
    return advice


def _best(advice: CouponAdvice, user: Any, items: list[tuple[int, int]] | None, base_options: dict[str, Any],
          usable: list[Verdict], fees: dict[int, int]) -> None:
    shop_pick: dict[int, Verdict] = {}
    for v in usable:
        if v.coupon.is_platform:
            continue
        m = v.coupon.merchant_id or 0
        current = shop_pick.get(m)
        if current is None or (_alone(v, fees), _neg(expiry_key(v.coupon))) > \
                (_alone(current, fees), _neg(expiry_key(current.coupon))):
            shop_pick[m] = v
    shops = [shop_pick[m].coupon for m in sorted(shop_pick)]
    candidates: list[list[CouponFacts]] = [shops]
    platform = sorted((v for v in usable if v.coupon.is_platform), key=lambda v: expiry_key(v.coupon))
    candidates += [[*shops, v.coupon] for v in platform]
    best: tuple[int, list[CouponFacts]] | None = None
    for combo in candidates:
        if not combo:
            continue
        quote = _quote(user, items, {**base_options, "coupon_ids": [c.coupon_id for c in combo]})
        if quote is not None and (best is None or quote.total_fen < best[0]):
            best = (quote.total_fen, combo)
    if best is None or best[0] >= advice.total_without_fen:
        advice.explanation = _("暂无可用的优惠券") if not usable else _("用券后不比不用更省，已不选券")
        return
    advice.best_total_fen, chosen = best
    advice.best_ids = [c.coupon_id for c in chosen]
    advice.best_saving_fen = advice.total_without_fen - advice.best_total_fen
    names = "、".join(f"「{c.name}」" for c in chosen)
    advice.explanation = _("推荐组合 %(names)s，共省 %(s)s（每单最多一张平台券和每家店铺一张店铺券）") % {
        "names": names, "s": format_yuan(advice.best_saving_fen)}


def _neg(key: tuple[dt.datetime, int]) -> tuple[float, int]:
    """Sort key: the earlier expiry ranks higher."""
    return (-key[0].timestamp(), -key[1])


def checkout_defaults(user: Any, items: list[tuple[int, int]] | None, options: dict[str, Any]) -> dict[str, Any]:
    """The checkout page's proposal before the buyer chooses: the best combination."""
    if "coupon_ids" in options or not getattr(user, "is_authenticated", False):
        return {}
    advice = coupon_advice(user=user, items=items, options=options)
    return {"coupon_ids": advice.best_ids} if advice.best_ids else {}


# --- the campaign desk -------------------------------------------------------------------------------------------


def _with_numbers(qs: QuerySet[CouponTemplate]) -> QuerySet[CouponTemplate]:
    active = Q(coupons__redemptions__status=RedemptionStatus.ACTIVE)
    return qs.select_related("merchant", "community", "category").annotate(
        discount_total_fen=Coalesce(Sum("coupons__redemptions__amount_fen", filter=active), 0),
        order_count=Count("coupons__redemptions__order", filter=active, distinct=True))


def templates_for_merchant(*, merchant: Any, status: str | None = None) -> QuerySet[CouponTemplate]:
    qs = CouponTemplate.objects.filter(merchant=merchant)
    if status:
        qs = qs.filter(status=status)
    return _with_numbers(qs).order_by("-id")


def templates_for_operator(*, status: str | None = None) -> QuerySet[CouponTemplate]:
    qs = CouponTemplate.objects.all()
    if status:
        qs = qs.filter(status=status)
    return _with_numbers(qs).order_by("-id")


def redemption_list(*, template_ids: Any = None, merchant: Any = None) -> QuerySet[CouponRedemption]:
    """Redemptions (which order a coupon paid for, how much, whether it came back), newest first: of some
    templates, or of a merchant's templates (its shop coupons) when `merchant` is given."""
    qs = CouponRedemption.objects.select_related("coupon__template__merchant", "coupon__user", "order")
    if merchant is not None:
        qs = qs.filter(coupon__template__merchant=merchant)
    if template_ids is not None:
        qs = qs.filter(coupon__template_id__in=list(template_ids))
    return qs.order_by("-id")


def template_has_coupons(*, template_id: int) -> bool:
    return Coupon.objects.filter(template_id=template_id).exists()


def coupon_for_user(*, user: Any, coupon_id: int) -> Coupon:
    coupon = Coupon.objects.filter(pk=coupon_id, user=user).select_related("template").first()
    if coupon is None:
        raise errors.coupon_not_found()
    return coupon


def platform_coupon_sources(sources: Collection[str]) -> set[str]:
    """The adjustment sources (`coupon:<id>`) among `sources` that are platform coupons (their template has no
    merchant: the platform pays for them, orders.funding)."""
    ids = {int(s.split(":", 1)[1]) for s in sources if s.startswith("coupon:") and s.split(":", 1)[1].isdigit()}
    if not ids:
        return set()
    return {f"coupon:{pk}" for pk in Coupon.objects.filter(pk__in=ids, template__merchant__isnull=True)
            .values_list("pk", flat=True)}


def coupons_expiring(*, after: dt.datetime, before: dt.datetime, limit: int = 5000) -> list[dict[str, Any]]:
    """Unused coupons whose validity ends in (after, before], oldest expiry first: notify reminds their holders
    (`{"id", "user_id", "name", "valid_until"}`)."""
    rows = (Coupon.objects.filter(status=CouponStatus.UNUSED, valid_until__gt=after, valid_until__lte=before)
            .order_by("valid_until", "pk").values("id", "user_id", "template__name", "valid_until")[:limit])
    return [{"id": r["id"], "user_id": r["user_id"], "name": r["template__name"], "valid_until": r["valid_until"]}
            for r in rows]
