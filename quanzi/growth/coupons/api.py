"""/api/v1/growth/coupons: claimable coupons, claiming, my coupons, which coupons fit a checkout (with reasons and
the best combination); and the campaign desk for merchants and operators (create, pause, resume, end, grant,
numbers, redemptions). Quote and checkout take the chosen coupons as `options.coupon_ids` (/api/v1/orders).
Thin: parse, call one service or selector, return a schema."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate

from quanzi.api_auth import current_user, optional, required, viewer
from quanzi.catalog.services import merchant_of
from quanzi.core.pagination import PageNumber
from quanzi.growth.coupons import errors, selectors, services
from quanzi.growth.coupons.models import CouponTemplate
from quanzi.growth.coupons.schemas import (
    AdviceOut,
    CouponOut,
    GrantIn,
    GrantOut,
    ManagedTemplateOut,
    RedemptionOut,
    StatusIn,
    TemplateIn,
    TemplateOut,
    UsableIn,
)
from quanzi.growth.coupons.selectors import CouponAdvice
from quanzi.growth.coupons.services import GrantResult

router = Router(tags=["coupons 优惠券"], auth=required)


@router.get("/claimable", response=list[TemplateOut], auth=optional)
@paginate(PageNumber)
def claimable(request: HttpRequest, community_id: int | None = None, product_id: int | None = None,  # type: ignore[no-untyped-def]
              merchant_id: int | None = None):
    return selectors.claimable_list(user=viewer(request), community_id=community_id, product_id=product_id,
                                    merchant_id=merchant_id)


@router.post("/templates/{template_id}/claim", response={201: CouponOut})
def claim(request: HttpRequest, template_id: int) -> Status:
    coupon = services.coupon_claim(user=current_user(request), template_id=template_id)
    return Status(201, coupon)


@router.get("/mine", response=list[CouponOut])
@paginate(PageNumber)
def mine(request: HttpRequest, state: str | None = None):  # type: ignore[no-untyped-def]
    return selectors.my_coupons(user=current_user(request), state=state)


@router.post("/usable", response=AdviceOut)
def usable(request: HttpRequest, data: UsableIn) -> CouponAdvice:
    items = None if data.items is None else [(i.sku_id, i.quantity) for i in data.items]
    return selectors.coupon_advice(user=current_user(request), items=items,
                                   options=data.options.as_options() if data.options else None)


# --- the campaign desk (merchants: their shop coupons; operators: all) --------------------------------------------


@router.post("/templates", response={201: ManagedTemplateOut})
def template_create(request: HttpRequest, data: TemplateIn) -> Status:
    return Status(201, services.template_create(actor=current_user(request), **data.dict()))


@router.post("/templates/{template_id}/status", response=ManagedTemplateOut)
def template_status(request: HttpRequest, template_id: int, data: StatusIn) -> CouponTemplate:
    return services.template_set_status(actor=current_user(request), template_id=template_id, status=data.status)


@router.post("/templates/{template_id}/grant", response=GrantOut)
def template_grant(request: HttpRequest, template_id: int, data: GrantIn) -> GrantResult:
    return services.coupon_grant(operator=current_user(request), template_id=template_id, members=data.members,
                                 batch_key=data.batch_key)


@router.get("/templates/{template_id}", response=TemplateOut, auth=optional)
def template_get(request: HttpRequest, template_id: int) -> CouponTemplate:
    return selectors.template_get(template_id=template_id)


@router.get("/manage/templates", response=list[ManagedTemplateOut])
@paginate(PageNumber)
def manage_templates(request: HttpRequest, status: str | None = None):  # type: ignore[no-untyped-def]
    user = current_user(request)
    if user.is_staff:
        return selectors.templates_for_operator(status=status)
    return selectors.templates_for_merchant(merchant=merchant_of(user), status=status)


@router.get("/manage/redemptions", response=list[RedemptionOut])
@paginate(PageNumber)
def manage_redemptions(request: HttpRequest, template_id: int | None = None):  # type: ignore[no-untyped-def]
    user = current_user(request)
    ids = [template_id] if template_id is not None else None
    if user.is_staff:
        return selectors.redemption_list(template_ids=ids)
    merchant = merchant_of(user)
    if template_id is not None and not selectors.templates_for_merchant(merchant=merchant)\
            .filter(pk=template_id).exists():
        raise errors.template_not_found()
    return selectors.redemption_list(template_ids=ids, merchant=merchant)
