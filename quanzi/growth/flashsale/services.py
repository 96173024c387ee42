"""Flash-sale writes: sessions and their items (operators for the platform, merchants for their own SKUs), the
session moves (schedule → pause ⇄ resume → end, each audited through core.statemachine), and the buy.

Scheduling moves each item's allotment out of the SKU's stock (catalog `stock_allot`), ending moves what is left
back (`stock_unallot`); see models.py for the whole life of a unit. The checkout side (the reservation in the
database, the flash price, the payment window, the order moments) is in plugin.py."""

from __future__ import annotations

import datetime as dt
from contextvars import ContextVar
from functools import partial
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quanzi.accounts.enums import NotificationKind
from quanzi.accounts.services import notification_create
from quanzi.catalog import selectors as catalog_selectors
from quanzi.catalog.services import merchant_of, stock_allot, stock_unallot
from quanzi.core.errors import DomainError, NotAuthenticated
from quanzi.core.events import track
from quanzi.core.messages import Text, message_columns, msg
from quanzi.core.statemachine import StateMachine
from quanzi.growth.flashsale import counters, errors, jobs
from quanzi.growth.flashsale.conf import conf
from quanzi.growth.flashsale.enums import SessionStatus, TicketStatus
from quanzi.growth.flashsale.errors import ErrorCode
from quanzi.growth.flashsale.locks import lock_session
from quanzi.growth.flashsale.models import FlashItem, FlashSession, FlashSessionStatusChange, FlashTicket
from quanzi.growth.flashsale.rules import CAMPAIGN_KIND, SESSION_TRANSITIONS
from quanzi.orders import rules as order_rules
from quanzi.orders import selectors as order_selectors
from quanzi.orders.services import order_place

MAX_ALLOTMENT = 100_000
MAX_SESSION_DAYS = 7

# the gate's pass for the checkout running in this request (services.flash_buy -> plugin.reserve_before_stock);
# a context variable, so no client can claim one through the API's options
CURRENT_PASS: ContextVar[counters.Pass | None] = ContextVar("flashsale_pass", default=None)


def _authed(user: Any) -> None:
    if user is None or not getattr(user, "is_authenticated", False):
        raise NotAuthenticated(ErrorCode.NOT_AUTHENTICATED, _("请先登录"))


def _audit(session: FlashSession, from_status: str, to_status: str, actor: Any, note: Text) -> None:
    FlashSessionStatusChange.objects.create(session=session, from_status=from_status, to_status=to_status,
                                            actor=actor, **message_columns(note, model=FlashSessionStatusChange,
                                                                           text="note"))


SESSION_MACHINE: StateMachine[FlashSession] = StateMachine(
    model=FlashSession, transitions=SESSION_TRANSITIONS, audit=_audit,
    illegal=lambda c, t: errors.illegal_transition(str(SessionStatus(c).label), str(SessionStatus(t).label)))


def may_manage(user: Any, session: FlashSession) -> bool:
    """Operators manage every session; a merchant only its own."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff:
        return True
    merchant = session.merchant
    return merchant is not None and merchant.user_id == user.pk


def _check_manage(user: Any, session: FlashSession) -> None:
    _authed(user)
    if not may_manage(user, session):
        raise errors.not_owner()


def _session_for(user: Any, session_id: int, *, lock: bool = False) -> FlashSession:
    _authed(user)
    session = lock_session(session_id) if lock else FlashSession.objects.filter(pk=session_id).first()
    if session is None:
        raise errors.session_not_found()
    _check_manage(user, session)
    return session


def _check_window(starts_at: Any, ends_at: Any) -> None:
    if not isinstance(starts_at, dt.datetime) or not isinstance(ends_at, dt.datetime) \
            or timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        raise errors.invalid(ErrorCode.INVALID_TIME, _("请填写开始和结束时间"))
    if ends_at <= starts_at:
        raise errors.invalid(ErrorCode.INVALID_TIME, _("结束时间必须晚于开始时间"))
    if ends_at - starts_at > dt.timedelta(days=MAX_SESSION_DAYS):
        raise errors.invalid(ErrorCode.INVALID_TIME, _("一个场次最长 %(n)d 天") % {"n": MAX_SESSION_DAYS})
    if ends_at <= timezone.now():
        raise errors.invalid(ErrorCode.INVALID_TIME, _("结束时间已经过去"))


def _check_int(value: Any, low: int, high: int, code: ErrorCode, message: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise errors.invalid(code, message)
    return value


def check_session_fields(*, title: str, starts_at: Any, ends_at: Any, pay_minutes: int | None) -> tuple[str, int]:
    """The title and payment window a session may have (also the admin form's check); raises the code."""
    title = (title or "").strip()
    if not 1 <= len(title) <= 60:
        raise errors.invalid(ErrorCode.INVALID_TITLE, _("场次标题需 1–60 个字符"))
    _check_window(starts_at, ends_at)
    minutes = conf("PAY_MINUTES") if pay_minutes is None else pay_minutes
    _check_int(minutes, 1, order_rules.pay_minutes(), ErrorCode.INVALID_PAY_MINUTES,
               _("支付时限需在 1–%(n)d 分钟之间") % {"n": order_rules.pay_minutes()})
    return title, minutes


def check_item_fields(*, sku: Any, flash_price_fen: Any, allotment: Any, per_member_limit: Any,
                      sort: Any = 0) -> None:
    """What an item may be: an active SKU, a flash price above 0 and below its price, an allotment and a limit in
    range (also the admin form's check); raises the code."""
    if sku is None or not sku.is_active:
        raise errors.invalid(ErrorCode.SKU_NOT_FOUND, _("SKU 不存在或已停用"))
    _check_int(flash_price_fen, 1, max(1, sku.price_fen - 1), ErrorCode.INVALID_PRICE,
               _("秒杀价需大于 0 且低于原价 %(p)s") % {"p": f"¥{sku.price_fen / 100:.2f}"})
    _check_int(allotment, 1, MAX_ALLOTMENT, ErrorCode.INVALID_ALLOTMENT,
               _("秒杀名额需在 1–%(n)d 之间") % {"n": MAX_ALLOTMENT})
    _check_int(per_member_limit, 1, conf("MAX_PER_MEMBER"), ErrorCode.INVALID_LIMIT,
               _("每人限购需在 1–%(n)d 件之间") % {"n": conf("MAX_PER_MEMBER")})
    _check_int(sort, 0, 1000, ErrorCode.INVALID_LIMIT, _("排序需在 0–1000 之间"))


@transaction.atomic
def session_create(*, user: Any, title: str, starts_at: dt.datetime, ends_at: dt.datetime,
                   pay_minutes: int | None = None, merchant_id: int | None = None) -> FlashSession:
    """A new session, a draft until scheduled. Operators make platform sessions (or one for `merchant_id`); a
    merchant makes its own."""
    _authed(user)
    title, minutes = check_session_fields(title=title, starts_at=starts_at, ends_at=ends_at, pay_minutes=pay_minutes)
    if user.is_staff:
        merchant = None
        if merchant_id is not None:
            merchant = catalog_selectors.merchants_by_id(merchant_ids=[merchant_id]).get(merchant_id)
            if merchant is None:
                raise errors.invalid(ErrorCode.NOT_SESSION_OWNER, _("商家不存在"))
    else:
        merchant = merchant_of(user)
        if merchant_id is not None and merchant_id != merchant.pk:
            raise errors.not_owner()
    session = FlashSession.objects.create(title=title, merchant=merchant, starts_at=starts_at, ends_at=ends_at,
                                          pay_minutes=minutes, created_by=user)
    _audit(session, "", SessionStatus.DRAFT, user, "")
    track("flashsale.session_create", user=user, obj=session, merchant_id=merchant.pk if merchant else None,
          starts_at=session.starts_at.isoformat())
    return session


@transaction.atomic
def item_add(*, user: Any, session_id: int, sku_id: int, flash_price_fen: int, allotment: int,
             per_member_limit: int = 1, sort: int = 0) -> FlashItem:
    """Put a SKU in a draft session with its flash price (below its price), allotment and per-member limit."""
    session = _session_for(user, session_id, lock=True)
    if session.status != SessionStatus.DRAFT:
        raise errors.not_editable()
    sku = catalog_selectors.skus_by_id(sku_ids=[sku_id]).get(sku_id) if isinstance(sku_id, int) else None
    check_item_fields(sku=sku, flash_price_fen=flash_price_fen, allotment=allotment,
                      per_member_limit=per_member_limit, sort=sort)
    assert sku is not None
    if session.merchant_id is not None and sku.product.merchant_id != session.merchant_id:
        raise errors.not_owner()
    if FlashItem.objects.filter(session=session, sku=sku).exists():
        raise errors.invalid(ErrorCode.SKU_ALREADY_IN_SESSION, _("这个 SKU 已在本场次中"))
    item = FlashItem.objects.create(session=session, sku=sku, flash_price_fen=flash_price_fen, allotment=allotment,
                                    per_member_limit=per_member_limit, sort=sort)
    track("flashsale.item_add", user=user, obj=item, session_id=session.pk, sku_id=sku.pk,
          flash_price_fen=flash_price_fen, allotment=allotment)
    return item


@transaction.atomic
def item_remove(*, user: Any, item_id: int) -> None:
    item = FlashItem.objects.filter(pk=item_id).first()
    if item is None:
        raise errors.item_not_found()
    session = _session_for(user, item.session_id, lock=True)
    if session.status != SessionStatus.DRAFT:
        raise errors.not_editable()
    FlashItem.objects.filter(pk=item.pk).delete()


def _sync_after_commit(session: FlashSession) -> None:
    ids = list(FlashItem.objects.filter(session=session).values_list("pk", flat=True))
    transaction.on_commit(lambda: [counters.sync_item(item_id=i) for i in ids])


@transaction.atomic
def session_schedule(*, user: Any, session_id: int) -> FlashSession:
    """Publish a draft: each item's allotment leaves its SKU's stock now (all or nothing: a SKU without enough
    stock refuses the whole schedule with `not_enough_stock`), and the session goes live at its start time."""
    session = _session_for(user, session_id, lock=True)
    if session.status != SessionStatus.DRAFT:
        raise errors.illegal_transition(str(SessionStatus(session.status).label), str(SessionStatus.SCHEDULED.label))
    if session.ends_at <= timezone.now():
        raise errors.invalid(ErrorCode.INVALID_TIME, _("结束时间已经过去"))
    items = list(FlashItem.objects.select_related("sku__product").filter(session=session).order_by("sku_id", "pk"))
    if not items:
        raise errors.invalid(ErrorCode.SESSION_WITHOUT_ITEMS, _("请先添加秒杀商品"))
    now = timezone.now()
    for item in items:  # SKU rows in id order, as a checkout takes them
        if not stock_allot(sku_id=item.sku_id, quantity=item.allotment, actor=user):
            stock = catalog_selectors.skus_by_id(sku_ids=[item.sku_id])[item.sku_id].stock
            raise errors.not_enough_stock(item.sku.product.title, stock)
        FlashItem.objects.filter(pk=item.pk).update(allotted_at=now)
    session = SESSION_MACHINE.move(session, SessionStatus.SCHEDULED, actor=user)
    _sync_after_commit(session)
    track("flashsale.session_schedule", user=user, obj=session, items=len(items),
          units=sum(i.allotment for i in items))
    return session


@transaction.atomic
def session_pause(*, user: Any, session_id: int, reason: str = "") -> FlashSession:
    """Stop selling at once (the allotment stays set aside); `session_resume` goes on where it stopped."""
    session = _session_for(user, session_id, lock=True)
    session = SESSION_MACHINE.move(session, SessionStatus.PAUSED, actor=user, note=(reason or "").strip()[:200])
    _sync_after_commit(session)
    track("flashsale.session_pause", user=user, obj=session)
    return session


@transaction.atomic
def session_resume(*, user: Any, session_id: int) -> FlashSession:
    session = _session_for(user, session_id, lock=True)
    if session.status == SessionStatus.PAUSED and session.ends_at <= timezone.now():
        raise errors.ended()
    session = SESSION_MACHINE.move(session, SessionStatus.SCHEDULED, actor=user)
    _sync_after_commit(session)
    track("flashsale.session_resume", user=user, obj=session)
    return session


def _return_leftovers(session: FlashSession, actor: Any) -> int:
    """Close every item of the session and give what is left of its allotment back to the SKU's stock, once
    (the conditional update on `returned_at`; a cancellation after this leaves its unit in normal stock)."""
    returned = 0
    now = timezone.now()
    for item_id in FlashItem.objects.filter(session=session).order_by("sku_id", "pk").values_list("pk", flat=True):
        if FlashItem.objects.filter(pk=item_id, returned_at__isnull=True).update(returned_at=now) != 1:
            continue
        item = FlashItem.objects.get(pk=item_id)  # its row is ours until the commit: `reserved` cannot move now
        left = item.allotment - item.reserved if item.allotted_at is not None else 0
        if left > 0:
            stock_unallot(sku_id=item.sku_id, quantity=left, actor=actor)
            returned += left
    return returned


def _end(session: FlashSession, *, actor: Any, note: Text) -> FlashSession:
    session = SESSION_MACHINE.move(session, SessionStatus.ENDED, actor=actor, note=note, ended_at=timezone.now())
    units = _return_leftovers(session, actor)
    _sync_after_commit(session)
    track("flashsale.session_end", user=actor, obj=session, units_returned=units)
    return session


@transaction.atomic
def session_end(*, user: Any, session_id: int, reason: str = "") -> FlashSession:
    """End a session now (a draft is simply dropped): selling stops and the units left go back to stock. Orders
    placed before keep their units and their payment window."""
    session = _session_for(user, session_id, lock=True)
    return _end(session, actor=user, note=(reason or "").strip()[:200])


@transaction.atomic
def session_end_due(*, session_id: int) -> FlashSession | None:
    """End a session whose end time has passed (the job; it already reads as ended). Idempotent."""
    session = lock_session(session_id)
    if session is None or session.status not in (SessionStatus.SCHEDULED, SessionStatus.PAUSED) \
            or session.ends_at > timezone.now():
        return session
    return _end(session, actor=None, note=msg("flashsale.ended_on_time"))


# --- the buy ---------------------------------------------------------------------------------------------------


def _check_buy(user: Any, item_id: Any, idempotency_key: str, quantity: Any) -> str:
    _authed(user)
    _check_int(quantity, 1, conf("MAX_PER_MEMBER"), ErrorCode.INVALID_QUANTITY, _("购买数量无效"))
    key = (idempotency_key or "").strip()
    if not 8 <= len(key) <= 64:
        raise errors.invalid(ErrorCode.IDEMPOTENCY_KEY_MISSING, _("缺少幂等键"))
    if not isinstance(item_id, int) or isinstance(item_id, bool):
        raise errors.item_not_found()
    return key


def _gate(*, user: Any, item_id: int, key: str, quantity: int, ip: str | None) -> counters.Pass | Any:
    """The gate's pass, or — for a retry of a buy that already went through (the member's limit now refuses it) —
    that buy's ticket or checkout, its first answer. Raises the gate's refusal otherwise."""
    try:
        return counters.take(item_id=item_id, user_id=user.pk, quantity=quantity, ip=ip)
    except DomainError as exc:
        if getattr(exc, "sweep_due", False):  # unpaid orders past their window may be holding units
            counters.sweep_expired(item_id=item_id)
        if exc.code == ErrorCode.FLASHSALE_LIMIT_REACHED:
            earlier = FlashTicket.objects.filter(user=user, idempotency_key=key).first() \
                or order_selectors.checkout_by_key(user=user, idempotency_key=key)
            if earlier is not None:
                return earlier
        raise


def _place(*, user: Any, gate_pass: counters.Pass, address_id: int | None, key: str, replay_gives_back: bool) -> Any:
    """A normal order (`orders.services.order_place`) with `campaign_id`/`campaign_kind`, whose checkout takes the
    units from the allotment by conditional updates (plugin.py). On a refusal the gate's units go back (or, when
    the database refused what Redis allowed, Redis is reloaded from the database)."""
    token = CURRENT_PASS.set(gate_pass)
    try:
        checkout = order_place(user=user, address_id=address_id, idempotency_key=key,
                               items=[(gate_pass.sku_id, gate_pass.quantity)],
                               options={"campaign_id": gate_pass.item_id, "campaign_kind": CAMPAIGN_KIND})
    except DomainError as exc:
        if exc.code in (ErrorCode.FLASHSALE_SOLD_OUT, ErrorCode.FLASHSALE_LIMIT_REACHED):
            counters.sync_item(item_id=gate_pass.item_id)  # Redis let through what the database refused: they drifted
        else:
            counters.give_back(gate_pass)
        raise
    except BaseException:
        counters.give_back(gate_pass)
        raise
    finally:
        CURRENT_PASS.reset(token)
    if not gate_pass.used and replay_gives_back:  # a replay of an earlier key: nothing was taken this time
        counters.give_back(gate_pass)
    return checkout


def flash_buy(*, user: Any, item_id: int, address_id: int | None, idempotency_key: str, quantity: int = 1,
              ip: str | None = None) -> Any:
    """Try to buy `quantity` of a flash-sale item now: the gate (rate limits, phase, per-member limit, allotment:
    one Redis script, or a database read without Redis) answers most shoppers at once; one it lets through places
    a normal order (`orders.services.order_place`) with `campaign_id`/`campaign_kind`, whose checkout takes the
    units from the allotment by conditional updates (plugin.py) and pays within the session's short window.

    Refuses with flashsale_not_started / flashsale_ended / flashsale_paused / flashsale_sold_out /
    flashsale_limit_reached / too_many_requests, or what order_place refuses; nothing changes then. A replay of
    the same idempotency key returns the first checkout. (The buy endpoints call `flash_buy_start`, which queues
    the winners when Redis gates the sale.)"""
    key = _check_buy(user, item_id, idempotency_key, quantity)
    gate_pass = _gate(user=user, item_id=item_id, key=key, quantity=quantity, ip=ip)
    if isinstance(gate_pass, FlashTicket):  # queued by the buy endpoint earlier: its order, once placed
        if gate_pass.checkout is None:
            raise errors.limit_reached(gate_pass.item.per_member_limit)
        return gate_pass.checkout
    if not isinstance(gate_pass, counters.Pass):
        return gate_pass  # the checkout of an earlier buy with this key
    return _place(user=user, gate_pass=gate_pass, address_id=address_id, key=key, replay_gives_back=True)


def flash_buy_start(*, user: Any, item_id: int, address_id: int | None, idempotency_key: str, quantity: int = 1,
                    ip: str | None = None) -> Any:
    """The buy endpoints' entry: a `FlashTicket` (queued) when Redis let the shopper through and the queue is on
    (QUANZI_FLASHSALE["QUEUE"], on by default), else the checkout, placed now (`flash_buy`).

    Why a queue: a flash sale is 2,000 shoppers for 100 units within a second. Refusing the 1,900 is one Redis
    script; placing the 100 orders is ~40 queries each, one after another on the sale's hot rows. Made inside the
    request, those placements held a server thread each and slowed every answer of the rush (bench/flashsale.py).
    Queued, the winner gets "排队中" at once, a worker places the order (`ticket_place`, normally within a
    second), and the page follows the ticket to the order. The unit is already the winner's: Redis took it."""
    key = _check_buy(user, item_id, idempotency_key, quantity)
    gate_pass = _gate(user=user, item_id=item_id, key=key, quantity=quantity, ip=ip)
    if not isinstance(gate_pass, counters.Pass):
        return gate_pass  # a retry: the ticket or checkout of the first buy with this key
    if not (gate_pass.from_redis and conf("QUEUE")):
        return _place(user=user, gate_pass=gate_pass, address_id=address_id, key=key, replay_gives_back=True)
    try:
        with transaction.atomic():
            ticket = FlashTicket.objects.create(user=user, item_id=item_id, sku_id=gate_pass.sku_id,
                                                quantity=quantity, address_id=address_id, idempotency_key=key)
    except IntegrityError:  # the same key at the same moment, twice: one ticket, the other's units go back
        counters.give_back(gate_pass)
        return FlashTicket.objects.get(user=user, idempotency_key=key)
    except BaseException:
        counters.give_back(gate_pass)
        raise
    transaction.on_commit(partial(jobs.flashsale_ticket_place, ticket.pk))
    return ticket


def _finish(ticket_id: int, **fields: Any) -> bool:
    return FlashTicket.objects.filter(pk=ticket_id, status=TicketStatus.PLACING).update(
        done_at=timezone.now(), **fields) == 1


def ticket_place(*, ticket_id: int) -> Any:
    """Place the order of a queued ticket (the worker; also a retry of a ticket whose worker was lost). The ticket
    is claimed by a conditional update (queued → placing), so two workers never place it twice; the order's
    idempotency key is the buy's, so a ticket placed before a crash finds its checkout again instead of a second
    one. Returns the checkout, or None when the ticket failed (its code and message say why; the units went back)
    or was not queued."""
    if FlashTicket.objects.filter(pk=ticket_id, status=TicketStatus.QUEUED).update(
            status=TicketStatus.PLACING, claimed_at=timezone.now()) != 1:
        return None
    ticket = FlashTicket.objects.select_related("user").get(pk=ticket_id)
    gate_pass = counters.Pass(item_id=ticket.item_id, sku_id=ticket.sku_id, user_id=ticket.user_id,
                              quantity=ticket.quantity, from_redis=True)
    try:
        checkout = _place(user=ticket.user, gate_pass=gate_pass, address_id=ticket.address_id,
                          key=ticket.idempotency_key, replay_gives_back=False)
    except DomainError as exc:
        _finish(ticket_id, status=TicketStatus.FAILED, error_code=str(exc.code)[:64],
                error_message=str(exc.message)[:300])
        track("flashsale.ticket_failed", user=ticket.user, obj=ticket, item_id=ticket.item_id, code=str(exc.code))
        return None
    _finish(ticket_id, status=TicketStatus.PLACED, checkout=checkout)
    order = checkout.orders.order_by("id").first()
    if order is not None:
        minutes = FlashItem.objects.filter(pk=ticket.item_id).values_list("session__pay_minutes", flat=True).first()
        notification_create(recipient=ticket.user_id, kind=NotificationKind.ORDER,
                            message=msg("notify.flashsale_placed", n=order.number, m=str(minutes or 5)),
                            url=f"/orders/{order.pk}/")
    return checkout


def tickets_requeue_stale(*, queued_seconds: int = 30, placing_seconds: int = 300) -> int:
    """Queue again the tickets whose job was lost (still queued after `queued_seconds`) or whose worker died
    (placing for more than `placing_seconds`; the order's idempotency key keeps a second try from placing twice).
    The minute job runs it."""
    now = timezone.now()
    FlashTicket.objects.filter(status=TicketStatus.PLACING,
                               claimed_at__lt=now - dt.timedelta(seconds=placing_seconds)).update(
        status=TicketStatus.QUEUED)
    ids = list(FlashTicket.objects.filter(status=TicketStatus.QUEUED,
                                          created_at__lt=now - dt.timedelta(seconds=queued_seconds))
               .order_by("pk").values_list("pk", flat=True)[:500])
    for ticket_id in ids:
        ticket_place(ticket_id=ticket_id)
    return len(ids)
