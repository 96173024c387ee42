"""KOL marketplace writes (达人广场).

- **listing**: a member who may pick products in a community (owner, admin, KOL) lists themselves; their
  figures are computed through the apps below and cached on the listing (`profile_refresh`, a job keeps them
  fresh).
- **deals**: a merchant proposes (their products, a commission rate, a fixed fee, a period, deliverables, a
  message); the KOL accepts, counters (new terms: the merchant then accepts or declines the counter) or declines;
  the merchant may withdraw an open proposal; an unanswered one expires (a job). Each move is a conditional update
  on the locked deal row plus an audit row with the terms at that moment (`core.statemachine`). Answering a deal
  already answered, or past its reply deadline, is refused with its own code and changes nothing.
- **accepted**: the products go on the KOL's community shelf (`catalog.services.shelf_add`); the agreed rate is
  what the distribution ledger pays the KOL on those products over the period (the rate override registered in
  `apps.py`); orders credited to the KOL on them are recorded against the deal at their `paid` moment.
- **the ledger** (`DealEntry`, append-only, unique references): the fixed fee is owed once the deliverables are
  met (N posts linking a deal product, M live sessions with one pinned, within the period), with the platform's
  service fee on it; the service fee on the commission is booked when an order completes (its commission is then
  final), on the net commission of its credited lines."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from quanzi.accounts.enums import NotificationKind
from quanzi.accounts.services import notification_create
from quanzi.catalog import services as catalog_services
from quanzi.catalog.enums import MerchantStatus
from quanzi.catalog.merchant_selectors import merchant_product
from quanzi.core.errors import DomainError, NotAuthenticated
from quanzi.core.events import track
from quanzi.core.messages import msg
from quanzi.core.money import format_yuan
from quanzi.core.statemachine import StateMachine
from quanzi.kolmarket import errors, rules, selectors
from quanzi.kolmarket.enums import DealStatus, EntryKind
from quanzi.kolmarket.errors import ErrorCode
from quanzi.kolmarket.locks import lock_deal
from quanzi.kolmarket.models import Deal, DealCredit, DealEntry, DealProduct, DealStatusChange, KolProfile
from quanzi.orders.selectors import orders_by_id
from quanzi.referrals.distribution.kol_selectors import commission_by_line
from quanzi.referrals.distribution.services import line_facts


def conf() -> dict[str, Any]:
    return {"SERVICE_FEE_RATE": Decimal("0.05"), "REPLY_DAYS": 3, **getattr(settings, "QUANZI_KOLMARKET", {})}


def _authed(user: Any) -> None:
    if user is None or not getattr(user, "is_authenticated", False):
        raise NotAuthenticated(ErrorCode.NOT_AUTHENTICATED, _("请先登录"))


def _terms(deal: Deal) -> dict[str, Any]:
    return {"commission_rate": str(deal.commission_rate), "fixed_fee_fen": deal.fixed_fee_fen,
            "starts_on": deal.starts_on.isoformat(), "ends_on": deal.ends_on.isoformat(),
            "posts_required": deal.posts_required, "lives_required": deal.lives_required,
            "message": deal.message, "product_ids": selectors.deal_product_ids(deal)}


def _audit(row: Deal, from_status: str, to_status: str, actor: Any, note: Any) -> None:
    row.refresh_from_db()  # the move's own update (a counter's new terms) is what the row records
    DealStatusChange.objects.create(deal=row, from_status=from_status, to_status=to_status, actor=actor,
                                    note=str(note or "")[:300], terms=_terms(row))


DEAL_MACHINE: StateMachine[Deal] = StateMachine(
    model=Deal, transitions=rules.TRANSITIONS, audit=_audit,
    illegal=lambda c, t: errors.illegal_transition(str(DealStatus(c).label), str(DealStatus(t).label)))


def _notify(user_id: int, message: Any, deal: Deal, actor: Any = None) -> None:
    notification_create(recipient=user_id, kind=NotificationKind.COMMISSION, message=message,
                        url=f"/kol-market/deals/{deal.pk}/", actor=actor)


# --- the listing --------------------------------------------------------------------------------------------------


@transaction.atomic
def profile_join(*, user: Any, bio: str = "", shelf_community_id: int | None = None) -> KolProfile:
    """List oneself in the directory (again). Only a member who may pick products somewhere; the shelf community
    (where accepted deals put products) must be one of those, the most recently joined by default."""
    _authed(user)
    communities = selectors.pick_communities(user)
    if not communities:
        raise errors.not_kol()
    bio = (bio or "").strip()
    if len(bio) > 200:
        raise errors.invalid_terms(_("合作介绍最多 200 字"))
    by_id = {c.pk: c for c in communities}
    if shelf_community_id is not None and shelf_community_id not in by_id:
        raise errors.no_shelf_community()
    shelf = by_id[shelf_community_id] if shelf_community_id is not None else communities[0]
    profile, _created = KolProfile.objects.update_or_create(
        user=user, defaults={"bio": bio, "listed": True, "shelf_community": shelf})
    profile_refresh(user_id=user.pk)
    profile.refresh_from_db()
    track("kol.list", user=user, obj=profile, listed=True)
    return profile


@transaction.atomic
def profile_leave(*, user: Any) -> None:
    _authed(user)
    n = KolProfile.objects.filter(user=user, listed=True).update(listed=False)
    if n:
        track("kol.list", user=user, obj=selectors.profile_get(user_id=user.pk), listed=False)


def profile_refresh(*, user_id: int, now: dt.datetime | None = None) -> KolProfile | None:
    """Recompute a KOL's cached figures (selectors.kol_figures)."""
    profile = selectors.profile_get(user_id=user_id)
    if profile is None:
        return None
    fig = selectors.kol_figures(user=profile.user, now=now)
    KolProfile.objects.filter(pk=profile.pk).update(
        verticals="|" + "|".join(fig.verticals) + "|" if fig.verticals else "",
        community_ids="|" + "|".join(map(str, fig.community_ids)) + "|" if fig.community_ids else "",
        followers=fig.followers, posts_90d=fig.posts_90d, engagement_bp=fig.engagement_bp,
        favourite_bp=fig.favourite_bp, avg_interactions=fig.avg_interactions, orders_30d=fig.orders_30d,
        gmv_30d_fen=fig.gmv_30d_fen, audience=[[label, share] for label, share in fig.audience],
        audience_text="".join(f"|{label}" for label, _s in fig.audience) + ("|" if fig.audience else ""),
        stats_at=now or timezone.now())
    profile.refresh_from_db()
    return profile


def profiles_refresh_due(*, max_age_hours: int = 6) -> int:
    """The job: refresh the listings whose figures are older than `max_age_hours`, oldest first."""
    ids = selectors.profiles_stale(before=timezone.now() - dt.timedelta(hours=max_age_hours))
    for user_id in ids:
        profile_refresh(user_id=user_id)
    return len(ids)


# --- proposing and answering --------------------------------------------------------------------------------------


def _merchant(user: Any) -> Any:
    _authed(user)
    merchant = selectors.merchant_of(user)
    if merchant is None or merchant.status != MerchantStatus.APPROVED:
        raise errors.not_merchant()
    return merchant


def _rate(value: Any) -> Decimal:
    try:
        rate = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise errors.invalid_terms(_("佣金比例不是有效的数字")) from None
    if not rules.rate_ok(rate):
        raise errors.invalid_terms(_("佣金比例须大于 0、不超过 %(max)s") % {"max": rules.RATE_MAX_LABEL})
    return rate


def _check_terms(*, commission_rate: Any, fixed_fee_fen: Any, starts_on: Any, ends_on: Any, posts_required: Any,
                 lives_required: Any, message: Any, today: dt.date) -> dict[str, Any]:
    problem = rules.terms_problem(fixed_fee_fen=fixed_fee_fen, starts_on=starts_on, ends_on=ends_on,
                                  posts_required=posts_required, lives_required=lives_required,
                                  message=message, today=today)
    if problem:
        raise errors.invalid_terms(problem)
    return {"commission_rate": _rate(commission_rate), "fixed_fee_fen": fixed_fee_fen, "starts_on": starts_on,
            "ends_on": ends_on, "posts_required": posts_required, "lives_required": lives_required,
            "message": (message or "").strip()}


@transaction.atomic
def deal_propose(*, user: Any, kol_id: int, product_ids: list[int], commission_rate: Any, fixed_fee_fen: int,
                 starts_on: dt.date, ends_on: dt.date, posts_required: int = 0, lives_required: int = 0,
                 message: str = "") -> Deal:
    """A merchant proposes a cooperation to a listed KOL, about their own products on sale."""
    merchant = _merchant(user)
    profile = selectors.listed_profile(user_id=kol_id)
    if profile.user_id == user.pk:
        raise errors.invalid_terms(_("不能邀请自己合作"))
    ids = sorted({int(p) for p in product_ids or []})
    if not ids or len(ids) > rules.MAX_PRODUCTS:
        raise errors.invalid_terms(_("请选择 1 到 %(n)s 件商品") % {"n": rules.MAX_PRODUCTS})
    for pid in ids:
        try:
            product = merchant_product(merchant=merchant, product_id=pid)
        except DomainError:
            raise errors.product_not_owned() from None
        if not product.on_shelf:
            raise errors.product_not_owned()
    terms = _check_terms(commission_rate=commission_rate, fixed_fee_fen=fixed_fee_fen, starts_on=starts_on,
                         ends_on=ends_on, posts_required=posts_required, lives_required=lives_required,
                         message=message, today=timezone.localdate())
    deal = Deal.objects.create(merchant=merchant, kol_id=kol_id, shelf_community=profile.shelf_community,
                               expires_at=timezone.now() + dt.timedelta(days=int(conf()["REPLY_DAYS"])), **terms)
    DealProduct.objects.bulk_create([DealProduct(deal=deal, product_id=pid) for pid in ids])
    _audit(deal, "", DealStatus.PROPOSED, user, deal.message)
    _notify(kol_id, msg("notify.kol_deal_proposed", m=merchant.business_name, rate=deal.rate_pct,
                        fee=format_yuan(deal.fixed_fee_fen)), deal, actor=user)
    track("deal.propose", user=user, obj=deal, kol_id=kol_id, products=len(ids), fixed_fee_fen=deal.fixed_fee_fen)
    return deal


def _open_deal(deal_id: int, *, now: dt.datetime) -> Deal:
    """The deal, locked, still waiting for an answer and within its reply deadline; otherwise refused with what
    happened to it (nothing is written)."""
    if not Deal.objects.filter(pk=deal_id).exists():
        raise errors.deal_not_found()
    deal = lock_deal(deal_id)
    if deal.status == DealStatus.EXPIRED or (deal.status in selectors.OPEN and deal.expires_at <= now):
        raise errors.deal_expired()
    if deal.status not in selectors.OPEN:
        raise errors.deal_closed(str(DealStatus(deal.status).label))
    return deal


def _side(user: Any, deal: Deal) -> str:
    """"kol", "merchant", or refused: who this member is in the deal."""
    _authed(user)
    if deal.kol_id == user.pk:
        return "kol"
    merchant = selectors.merchant_of(user)
    if merchant is not None and merchant.pk == deal.merchant_id:
        return "merchant"
    raise errors.deal_not_found()


def _whose_turn(deal: Deal) -> str:
    return "kol" if deal.status == DealStatus.PROPOSED else "merchant"


def _shelve(deal: Deal) -> None:
    """Put the deal's products on the KOL's shelf community (as the KOL picked them)."""
    if deal.shelf_community_id is None:
        raise errors.no_shelf_community()
    kol = deal.kol
    for pid in selectors.deal_product_ids(deal):
        catalog_services.shelf_add(user=kol, community_id=deal.shelf_community_id, product_id=pid)


@transaction.atomic
def deal_accept(*, user: Any, deal_id: int, now: dt.datetime | None = None) -> Deal:
    """The KOL accepts a proposal, or the merchant accepts the KOL's counter. Twice, or past the deadline, is
    refused (`deal_closed`, `deal_expired`) and changes nothing."""
    now = now or timezone.now()
    deal = _open_deal(deal_id, now=now)
    side = _side(user, deal)
    if side != _whose_turn(deal):
        raise errors.not_your_turn()
    if deal.shelf_community_id is None:
        profile = selectors.profile_get(user_id=deal.kol_id)
        if profile is None or profile.shelf_community_id is None:
            raise errors.no_shelf_community()
        Deal.objects.filter(pk=deal.pk).update(shelf_community_id=profile.shelf_community_id)
        deal.refresh_from_db()
    before = deal.status
    DEAL_MACHINE.move(deal, DealStatus.ACCEPTED, actor=user, accepted_at=now,
                      service_fee_rate=Decimal(str(conf()["SERVICE_FEE_RATE"])))
    _shelve(deal)
    other = deal.merchant.user_id if side == "kol" else deal.kol_id
    _notify(other, msg("notify.kol_deal_accepted", n=user.nickname or str(user)), deal, actor=user)
    track("deal.status", user=user, obj=deal, from_status=before, to_status=DealStatus.ACCEPTED)
    deal_settle_fee(deal_id=deal.pk)
    return deal


@transaction.atomic
def deal_counter(*, user: Any, deal_id: int, commission_rate: Any, fixed_fee_fen: int, starts_on: dt.date,
                 ends_on: dt.date, posts_required: int = 0, lives_required: int = 0, message: str = "",
                 now: dt.datetime | None = None) -> Deal:
    """The KOL answers a proposal with new terms (same products); the merchant then accepts or declines them."""
    now = now or timezone.now()
    deal = _open_deal(deal_id, now=now)
    side = _side(user, deal)
    if side != "kol" or deal.status != DealStatus.PROPOSED:
        raise errors.not_your_turn()
    terms = _check_terms(commission_rate=commission_rate, fixed_fee_fen=fixed_fee_fen, starts_on=starts_on,
                         ends_on=ends_on, posts_required=posts_required, lives_required=lives_required,
                         message=message, today=timezone.localdate(now))
    DEAL_MACHINE.move(deal, DealStatus.COUNTERED, actor=user, note=terms["message"],
                      expires_at=now + dt.timedelta(days=int(conf()["REPLY_DAYS"])), **terms)
    _notify(deal.merchant.user_id, msg("notify.kol_deal_countered", n=user.nickname or str(user),
                                       rate=deal.rate_pct, fee=format_yuan(deal.fixed_fee_fen)), deal, actor=user)
    track("deal.status", user=user, obj=deal, from_status=DealStatus.PROPOSED, to_status=DealStatus.COUNTERED)
    return deal


@transaction.atomic
def deal_decline(*, user: Any, deal_id: int, note: str = "", now: dt.datetime | None = None) -> Deal:
    """The KOL declines a proposal, or the merchant declines the KOL's counter."""
    now = now or timezone.now()
    deal = _open_deal(deal_id, now=now)
    side = _side(user, deal)
    if side != _whose_turn(deal):
        raise errors.not_your_turn()
    before = deal.status
    DEAL_MACHINE.move(deal, DealStatus.DECLINED, actor=user, note=(note or "").strip()[:300])
    other = deal.merchant.user_id if side == "kol" else deal.kol_id
    _notify(other, msg("notify.kol_deal_declined", n=user.nickname or str(user)), deal, actor=user)
    track("deal.status", user=user, obj=deal, from_status=before, to_status=DealStatus.DECLINED)
    return deal


@transaction.atomic
def deal_withdraw(*, user: Any, deal_id: int, now: dt.datetime | None = None) -> Deal:
    """The merchant takes back an open proposal (or their side of a countered one)."""
    now = now or timezone.now()
    deal = _open_deal(deal_id, now=now)
    if _side(user, deal) != "merchant":
        raise errors.not_your_turn()
    before = deal.status
    DEAL_MACHINE.move(deal, DealStatus.WITHDRAWN, actor=user)
    _notify(deal.kol_id, msg("notify.kol_deal_withdrawn", m=deal.merchant.business_name), deal, actor=user)
    track("deal.status", user=user, obj=deal, from_status=before, to_status=DealStatus.WITHDRAWN)
    return deal


@transaction.atomic
def _expire(deal_id: int, now: dt.datetime) -> bool:
    deal = lock_deal(deal_id)
    if deal.status not in selectors.OPEN or deal.expires_at > now:
        return False  # answered meanwhile
    before = deal.status
    DEAL_MACHINE.move(deal, DealStatus.EXPIRED)
    waiting = deal.kol_id if before == DealStatus.PROPOSED else deal.merchant.user_id
    for user_id in {deal.merchant.user_id, waiting}:
        _notify(user_id, msg("notify.kol_deal_expired", n=str(deal.kol)), deal)
    track("deal.status", obj=deal, from_status=before, to_status=DealStatus.EXPIRED)
    return True


def deals_expire_due(*, now: dt.datetime | None = None) -> int:
    """The job: open deals past their reply deadline become expired (one transaction each)."""
    now = now or timezone.now()
    return sum(1 for pk in selectors.deals_expired_due(now=now) if _expire(pk, now))


@transaction.atomic
def _complete(deal_id: int, today: dt.date) -> bool:
    deal = lock_deal(deal_id)
    if deal.status != DealStatus.ACCEPTED or deal.ends_on >= today:
        return False
    DEAL_MACHINE.move(deal, DealStatus.COMPLETED)
    track("deal.status", obj=deal, from_status=DealStatus.ACCEPTED, to_status=DealStatus.COMPLETED)
    return True


def deals_sweep(*, now: dt.datetime | None = None) -> int:
    """The job for accepted deals: book the fixed fee of those whose deliverables are now met, and end those whose
    period is over (after a last look at the deliverables)."""
    today = timezone.localdate(now or timezone.now())
    moved = 0
    for pk in selectors.deals_accepted():
        deal_settle_fee(deal_id=pk)
        moved += int(_complete(pk, today))
    return moved


# --- the ledger ---------------------------------------------------------------------------------------------------


def _book(deal: Deal, *, kind: str, amount_fen: int, base_fen: int, reference: str) -> DealEntry | None:
    """One ledger row, once per reference; a service fee also moves the deal's cached total, in the same
    transaction."""
    if amount_fen <= 0:
        return None
    try:
        with transaction.atomic():
            entry = DealEntry.objects.create(deal=deal, kind=kind, amount_fen=amount_fen, base_fen=base_fen,
                                             reference=reference)
    except IntegrityError:
        return None
    if kind in selectors.SERVICE_KINDS:
        Deal.objects.filter(pk=deal.pk).update(service_fee_fen=F("service_fee_fen") + amount_fen)
    return entry


@transaction.atomic
def deal_settle_fee(*, deal_id: int) -> list[DealEntry]:
    """Owe the fixed fee (and the platform's service fee on it) once the deliverables are met, once."""
    deal = lock_deal(deal_id)
    if deal.status not in (DealStatus.ACCEPTED, DealStatus.COMPLETED) or deal.fixed_fee_fen <= 0:
        return []
    if DealEntry.objects.filter(reference=f"fee:{deal.pk}").exists():
        return []
    if not selectors.deliverables_of(deal).met:
        return []
    fee = _book(deal, kind=EntryKind.FIXED_FEE, amount_fen=deal.fixed_fee_fen, base_fen=deal.fixed_fee_fen,
                reference=f"fee:{deal.pk}")
    service = _book(deal, kind=EntryKind.FEE_SERVICE, base_fen=deal.fixed_fee_fen,
                    amount_fen=rules.service_fee(deal.fixed_fee_fen, deal.service_fee_rate),
                    reference=f"fee-service:{deal.pk}")
    written = [e for e in (fee, service) if e is not None]
    if written:
        track("deal.fee", obj=deal, amount_fen=deal.fixed_fee_fen,
              service_fee_fen=sum(e.amount_fen for e in written if e.kind == EntryKind.FEE_SERVICE))
    return written


# --- the order moments (registered in apps.py) ---------------------------------------------------------------------


@transaction.atomic
def on_order_paid(event: Any) -> None:
    """Record the lines credited to a KOL on a product of their accepted deal, paid within its period."""
    order = orders_by_id(order_ids=[event.order_id]).get(event.order_id)
    if order is None:
        return
    at = order.paid_at or timezone.now()
    _buyer, lines = line_facts(order_id=event.order_id)
    for ln in lines:
        if not ln.kol_id:
            continue
        deal = selectors.active_deal_for(kol_id=ln.kol_id, product_id=ln.product_id, at=at)
        if deal is None:
            continue
        _credit, created = DealCredit.objects.get_or_create(
            order_line_id=ln.line_id, defaults={"deal": deal, "order_id": event.order_id,
                                                "product_id": ln.product_id,
                                                "goods_payable_fen": ln.goods_payable_fen, "paid_at": at})
        if created:
            track("deal.credit", obj=deal, order_id=event.order_id, amount_fen=ln.goods_payable_fen)


@transaction.atomic
def on_order_completed(event: Any) -> None:
    """The order's commission is final: book the platform's service fee on the net commission of its lines
    credited to a deal (refunds already reversed)."""
    credits = selectors.credits_of_order(order_id=event.order_id)
    for c in credits:
        net = commission_by_line(user_id=c.deal.kol_id, order_line_ids=[c.order_line_id]).get(c.order_line_id, 0)
        _book(c.deal, kind=EntryKind.COMMISSION_SERVICE, base_fen=net,
              amount_fen=rules.service_fee(net, c.deal.service_fee_rate),
              reference=f"commission-service:{c.order_line_id}")
