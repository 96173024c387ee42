"""Order moments (orders.hooks): written once in the transaction of the change that made them, dispatched to
every registered hook after commit, each hook exactly once (its run row commits with its own writes).

Also the shipping hold a plug-in puts on a paid order, and the split of a refund over adjustment sources."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from functools import partial
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quanzi.core.errors import InvalidInput
from quanzi.core.events import track
from quanzi.core.messages import Text, message_columns
from quanzi.orders import errors, hooks
from quanzi.orders.errors import ErrorCode
from quanzi.orders.locks import lock_order
from quanzi.orders.models import Order, OrderHold, OrderLine, OrderLineAdjustment, OrderMoment, OrderMomentRun

log = logging.getLogger(__name__)


def moment_record(*, order: Order, kind: str, ref: str = "", amount_fen: int = 0,
                  payload: Mapping[str, Any] | None = None) -> OrderMoment | None:
    """Write the moment (inside the caller's transaction) unless it happened before; dispatch after commit.
    Returns the new moment, or None when it already existed (a replay)."""
    try:
        with transaction.atomic():
            moment = OrderMoment.objects.create(order=order, kind=kind, ref=ref[:64], amount_fen=amount_fen,
                                                payload=dict(payload or {}))
    except IntegrityError:
        return None
    transaction.on_commit(partial(moment_dispatch, moment_id=moment.pk))
    return moment


def _event(moment: OrderMoment) -> hooks.OrderMomentEvent:
    order = moment.order
    payload = moment.payload or {}
    return hooks.OrderMomentEvent(
        moment=moment.kind, moment_id=moment.pk, order_id=order.pk, buyer_id=order.buyer_id,
        merchant_id=order.merchant_id, ref=moment.ref, amount_fen=moment.amount_fen, at=moment.created_at,
        lines={int(k): int(v) for k, v in (payload.get("lines") or {}).items()},
        sources={str(k): int(v) for k, v in (payload.get("sources") or {}).items()})


def moment_dispatch(*, moment_id: int) -> bool:
    """Run every hook registered for the moment that has not run for it yet, each in its own transaction with
    its run row. True when all have run (the moment is done). Safe to call any number of times, concurrently:
    a second caller's run row waits on the first's and then finds it there."""
    moment = OrderMoment.objects.select_related("order").filter(pk=moment_id).first()
    if moment is None or moment.done_at is not None:
        return moment is not None
    event = _event(moment)
    all_ran = True
    for name, hook in sorted(hooks.MOMENT_HOOKS.get(moment.kind, {}).items()):
        try:
            with transaction.atomic():
                try:
                    with transaction.atomic():
                        OrderMomentRun.objects.create(moment=moment, hook=name)
                except IntegrityError:
                    continue  # ran before (or is running now and has committed)
                hook(event)
        except Exception:  # one plug-in's failure must not hold up the others; the sweep retries it
            all_ran = False
            log.exception("order hook %s failed for moment %s (%s of order %s)", name, moment.pk, moment.kind,
                          moment.order_id)
    if all_ran:
        OrderMoment.objects.filter(pk=moment.pk, done_at__isnull=True).update(done_at=timezone.now())
    return all_ran


def moments_dispatch_due(*, older_than_seconds: int = 60, limit: int = 500, order_id: int | None = None) -> int:
    """Dispatch moments not done yet (a process died after commit, or a hook failed), of one order when
    `order_id` is given. Returns how many are done now."""
    cutoff = timezone.now() - dt.timedelta(seconds=older_than_seconds)
    due = OrderMoment.objects.filter(done_at__isnull=True, created_at__lte=cutoff)
    if order_id is not None:
        due = due.filter(order_id=order_id)
    ids = list(due.order_by("pk").values_list("pk", flat=True)[:limit])
    return sum(1 for pk in ids if moment_dispatch(moment_id=pk))


# --- refund split over adjustment sources ------------------------------------------------------------------------


def refund_source_split(*, before: Mapping[int, int], split: Mapping[int, int]) -> dict[str, int]:
    """The share of each adjustment source a refund returns. For each line: share = amount × refunded / payable,
    cumulative (this refund's share = share after it − share before it, each rounded down), so the shares of all
    a line's refunds add up to exactly the amount when the line is refunded in full. `before` is each line's
    refunded total before this refund, `split` this refund's amount per line."""
    lines = {ln.pk: ln for ln in OrderLine.objects.filter(pk__in=list(split))}
    out: dict[str, int] = {}
    for adj in OrderLineAdjustment.objects.filter(order_line_id__in=list(split)).order_by("pk"):
        line = lines[adj.order_line_id]
        payable = line.payable_fen
        if payable <= 0:
            continue
        prev = before.get(line.pk, 0)
        after = min(payable, prev + split[line.pk])
        share = adj.amount_fen * after // payable - adj.amount_fen * prev // payable
        if share:
            out[adj.source] = out.get(adj.source, 0) + share
    return out


# --- shipping hold -----------------------------------------------------------------------------------------------


def _check_source(source: str) -> str:
    source = (source or "").strip()
    if not 1 <= len(source) <= 64:
        raise InvalidInput(ErrorCode.INVALID_HOLD_SOURCE, _("缺少暂缓发货的来源"))
    return source


@transaction.atomic
def order_hold_add(*, order_id: int, source: str, reason: Text) -> OrderHold:
    """Hold an order from shipping (idempotent per order and source: the active hold is returned, its reason
    updated). The merchant cannot ship while any hold is active; buyer and merchant see the reason: pass one of
    the catalogue's messages (`core.messages.msg`) so each reads it in their own language."""
    source = _check_source(source)
    if isinstance(reason, str):
        reason = reason.strip()
    if not reason:
        raise InvalidInput(ErrorCode.INVALID_HOLD_REASON, _("请填写暂缓发货的原因"))
    columns = message_columns(reason, model=OrderHold, text="reason")
    order = lock_order(order_id)
    if order is None:
        raise errors.order_not_found()
    hold = OrderHold.objects.filter(order=order, source=source, released_at__isnull=True).first()
    if hold is not None:
        if any(getattr(hold, k) != v for k, v in columns.items()):
            OrderHold.objects.filter(pk=hold.pk).update(**columns)
            for k, v in columns.items():
                setattr(hold, k, v)
        return hold
    if order.shipped_at is not None:
        raise errors.already_shipped()
    hold = OrderHold.objects.create(order=order, source=source, **columns)
    track("order.hold", obj=order, source=source)
    return hold


@transaction.atomic
def order_hold_release(*, order_id: int, source: str) -> bool:
    """Release a plug-in's hold; True when one was active (a second release changes nothing)."""
    source = _check_source(source)
    released = OrderHold.objects.filter(order_id=order_id, source=source, released_at__isnull=True)\
        .update(released_at=timezone.now())
    if released:
        track("order.hold_release", obj=Order.objects.get(pk=order_id), source=source)
    return bool(released)
