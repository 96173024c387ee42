"""Points reads. The balance is the sum of the member's lots still in force (not past `expires_at`): a lot past its
date reads as expired before the job writes its `expire` row (time-outs hold even if no worker runs)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet, Sum
from django.utils import timezone

from quanzi.loyalty.points.conf import conf
from quanzi.loyalty.points.models import MallItem, MallMemberCount, MallRedemption, PointsEntry, PointsLot


def live_lots(*, user_id: int, now: dt.datetime | None = None) -> QuerySet[PointsLot]:
    """The member's lots with points left and not past their date, the one expiring first first."""
    now = now or timezone.now()
    return PointsLot.objects.filter(user_id=user_id, remaining__gt=0, expires_at__gte=now).order_by("expires_at", "id")


def points_balance(*, user_id: int | None) -> int:
    """The points the member holds now."""
    if user_id is None:
        return 0
    return int(live_lots(user_id=user_id).aggregate(s=Sum("remaining"))["s"] or 0)


def ledger_sum(*, user_id: int) -> int:
    """The sum of the member's ledger entries (= the sum of all their lots' `remaining`, expired or not)."""
    return int(PointsEntry.objects.filter(user_id=user_id).aggregate(s=Sum("points"))["s"] or 0)


def lots_remaining_sum(*, user_id: int) -> int:
    return int(PointsLot.objects.filter(user_id=user_id).aggregate(s=Sum("remaining"))["s"] or 0)


@dataclass(frozen=True)
class Expiring:
    points: int
    expires_at: dt.datetime


def expiring_soon(*, user_id: int, days: int | None = None) -> list[Expiring]:
    """Points that expire within `days` (default `EXPIRING_SOON_DAYS`), grouped by their expiry moment."""
    now = timezone.now()
    days = conf("EXPIRING_SOON_DAYS") if days is None else days
    rows = (live_lots(user_id=user_id, now=now).filter(expires_at__lte=now + dt.timedelta(days=days))
            .values("expires_at").annotate(s=Sum("remaining")).order_by("expires_at"))
    return [Expiring(points=int(r["s"]), expires_at=r["expires_at"]) for r in rows]


def ledger(*, user_id: int) -> QuerySet[PointsEntry]:
    return PointsEntry.objects.filter(user_id=user_id).order_by("-id")


def entry_by_key(*, key: str) -> PointsEntry | None:
    return PointsEntry.objects.filter(key=key).first()


def order_earned(*, order_id: int) -> int:
    """Points an order earned (0 before its `completed` moment)."""
    entry = PointsEntry.objects.filter(key=f"earn:order:{order_id}").first()
    return entry.points if entry is not None else 0


# --- the mall ------------------------------------------------------------------------------------------------------


def mall_items(*, active_only: bool = True) -> QuerySet[MallItem]:
    qs = MallItem.objects.all()
    if active_only:
        qs = qs.filter(is_active=True)
    return qs.select_related("coupon_template").order_by("sort_order", "id")


def mall_item_get(*, item_id: int) -> MallItem | None:
    return MallItem.objects.select_related("coupon_template").filter(pk=item_id, is_active=True).first()


def member_counts(*, user: Any, item_ids: list[int]) -> dict[int, int]:
    """How many times the member redeemed each item."""
    if user is None or not getattr(user, "is_authenticated", False):
        return {}
    return dict(MallMemberCount.objects.filter(user=user, item_id__in=item_ids).values_list("item_id", "count"))


def redemptions(*, user_id: int) -> QuerySet[MallRedemption]:
    return MallRedemption.objects.filter(user_id=user_id).select_related("item").order_by("-id")


def redemption_by_request(*, user_id: int, request_key: str) -> MallRedemption | None:
    return MallRedemption.objects.select_related("item").filter(user_id=user_id, request_key=request_key).first()
