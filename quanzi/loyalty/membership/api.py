"""/api/v1/loyalty/membership: my level, growth value and its ledger; the level table; paid plans, buying one
(an order of its virtual SKU, paid at the order's cashier), the free trial, my periods and their refund. Thin:
parse, call one service or selector, return a schema."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate

from quanzi.api_auth import current_user, optional, required
from quanzi.core.pagination import PageNumber
from quanzi.loyalty.membership import selectors, services
from quanzi.loyalty.membership.models import MembershipPeriod
from quanzi.loyalty.membership.schemas import (
    BuyIn,
    BuyOut,
    GrowthEntryOut,
    LevelOut,
    MeOut,
    PeriodOut,
    PlanOut,
    RefundOut,
)
from quanzi.loyalty.membership.selectors import LevelView

router = Router(tags=["membership 等级与会员"], auth=required)


def _level(lv: LevelView | None) -> dict[str, Any] | None:
    if lv is None:
        return None
    return {"id": lv.id, "name": lv.name, "threshold": lv.threshold, "member_price": lv.member_price,
            "free_shipping_threshold_fen": lv.free_shipping_threshold_fen,
            "monthly_coupon_ids": list(lv.monthly_coupon_ids), "description": lv.description}


def period_out(p: MembershipPeriod) -> dict[str, Any]:
    q = selectors.refund_quote(period=p)
    return {"id": p.pk, "plan_id": p.plan_id, "plan_name": p.plan.name, "status": p.status,
            "starts_at": p.starts_at, "ends_at": p.ends_at, "order_id": p.order_id, "paid_fen": p.paid_fen,
            "refunded_fen": p.refunded_fen, "refundable_fen": q.amount_fen, "refund_rule": q.rule}


@router.get("/me", response=MeOut)
def me(request: HttpRequest) -> dict[str, Any]:
    s = selectors.member_status(user=current_user(request))
    return {"growth": s.growth, "level": _level(s.level), "next_level": _level(s.next_level), "to_next": s.to_next,
            "is_paid_member": s.period is not None, "paid_plan": s.period.plan.name if s.period else None,
            "paid_until": s.paid_until, "trial_available": s.trial_available}


@router.get("/levels", response=list[LevelOut], auth=optional)
def levels(request: HttpRequest) -> list[dict[str, Any] | None]:
    return [_level(lv) for lv in selectors.levels()]


@router.get("/growth", response=list[GrowthEntryOut])
@paginate(PageNumber)
def growth(request: HttpRequest):  # type: ignore[no-untyped-def]
    return selectors.growth_entries(user=current_user(request))


@router.get("/plans", response=list[PlanOut], auth=optional)
def plans(request: HttpRequest) -> list[Any]:
    return selectors.plans_for_sale()


@router.post("/plans/{plan_id}/buy", response={201: BuyOut})
def plan_buy(request: HttpRequest, plan_id: int, data: BuyIn) -> Status:
    checkout = services.plan_buy(user=current_user(request), plan_id=plan_id, idempotency_key=data.idempotency_key)
    order = checkout.orders.order_by("pk").first()
    assert order is not None  # a checkout always has its order
    return Status(201, {"checkout_id": checkout.pk, "order_id": order.pk, "payable_fen": order.payable_fen,
                        "pay_url": f"/orders/{order.pk}/"})


@router.post("/plans/{plan_id}/trial", response={201: PeriodOut})
def plan_trial(request: HttpRequest, plan_id: int) -> Status:
    period = services.trial_start(user=current_user(request), plan_id=plan_id)
    return Status(201, period_out(period))


@router.get("/periods", response=list[PeriodOut])
def periods(request: HttpRequest) -> list[dict[str, Any]]:
    return [period_out(p) for p in selectors.periods_of(user_id=current_user(request).pk)]


@router.post("/periods/{period_id}/refund", response={201: RefundOut})
def period_refund(request: HttpRequest, period_id: int) -> Status:
    quote = services.period_refund(user=current_user(request), period_id=period_id)
    return Status(201, {"period_id": period_id, "amount_fen": quote.amount_fen, "rule": quote.rule})
