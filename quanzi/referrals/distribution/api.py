"""/api/v1/referrals/distribution: the promoter centre (balances, clicks, the chart), applying (free), the
ledger, withdrawals; for operators the approval queue and appointing promoters; community rules for owners.
Thin: parse, call one service or selector, return a schema."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate

from quanzi.api_auth import current_user, required
from quanzi.core.pagination import PageNumber
from quanzi.referrals.distribution import errors, selectors, services
from quanzi.referrals.distribution.schemas import (
    AppointIn,
    CentreOut,
    CommunityRuleIn,
    CommunityRuleOut,
    EntryOut,
    PromoterOut,
    RejectIn,
    WithdrawalOut,
    WithdrawIn,
)

router = Router(tags=["distribution 分销"], auth=required)


def _staff(user: Any) -> None:
    if not user.is_staff:
        raise errors.not_operator()


@router.get("/me", response=CentreOut)
def centre(request: HttpRequest) -> dict[str, Any]:
    v = selectors.promoter_centre(user=current_user(request))
    return {"status": v.promoter.status if v.promoter else None, "can_earn": v.can_earn, "mode": v.mode,
            "threshold_fen": v.threshold_fen, "spend_fen": v.spend_fen, "pending_fen": v.pending_fen,
            "available_fen": v.available_fen, "withdrawn_fen": v.withdrawn_fen, "in_flight_fen": v.in_flight_fen,
            "clicks": v.clicks, "invited": v.invited, "orders": v.orders, "levels": v.levels,
            "chart": [{"day": d, "amount_fen": fen} for d, fen in v.chart]}


@router.post("/apply", response={201: PromoterOut})
def apply(request: HttpRequest) -> Status:
    return Status(201, services.promoter_apply(user=current_user(request)))


@router.post("/promoters", response={201: PromoterOut})
def appoint(request: HttpRequest, data: AppointIn) -> Status:
    return Status(201, services.promoter_appoint(actor=current_user(request), user_id=data.user_id,
                                                 community_id=data.community_id))


@router.get("/entries", response=list[EntryOut])
@paginate(PageNumber)
def entries(request: HttpRequest):  # type: ignore[no-untyped-def]
    promoter = selectors.promoter_get(user_id=current_user(request).pk)
    return selectors.entries_of(promoter_id=promoter.pk) if promoter else []


@router.get("/withdrawals", response=list[WithdrawalOut])
@paginate(PageNumber)
def my_withdrawals(request: HttpRequest):  # type: ignore[no-untyped-def]
    promoter = selectors.promoter_get(user_id=current_user(request).pk)
    return selectors.withdrawals_of(promoter_id=promoter.pk) if promoter else []


@router.post("/withdrawals", response={201: WithdrawalOut})
def withdraw(request: HttpRequest, data: WithdrawIn) -> Status:
    return Status(201, services.withdrawal_request(user=current_user(request), amount_fen=data.amount_fen))


@router.get("/ops/withdrawals", response=list[WithdrawalOut])
@paginate(PageNumber)
def queue(request: HttpRequest, status: str = "requested"):  # type: ignore[no-untyped-def]
    _staff(current_user(request))
    return selectors.withdrawal_queue(status=status)


@router.post("/ops/withdrawals/{withdrawal_id}/approve", response=WithdrawalOut)
def approve(request: HttpRequest, withdrawal_id: int) -> Any:
    return services.withdrawal_approve(operator=current_user(request), withdrawal_id=withdrawal_id)


@router.post("/ops/withdrawals/{withdrawal_id}/reject", response=WithdrawalOut)
def reject(request: HttpRequest, withdrawal_id: int, data: RejectIn) -> Any:
    return services.withdrawal_reject(operator=current_user(request), withdrawal_id=withdrawal_id,
                                      reason=data.reason)


@router.put("/communities/{community_id}/rule", response=CommunityRuleOut)
def community_rule(request: HttpRequest, community_id: int, data: CommunityRuleIn) -> Any:
    values = data.dict(exclude_unset=True)
    return services.community_rule_set(actor=current_user(request), community_id=community_id, **values)
