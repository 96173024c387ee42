"""/api/v1/loyalty/points: my balance (with what expires soon), my ledger (paginated), the mall's items and a
redemption. Checkout redeems points with `options.points` (/api/v1/orders). Thin: parse, call one service or
selector, return a schema."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate

from quanzi.api_auth import current_user, optional, required, viewer
from quanzi.core.pagination import PageNumber
from quanzi.loyalty.points import selectors, services
from quanzi.loyalty.points.conf import conf
from quanzi.loyalty.points.models import MallRedemption
from quanzi.loyalty.points.schemas import BalanceOut, EntryOut, MallItemOut, RedeemIn, RedemptionOut

router = Router(tags=["points 积分"], auth=required)


@router.get("/balance", response=BalanceOut)
def balance(request: HttpRequest) -> dict[str, Any]:
    user = current_user(request)
    return {"points": selectors.points_balance(user_id=user.pk), "redeem_per_yuan": conf("REDEEM_PER_YUAN"),
            "redeem_max_percent": conf("REDEEM_MAX_PERCENT"),
            "expiring_soon": [{"points": e.points, "expires_at": e.expires_at}
                              for e in selectors.expiring_soon(user_id=user.pk)]}


@router.get("/ledger", response=list[EntryOut])
@paginate(PageNumber)
def ledger(request: HttpRequest):  # type: ignore[no-untyped-def]
    user = current_user(request)
    services.points_expire_due(user_id=user.pk)
    return selectors.ledger(user_id=user.pk)


@router.get("/mall/items", response=list[MallItemOut], auth=optional)
def mall_items(request: HttpRequest) -> list[dict[str, Any]]:
    items = list(selectors.mall_items())
    counts = selectors.member_counts(user=viewer(request), item_ids=[i.pk for i in items])
    return [{"id": i.pk, "title": i.title, "description": i.description, "kind": i.kind,
             "cost_points": i.cost_points, "left": i.left, "per_member_limit": i.per_member_limit,
             "redeemed_by_me": counts.get(i.pk, 0)} for i in items]


def _redemption_out(r: MallRedemption, balance: int) -> dict[str, Any]:
    return {"id": r.pk, "item_id": r.item_id, "title": r.item.title, "points": r.points, "status": r.status,
            "ship_address": r.ship_address, "carrier": r.carrier, "tracking_no": r.tracking_no,
            "created_at": r.created_at, "balance": balance}


@router.post("/mall/items/{item_id}/redeem", response={201: RedemptionOut})
def mall_redeem(request: HttpRequest, item_id: int, data: RedeemIn) -> Status:
    user = current_user(request)
    r = services.mall_redeem(user=user, item_id=item_id, request_key=data.request_key, address_id=data.address_id)
    return Status(201, _redemption_out(r, selectors.points_balance(user_id=user.pk)))
