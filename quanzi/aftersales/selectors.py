"""After-sales and review reads: what is still refundable on an order, a buyer's and a merchant's requests (someone
else's is a 404), product reviews and the rating summary (no float: the average is a Decimal to one place)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from quanzi.aftersales import errors, rules
from quanzi.aftersales.enums import AfterSaleStatus, ReviewStatus
from quanzi.aftersales.errors import ErrorCode
from quanzi.aftersales.models import AfterSaleLine, AfterSaleRequest, Review, ReviewPhoto
from quanzi.core.errors import InvalidInput
from quanzi.orders import rules as order_rules
from quanzi.orders import selectors as order_selectors
from quanzi.orders.enums import OrderStatus

if TYPE_CHECKING:
    from quanzi.catalog.models import Merchant

# --- refundable amounts ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LineRefundable:
    line: Any  # orders.OrderLine
    units_left: int  # units not yet in an open or refunded request
    used_units: int
    used_fen: int
    total_fen: int  # what this line can give back in all (goods; plus its shipping share before shipment)
    has_open_request: bool

    def cap_for(self, quantity: int) -> int:
        """The most that `quantity` more units of this line can refund. Counted cumulatively and floored, so the
        caps of all units add up exactly to `total_fen`."""
        if quantity <= 0 or quantity > self.units_left:
            return 0
        units = self.used_units + quantity
        upto = self.total_fen if units >= self.line.quantity else self.total_fen * units // self.line.quantity
        return max(0, upto - self.used_fen)

    @property
    def fen_left(self) -> int:
        return self.cap_for(self.units_left)


def line_total_fen(order: Any, line: Any) -> int:
    """Before shipment the line's shipping share goes back too; after shipment only the goods."""
    return int(line.payable_fen if order.shipped_at is None else line.goods_payable_fen)


def order_refundable(*, order: Any) -> list[LineRefundable]:
    lines = list(order.lines.all())
    used: dict[int, dict[str, Any]] = {
        row["order_line_id"]: dict(row) for row in AfterSaleLine.objects.filter(
            order_line__in=lines, request__status__in=rules.HOLDING_STATUSES)
        .values("order_line_id").annotate(units=Sum("quantity"), fen=Sum("amount_fen"),
                                          open=Count("id", filter=Q(is_open=True)))
    }
    out = []
    for ln in lines:
        row = used.get(ln.pk) or {}
        used_units = int(row.get("units") or 0)
        out.append(LineRefundable(line=ln, units_left=max(0, ln.quantity - used_units), used_units=used_units,
                                  used_fen=int(row.get("fen") or 0), total_fen=line_total_fen(order, ln),
                                  has_open_request=bool(row.get("open"))))
    return out


def delivered_at(order: Any, now: dt.datetime | None = None) -> dt.datetime | None:
    """When the order was delivered, as the orders app records it: the buyer's confirmation, or the automatic
    one `ORDER_AUTO_CONFIRM_DAYS` after shipment (true even before a job made it real)."""
    now = now or timezone.now()
    if order.delivered_at is not None:
        return order.delivered_at  # type: ignore[no-any-return]
    if order.shipped_at is not None:
        due = order.shipped_at + dt.timedelta(days=order_rules.auto_confirm_days())
        if due <= now:
            return due  # type: ignore[no-any-return]
    return None


def return_window_ends(order: Any) -> dt.datetime | None:
    d = delivered_at(order)
    return d + dt.timedelta(days=rules.return_days()) if d is not None else None


# --- requests ----------------------------------------------------------------------------------------------------


def _with_details(qs: QuerySet[AfterSaleRequest]) -> QuerySet[AfterSaleRequest]:
    return qs.select_related("order", "merchant", "buyer").prefetch_related(
        Prefetch("lines", queryset=AfterSaleLine.objects.select_related("order_line")), "photos", "status_changes")


def _check_status(status: str | None) -> None:
    if status and status not in AfterSaleStatus.values:
        raise InvalidInput(ErrorCode.INVALID_STATUS, _("售后状态取值无效"))


def request_list_for_buyer(*, user: Any, status: str | None = None,
                           order_id: int | None = None) -> QuerySet[AfterSaleRequest]:
    _check_status(status)
    qs = AfterSaleRequest.objects.filter(buyer_id=getattr(user, "pk", None))
    if status:
        qs = qs.filter(status=status)
    if order_id:
        qs = qs.filter(order_id=order_id)
    return _with_details(qs).order_by("-id")


def request_get_for_buyer(*, user: Any, request_id: int) -> AfterSaleRequest:
    """Someone else's request is a 404, the same as a missing one."""
    req = _with_details(AfterSaleRequest.objects.filter(pk=request_id, buyer_id=getattr(user, "pk", None))).first()
    if req is None:
        raise errors.request_not_found()
    return req


def request_list_for_merchant(*, merchant: Merchant, status: str | None = None,
                              open_only: bool = False) -> QuerySet[AfterSaleRequest]:
    _check_status(status)
    qs = AfterSaleRequest.objects.filter(merchant=merchant)
    if status:
        qs = qs.filter(status=status)
    elif open_only:
        qs = qs.filter(status__in=rules.OPEN_STATUSES)
    return _with_details(qs).order_by("-id")


def request_get_for_merchant(*, merchant: Merchant, request_id: int) -> AfterSaleRequest:
    """Another merchant's request is a 404."""
    req = _with_details(AfterSaleRequest.objects.filter(pk=request_id, merchant=merchant)).first()
    if req is None:
        raise errors.request_not_found()
    return req


def requests_refunding() -> QuerySet[AfterSaleRequest]:
    return AfterSaleRequest.objects.filter(status=AfterSaleStatus.REFUNDING).order_by("pk")


def requests_return_overdue(*, now: dt.datetime | None = None) -> QuerySet[AfterSaleRequest]:
    return AfterSaleRequest.objects.filter(status=AfterSaleStatus.AWAITING_RETURN_SHIPMENT,
                                           return_deadline__lte=now or timezone.now()).order_by("pk")


# --- reviews -----------------------------------------------------------------------------------------------------

REVIEWABLE_ORDER_STATUSES = frozenset({OrderStatus.SHIPPED, OrderStatus.DELIVERED, OrderStatus.COMPLETED,
                                       OrderStatus.REFUNDING, OrderStatus.PARTIALLY_REFUNDED})


def order_reviewable(order: Any) -> bool:
    """Reviews open once the goods are delivered: confirmed by the buyer, auto-confirmed, or completed."""
    return order.status in REVIEWABLE_ORDER_STATUSES and delivered_at(order) is not None


def reviewable_lines(*, user: Any, order: Any) -> list[Any]:
    """The order's lines the buyer may still review (none when the order is not delivered yet)."""
    if order.buyer_id != getattr(user, "pk", None) or not order_reviewable(order):
        return []
    done = set(Review.objects.filter(order_line__order=order).values_list("order_line_id", flat=True))
    return [ln for ln in order.lines.all() if ln.pk not in done]


def orders_to_review_count(*, user: Any) -> int:
    """The buyer's delivered orders with a line not reviewed yet (待评价 on 我)."""
    lines = list(order_selectors.delivered_lines(user=user, statuses=REVIEWABLE_ORDER_STATUSES))
    done = set(Review.objects.filter(order_line_id__in=[pk for _o, pk in lines])
               .values_list("order_line_id", flat=True))
    return len({order_id for order_id, pk in lines if pk not in done})


def open_request_count(*, user: Any) -> int:
    """The buyer's after-sales requests still under way (售后 on 我)."""
    return AfterSaleRequest.objects.filter(buyer_id=getattr(user, "pk", None),
                                           status__in=rules.OPEN_STATUSES).count()


def review_list_for_product(*, product_id: int, include_folded: bool = True) -> QuerySet[Review]:
    """Visible reviews first (newest first), then folded ones, which stay listed as folded."""
    qs = Review.objects.filter(product_id=product_id)
    if not include_folded:
        qs = qs.filter(status=ReviewStatus.VISIBLE)
    return qs.select_related("buyer").prefetch_related("photos").order_by("-status", "-id")


def review_photos_for_product(*, product_id: int) -> QuerySet[ReviewPhoto]:
    """Buyers' photos of the product (买家秀), newest first, from visible reviews only (a folded review's photos are
    folded with it)."""
    return ReviewPhoto.objects.filter(review__product_id=product_id, review__status=ReviewStatus.VISIBLE)\
        .order_by("-id")


def review_list_for_buyer(*, user: Any) -> QuerySet[Review]:
    return Review.objects.filter(buyer_id=getattr(user, "pk", None)).select_related("product")\
        .prefetch_related("photos").order_by("-id")


def review_get(*, review_id: int) -> Review:
    review = Review.objects.select_related("buyer", "product").prefetch_related("photos").filter(pk=review_id).first()
    if review is None:
        raise errors.review_not_found()
    return review


@dataclass(frozen=True)
class RatingSummary:
    count: int  # visible reviews
    folded_count: int
    average: Decimal | None  # one decimal place, half up; None without reviews
    distribution: dict[int, int]  # rating -> visible count

    @property
    def average_tenths(self) -> int | None:
        return None if self.average is None else int(self.average * 10)

    @property
    def good_percent(self) -> int | None:
        """好评率: the share of visible reviews rated 4 or 5, in whole percent (rounded down: 99.6 % shows as 99,
        never a flattering 100); None without reviews."""
        if not self.count:
            return None
        return (self.distribution.get(5, 0) + self.distribution.get(4, 0)) * 100 // self.count


def product_rating_summary(*, product_id: int) -> RatingSummary:
    rows = dict(Review.objects.filter(product_id=product_id, status=ReviewStatus.VISIBLE)
                .values("rating").annotate(n=Count("id")).values_list("rating", "n"))
    folded = Review.objects.filter(product_id=product_id, status=ReviewStatus.FOLDED).count()
    count = sum(rows.values())
    total = sum(rating * n for rating, n in rows.items())
    average = (Decimal(total) / Decimal(count)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP) if count else None
    return RatingSummary(count=count, folded_count=folded, average=average,
                         distribution={r: int(rows.get(r, 0)) for r in range(5, 0, -1)})
