"""Distribution commission (分销): every write.

- **settings**: operators set the platform's rules (`settings_update`), a community's override
  (`community_rule_set`, also its owner) and a product's rates (`product_rate_set`); the level cap of 3 and the
  rate range are checked here and by the database.
- **promoters**: a member applies (free — there is no fee anywhere); under "everyone" or with the spending
  threshold met they are active at once, under "appointed" an operator approves; an operator or a community's
  owner appoints; operators suspend and restore. Every move is a state-machine move with an audit row.
- **the ledger**, from the order's moments (`orders.hooks`, registered in `apps.py`): `paid` accrues pending
  commission per line and level; `refunded` reverses pro rata (even after a withdrawal: the available balance may
  go below zero); `completed` releases what is left of pending into available. Each entry has a unique reference,
  so a moment replayed writes nothing twice.
- **withdrawals**: a request takes the amount out of available at once (conditional update on the locked account
  row); an operator approves (paid through the payout adapter) or rejects (the amount comes back)."""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from quanzi.accounts.enums import NotificationKind
from quanzi.accounts.services import notification_create
from quanzi.core.errors import NotAuthenticated
from quanzi.core.events import track
from quanzi.core.messages import Text, message_columns, msg
from quanzi.core.money import format_yuan
from quanzi.core.statemachine import StateMachine
from quanzi.orders.selectors import orders_by_id
from quanzi.referrals.distribution import errors, overrides, payouts, rules, selectors
from quanzi.referrals.distribution.enums import (
    Bucket,
    EntryKind,
    PromoterMode,
    PromoterSource,
    PromoterStatus,
    WithdrawalStatus,
)
from quanzi.referrals.distribution.errors import ErrorCode
from quanzi.referrals.distribution.locks import lock_promoter, lock_promoters, lock_withdrawal
from quanzi.referrals.distribution.models import (
    RATE_FIELDS,
    CommissionEntry,
    CommunityRule,
    DistributionSettings,
    ProductRate,
    Promoter,
    PromoterStatusChange,
    RefundSeen,
    Withdrawal,
    WithdrawalStatusChange,
)
from quanzi.referrals.invites.selectors import inviter_chain

CENTRE_URL = "/promoter/"


def _promoter_audit(row: Promoter, from_status: str, to_status: str, actor: Any, note: Text) -> None:
    PromoterStatusChange.objects.create(promoter=row, from_status=from_status, to_status=to_status, actor=actor,
                                        **message_columns(note, model=PromoterStatusChange, text="note"))


def _withdrawal_audit(row: Withdrawal, from_status: str, to_status: str, actor: Any, note: Text) -> None:
    WithdrawalStatusChange.objects.create(withdrawal=row, from_status=from_status, to_status=to_status, actor=actor,
                                          **message_columns(note, model=WithdrawalStatusChange, text="note"))


PROMOTER_MACHINE: StateMachine[Promoter] = StateMachine(
    model=Promoter, transitions=rules.PROMOTER_TRANSITIONS, audit=_promoter_audit,
    illegal=lambda c, t: errors.illegal_transition(str(PromoterStatus(c).label), str(PromoterStatus(t).label)))

WITHDRAWAL_MACHINE: StateMachine[Withdrawal] = StateMachine(
    model=Withdrawal, transitions=rules.WITHDRAWAL_TRANSITIONS, audit=_withdrawal_audit,
    illegal=lambda c, t: errors.illegal_transition(str(WithdrawalStatus(c).label), str(WithdrawalStatus(t).label)))


def _authed(user: Any) -> None:
    if user is None or not getattr(user, "is_authenticated", False):
        raise NotAuthenticated(ErrorCode.NOT_AUTHENTICATED, _("请先登录"))


def _operator(user: Any) -> None:
    if not (getattr(user, "is_authenticated", False) and user.is_staff):
        raise errors.not_operator()


def _notify(user_id: int, message: Any) -> None:
    notification_create(recipient=user_id, kind=NotificationKind.COMMISSION, message=message, url=CENTRE_URL)


# --- settings and overrides ---------------------------------------------------------------------------------------


def check_rule_values(values: dict[str, Any]) -> None:
    """The shared checks of the settings and the overrides: levels within the legal cap, rates within range."""
    if values.get("levels") is not None and not rules.check_levels(values["levels"]):
        raise errors.invalid_levels(rules.MAX_LEVELS)
    for name in RATE_FIELDS:
        rate = values.get(name)
        if rate is not None and not rules.check_rate(rate):
            raise errors.invalid_rate(f"{rules.RATE_MAX * 100:.0f}%")


def check_settings(conf: DistributionSettings) -> None:
    check_rule_values({"levels": conf.levels, **{n: getattr(conf, n) for n in RATE_FIELDS}})
    rate = conf.withdraw_fee_rate
    if not (isinstance(rate, Decimal) and Decimal(0) <= rate <= rules.FEE_RATE_MAX):
        raise errors.invalid_fee()
    if not (1 <= conf.withdraw_min_fen <= conf.withdraw_max_fen) or conf.withdraw_min_fen <= conf.withdraw_fee_fen \
            or conf.withdraw_min_fen <= rules.withdrawal_fee(conf.withdraw_min_fen, conf.withdraw_fee_fen, rate):
        raise errors.invalid_withdraw_limits()
    if conf.promoter_mode not in PromoterMode.values:
        raise errors.invalid_levels(rules.MAX_LEVELS)


SETTINGS_FIELDS = ("promoter_mode", "spend_threshold_fen", "levels", *RATE_FIELDS, "sharer_first",
                   "withdraw_min_fen", "withdraw_max_fen", "withdraw_fee_fen", "withdraw_fee_rate")


@transaction.atomic
def settings_update(*, operator: Any, **values: Any) -> DistributionSettings:
    """Change the platform's distribution settings (operators). Bad values change nothing."""
    _operator(operator)
    unknown = set(values) - set(SETTINGS_FIELDS)
    if unknown:
        raise ValueError(f"unknown settings {sorted(unknown)}")
    conf = selectors.platform_settings()
    for name, value in values.items():
        setattr(conf, name, value)
    check_settings(conf)
    conf.save()
    return conf


def _may_set_community(actor: Any, community_id: int) -> None:
    from quanzi.communities.selectors import active_role, community_by_id

    community = community_by_id(community_id=community_id)
    if community is None:
        raise errors.community_not_found()
    if getattr(actor, "is_staff", False):
        return
    if active_role(user=actor, community=community) != "owner":
        raise errors.not_allowed()


@transaction.atomic
def community_rule_set(*, actor: Any, community_id: int, **values: Any) -> CommunityRule:
    """A community's override (operators, or the community's owner). A value of None inherits the platform's;
    `promoter_mode=""` inherits the mode."""
    _authed(actor)
    _may_set_community(actor, community_id)
    allowed = {"promoter_mode", "spend_threshold_fen", "levels", *RATE_FIELDS}
    if set(values) - allowed:
        raise ValueError(f"unknown rule fields {sorted(set(values) - allowed)}")
    check_rule_values(values)
    if values.get("promoter_mode") not in (None, "", *PromoterMode.values):
        raise errors.invalid_levels(rules.MAX_LEVELS)
    rule, _created = CommunityRule.objects.get_or_create(community_id=community_id)
    for name, value in values.items():
        setattr(rule, name, value if value is not None or name != "promoter_mode" else "")
    rule.save()
    track("distribution.rule_set", user=actor, community_id=community_id)
    return rule


@transaction.atomic
def product_rate_set(*, operator: Any, product_id: int, **values: Any) -> ProductRate:
    _operator(operator)
    from quanzi.catalog.selectors import product_get

    try:
        product_get(product_id=product_id, user=operator)
    except Exception:  # noqa: BLE001 - catalog answers its own not-found; ours is the one the caller knows
        raise errors.product_not_found() from None
    if set(values) - set(RATE_FIELDS):
        raise ValueError(f"unknown rate fields {sorted(set(values) - set(RATE_FIELDS))}")
    check_rule_values(values)
    rate, _created = ProductRate.objects.get_or_create(product_id=product_id)
    for name, value in values.items():
        setattr(rate, name, value)
    rate.save()
    track("distribution.rule_set", user=operator, product_id=product_id)
    return rate


# --- promoters ----------------------------------------------------------------------------------------------------


def _promoter_row(user_id: int, *, status: str, source: str, community_id: int | None = None) -> tuple[Promoter, bool]:
    try:
        with transaction.atomic():
            return Promoter.objects.create(user_id=user_id, status=status, source=source,
                                           community_id=community_id), True
    except IntegrityError:
        return Promoter.objects.get(user_id=user_id), False


@transaction.atomic
def promoter_apply(*, user: Any) -> Promoter:
    """A member asks to promote. Free, always: there is no entry fee. Under "everyone", or with the spending
    threshold met, active at once; under "appointed", waiting for an operator; under "threshold" below it,
    refused with how much is missing."""
    _authed(user)
    conf = selectors.platform_settings()
    mode, threshold = selectors.mode_and_threshold(conf=conf, community=None)
    existing = selectors.promoter_get(user_id=user.pk)
    if existing is not None and existing.status == PromoterStatus.ACTIVE \
            and existing.source != PromoterSource.AUTO:
        raise errors.already_promoter()
    if existing is not None and existing.status == PromoterStatus.APPLIED:
        raise errors.application_pending()
    if existing is not None and existing.status == PromoterStatus.SUSPENDED:
        raise errors.not_promoter()
    if mode == PromoterMode.THRESHOLD:
        spent = selectors.member_spend_fen(user_id=user.pk)
        if spent < threshold:
            raise errors.spend_below_threshold(spent, threshold)
    target = PromoterStatus.APPLIED if mode == PromoterMode.APPOINTED else PromoterStatus.ACTIVE
    promoter, created = _promoter_row(user.pk, status=PromoterStatus.APPLIED, source=PromoterSource.APPLIED)
    promoter = lock_promoter(promoter.pk)
    if created:
        _promoter_audit(promoter, "", PromoterStatus.APPLIED, user, msg("promoter.applied"))
    elif promoter.status == PromoterStatus.REJECTED:
        PROMOTER_MACHINE.move(promoter, PromoterStatus.APPLIED, actor=user, note=msg("promoter.applied"))
    Promoter.objects.filter(pk=promoter.pk).update(source=PromoterSource.APPLIED)
    promoter.refresh_from_db()
    if target == PromoterStatus.ACTIVE and promoter.status != PromoterStatus.ACTIVE:
        PROMOTER_MACHINE.move(promoter, PromoterStatus.ACTIVE, actor=user, note=msg("promoter.auto_active"))
        _notify(user.pk, msg("notify.promoter_active"))
    track("promoter.apply", user=user, obj=promoter, mode=mode, status=promoter.status)
    return promoter


@transaction.atomic
def promoter_appoint(*, actor: Any, user_id: int, community_id: int | None = None) -> Promoter:
    """An operator appoints anyone; a community's owner appoints a member of that community."""
    _authed(actor)
    from quanzi.accounts.selectors import user_get
    from quanzi.communities.selectors import active_role, community_by_id

    member = user_get(user_id=user_id)
    if member is None:
        raise errors.user_not_found()
    if not getattr(actor, "is_staff", False):
        community = community_by_id(community_id=community_id) if community_id is not None else None
        if community is None:
            raise errors.not_allowed()
        if active_role(user=actor, community=community) != "owner" \
                or active_role(user=member, community=community) is None:
            raise errors.not_allowed()
    promoter, created = _promoter_row(user_id, status=PromoterStatus.ACTIVE, source=PromoterSource.APPOINTED,
                                      community_id=community_id)
    promoter = lock_promoter(promoter.pk)
    if created:
        _promoter_audit(promoter, "", PromoterStatus.ACTIVE, actor, msg("promoter.appointed"))
    else:
        if promoter.status == PromoterStatus.ACTIVE and promoter.source != PromoterSource.AUTO:
            raise errors.already_promoter()
        if promoter.status != PromoterStatus.ACTIVE:
            PROMOTER_MACHINE.move(promoter, PromoterStatus.ACTIVE, actor=actor, note=msg("promoter.appointed"))
        else:
            _promoter_audit(promoter, promoter.status, promoter.status, actor, msg("promoter.appointed"))
        Promoter.objects.filter(pk=promoter.pk).update(source=PromoterSource.APPOINTED, community_id=community_id)
        promoter.refresh_from_db()
    _notify(user_id, msg("notify.promoter_active"))
    track("promoter.appoint", user=actor, obj=promoter, community_id=community_id, member_id=user_id)
    return promoter


def _promoter_move(operator: Any, promoter_id: int, to: str, note: Any, notice: Any = None) -> Promoter:
    _operator(operator)
    if not Promoter.objects.filter(pk=promoter_id).exists():
        raise errors.promoter_not_found()
    promoter = lock_promoter(promoter_id)
    before = promoter.status
    PROMOTER_MACHINE.move(promoter, to, actor=operator, note=note)
    if notice is not None:
        _notify(promoter.user_id, notice)
    track("promoter.status", user=operator, obj=promoter, from_status=before, to_status=to)
    return promoter


@transaction.atomic
def promoter_approve(*, operator: Any, promoter_id: int) -> Promoter:
    return _promoter_move(operator, promoter_id, PromoterStatus.ACTIVE, msg("promoter.approved"),
                          msg("notify.promoter_active"))


@transaction.atomic
def promoter_reject(*, operator: Any, promoter_id: int) -> Promoter:
    return _promoter_move(operator, promoter_id, PromoterStatus.REJECTED, msg("promoter.rejected"),
                          msg("notify.promoter_rejected"))


@transaction.atomic
def promoter_suspend(*, operator: Any, promoter_id: int) -> Promoter:
    """A suspended promoter earns nothing more; what they earned stays theirs (they may still withdraw it)."""
    return _promoter_move(operator, promoter_id, PromoterStatus.SUSPENDED, msg("promoter.suspended"))


@transaction.atomic
def promoter_restore(*, operator: Any, promoter_id: int) -> Promoter:
    return _promoter_move(operator, promoter_id, PromoterStatus.ACTIVE, msg("promoter.restored"))


# --- the ledger ---------------------------------------------------------------------------------------------------


def _post(promoter: Promoter, *, kind: str, bucket: str, amount_fen: int, reference: str, cache: bool = True,
          **cols: Any) -> CommissionEntry | None:
    """Write one entry and move the account row's cached sum with it, or nothing when the reference is already
    there (the movement happened). The caller holds the promoter's lock."""
    if amount_fen == 0:
        return None
    try:
        with transaction.atomic():
            entry = CommissionEntry.objects.create(promoter=promoter, kind=kind, bucket=bucket, amount_fen=amount_fen,
                                                   reference=reference, **cols)
    except IntegrityError:
        if CommissionEntry.objects.filter(reference=reference).exists():
            return None
        raise
    if cache:
        column = "pending_fen" if bucket == Bucket.PENDING else "available_fen"
        Promoter.objects.filter(pk=promoter.pk).update(**{column: F(column) + amount_fen}, updated_at=timezone.now())
    return entry


ChainFn = Callable[[int, int], list[int]]


def _inviter_chain(user_id: int, levels: int) -> list[int]:
    return list(inviter_chain(user_id=user_id, levels=levels)) if levels > 0 else []


def line_facts(*, order_id: int) -> tuple[int, list[rules.LineFacts]]:
    """The buyer and the lines of an order, as the commission reads them (from `orders.selectors`). An order of
    virtual goods (a paid membership plan sold by the platform) earns no commission: paying people for selling
    memberships is the entry-fee pattern the law forbids, so those lines are left out."""
    order = orders_by_id(order_ids=[order_id]).get(order_id)
    if order is None or getattr(order, "is_virtual", False):
        return 0, []
    return order.buyer_id, [
        rules.LineFacts(line_id=ln.pk, product_id=ln.product_id, goods_payable_fen=ln.goods_payable_fen,
                        payable_fen=ln.payable_fen, sharer_id=ln.sharer_id, kol_id=ln.kol_id,
                        community_id=ln.community_id)
        for ln in order.lines.all().order_by("pk")]


@transaction.atomic
def commission_accrue(*, order_id: int, buyer_id: int, lines: list[rules.LineFacts],
                      chain: ChainFn | None = None) -> list[CommissionEntry]:
    """The `paid` moment: pending commission per line and level (idempotent: one accrual per line and level).
    Only a paid order reaches here — there is no other way to accrue; the buyer is never paid."""
    chain = chain or _inviter_chain
    conf = selectors.platform_settings()
    products = selectors.product_rates(product_ids={ln.product_id for ln in lines})
    communities = selectors.community_rules(community_ids={ln.community_id for ln in lines})
    promoters: dict[int, Promoter | None] = {}
    spend: dict[int, int] = {}

    def promoter_of(user_id: int) -> Promoter | None:
        if user_id not in promoters:
            promoters[user_id] = selectors.promoter_get(user_id=user_id)
        return promoters[user_id]

    def spend_of(user_id: int) -> int:
        if user_id not in spend:
            spend[user_id] = selectors.member_spend_fen(user_id=user_id)
        return spend[user_id]

    planned: list[tuple[rules.LineFacts, rules.Beneficiary, Decimal, int]] = []
    for ln in lines:
        community = communities.get(ln.community_id) if ln.community_id is not None else None
        rates = selectors.rates_for(conf=conf, community=community, product=products.get(ln.product_id))
        mode, threshold = selectors.mode_and_threshold(conf=conf, community=community)

        def may(user_id: int, mode: str = mode, threshold: int = threshold) -> bool:
            return selectors.may_promote(promoter=promoter_of(user_id), mode=mode, threshold_fen=threshold,
                                         spend=lambda: spend_of(user_id))

        for b in rules.pick_beneficiaries(buyer_id=buyer_id, sharer_id=ln.sharer_id, kol_id=ln.kol_id,
                                          levels=rates.levels, sharer_first=conf.sharer_first,
                                          inviter_chain=chain, may_promote=may):
            rate = rates.rate(b.level, kol=b.kol)
            if b.kol:  # an agreed rate (the KOL marketplace's deal) replaces the settings' KOL rate
                agreed = overrides.kol_rate_for(kol_id=b.user_id, product_id=ln.product_id, at=timezone.now())
                rate = agreed if agreed is not None else rate
            fen = rules.commission_of(ln.goods_payable_fen, rate)
            if fen > 0:
                planned.append((ln, b, rate, fen))
    if not planned:
        return []
    accounts: dict[int, Promoter] = {}
    for user_id in sorted({b.user_id for _ln, b, _r, _f in planned}):
        row = promoter_of(user_id)
        if row is None:  # everyone / threshold: the account opens with the first commission
            row, _created = _promoter_row(user_id, status=PromoterStatus.ACTIVE, source=PromoterSource.AUTO)
            if _created:
                _promoter_audit(row, "", PromoterStatus.ACTIVE, None, msg("promoter.auto_active"))
        accounts[user_id] = row
    locked = lock_promoters(p.pk for p in accounts.values())
    written: list[CommissionEntry] = []
    for ln, b, rate, fen in planned:
        entry = _post(locked[accounts[b.user_id].pk], kind=EntryKind.ACCRUE, bucket=Bucket.PENDING, amount_fen=fen,
                      reference=f"accrue:{ln.line_id}:{b.level}", order_id=order_id, order_line_id=ln.line_id,
                      level=b.level, buyer_id=buyer_id, community_id=ln.community_id, base_fen=ln.goods_payable_fen,
                      line_payable_fen=ln.payable_fen, rate=rate, is_kol=b.kol)
        if entry is not None:
            written.append(entry)
    per_user: dict[int, int] = defaultdict(int)
    for e in written:
        per_user[locked[e.promoter_id].user_id] += e.amount_fen
    for user_id, fen in sorted(per_user.items()):
        _notify(user_id, msg("notify.commission_pending", amount=format_yuan(fen)))
    if written:
        track("commission.accrue", order_id=order_id, entries=len(written),
              amount_fen=sum(e.amount_fen for e in written), max_level=max(e.level or 0 for e in written))
    return written


def _released(line_id: int, level: int) -> bool:
    return CommissionEntry.objects.filter(reference=f"release:{line_id}:{level}:{Bucket.AVAILABLE}").exists()


@transaction.atomic
def commission_reverse(*, order_id: int, moment_id: int, lines: dict[int, int]) -> list[CommissionEntry]:
    """The `refunded` moment: for each refunded line, each level's accrual comes back pro rata, cumulatively
    (`rules.reversal_total`), from pending before the order completed, from available after — even when it was
    withdrawn already (available then goes below zero and withdrawals wait until it is positive again)."""
    for line_id, fen in sorted(lines.items()):
        if fen > 0:
            RefundSeen.objects.get_or_create(moment_id=moment_id, order_line_id=line_id, defaults={"fen": fen})
    accruals = list(CommissionEntry.objects.filter(order_line_id__in=list(lines), kind=EntryKind.ACCRUE)
                    .order_by("pk"))
    if not accruals:
        return []
    locked = lock_promoters(a.promoter_id for a in accruals)
    refunded = dict(RefundSeen.objects.filter(order_line_id__in=list(lines)).values("order_line_id")
                    .annotate(s=Sum("fen")).values_list("order_line_id", "s"))
    written: list[CommissionEntry] = []
    for a in accruals:
        line_id, level = int(a.order_line_id or 0), int(a.level or 0)
        back = -int(CommissionEntry.objects.filter(order_line_id=line_id, level=level, kind=EntryKind.REVERSE)
                    .aggregate(s=Sum("amount_fen"))["s"] or 0)
        due = rules.reversal_total(a.amount_fen, int(refunded.get(line_id) or 0), int(a.line_payable_fen or 0)) - back
        if due <= 0:
            continue
        bucket = Bucket.AVAILABLE if _released(line_id, level) else Bucket.PENDING
        entry = _post(locked[a.promoter_id], kind=EntryKind.REVERSE, bucket=bucket, amount_fen=-due,
                      reference=f"reverse:{moment_id}:{line_id}:{level}", order_id=order_id, order_line_id=line_id,
                      level=level, buyer_id=a.buyer_id, community_id=a.community_id)
        if entry is not None:
            written.append(entry)
    per_user: dict[int, int] = defaultdict(int)
    for e in written:
        per_user[locked[e.promoter_id].user_id] += -e.amount_fen
    for user_id, fen in sorted(per_user.items()):
        _notify(user_id, msg("notify.commission_reversed", amount=format_yuan(fen)))
    if written:
        track("commission.reverse", order_id=order_id, entries=len(written),
              amount_fen=-sum(e.amount_fen for e in written))
    return written


@transaction.atomic
def commission_release(*, order_id: int) -> list[CommissionEntry]:
    """The `completed` moment (the after-sales window closed): what is left pending of each accrual moves to
    available — two entries per line and level (−pending, +available), once."""
    accruals = list(CommissionEntry.objects.filter(order_id=order_id, kind=EntryKind.ACCRUE).order_by("pk"))
    if not accruals:
        return []
    locked = lock_promoters(a.promoter_id for a in accruals)
    written: list[CommissionEntry] = []
    for a in accruals:
        line_id, level = int(a.order_line_id or 0), int(a.level or 0)
        net = int(CommissionEntry.objects.filter(order_line_id=line_id, level=level, bucket=Bucket.PENDING)
                  .aggregate(s=Sum("amount_fen"))["s"] or 0)
        if net <= 0:
            continue
        promoter = locked[a.promoter_id]
        common: dict[str, Any] = {"order_id": order_id, "order_line_id": line_id, "level": level, "buyer_id": a.buyer_id,
                  "community_id": a.community_id}
        out = _post(promoter, kind=EntryKind.RELEASE, bucket=Bucket.PENDING, amount_fen=-net,
                    reference=f"release:{line_id}:{level}:{Bucket.PENDING}", **common)
        if out is None:
            continue
        into = _post(promoter, kind=EntryKind.RELEASE, bucket=Bucket.AVAILABLE, amount_fen=net,
                     reference=f"release:{line_id}:{level}:{Bucket.AVAILABLE}", **common)
        written += [e for e in (out, into) if e is not None]
    if written:
        track("commission.release", order_id=order_id, entries=len(written) // 2,
              amount_fen=sum(e.amount_fen for e in written if e.bucket == Bucket.AVAILABLE))
    return written


# the order moments (registered in `DistributionConfig.ready`); each runs once per moment (orders.hooks)

def on_order_paid(event: Any) -> None:
    buyer_id, lines = line_facts(order_id=event.order_id)
    commission_accrue(order_id=event.order_id, buyer_id=event.buyer_id or buyer_id, lines=lines)


def on_order_refunded(event: Any) -> None:
    commission_reverse(order_id=event.order_id, moment_id=event.moment_id,
                       lines={int(k): int(v) for k, v in event.lines.items()})


def on_order_completed(event: Any) -> None:
    commission_release(order_id=event.order_id)


# --- withdrawals --------------------------------------------------------------------------------------------------


def _number() -> str:
    return f"WD{timezone.now():%Y%m%d%H%M%S}{secrets.token_hex(4).upper()}"


@transaction.atomic
def withdrawal_request(*, user: Any, amount_fen: int) -> Withdrawal:
    """Ask to withdraw `amount_fen` of available commission: between the minimum and the maximum, no more than
    available (refused while available is negative after a refund). The amount leaves available now — a
    conditional update on the locked account row, so two requests racing never take more than there is — and
    the fee comes off what is paid out."""
    _authed(user)
    if not isinstance(amount_fen, int) or isinstance(amount_fen, bool) or amount_fen <= 0:
        raise errors.invalid_amount()
    conf = selectors.platform_settings()
    if amount_fen < conf.withdraw_min_fen:
        raise errors.below_minimum(conf.withdraw_min_fen)
    if amount_fen > conf.withdraw_max_fen:
        raise errors.above_maximum(conf.withdraw_max_fen)
    found = selectors.promoter_get(user_id=user.pk)
    if found is None:
        raise errors.not_promoter()
    promoter = lock_promoter(found.pk)
    if promoter.available_fen < 0:
        raise errors.balance_negative(promoter.available_fen)
    fee = rules.withdrawal_fee(amount_fen, conf.withdraw_fee_fen, conf.withdraw_fee_rate)
    if amount_fen - fee < 1:
        raise errors.below_minimum(conf.withdraw_min_fen)
    taken = Promoter.objects.filter(pk=promoter.pk, available_fen__gte=amount_fen)\
        .update(available_fen=F("available_fen") - amount_fen, updated_at=timezone.now())
    if taken != 1:
        raise errors.balance_insufficient(promoter.available_fen, amount_fen)
    w = Withdrawal.objects.create(promoter=promoter, number=_number(), amount_fen=amount_fen, fee_fen=fee,
                                  payout_fen=amount_fen - fee)
    _withdrawal_audit(w, "", WithdrawalStatus.REQUESTED, user, msg("withdrawal.requested"))
    _post(promoter, kind=EntryKind.WITHDRAW, bucket=Bucket.AVAILABLE, amount_fen=-amount_fen,
          reference=f"withdraw:{w.pk}", withdrawal=w, cache=False)
    track("withdrawal.request", user=user, obj=w, amount_fen=amount_fen, fee_fen=fee)
    return w


def _withdrawal(withdrawal_id: int) -> Withdrawal:
    found = selectors.withdrawal_get(withdrawal_id=withdrawal_id)
    if found is None:
        raise errors.withdrawal_not_found()
    return found


def withdrawal_approve(*, operator: Any, withdrawal_id: int) -> Withdrawal:
    """An operator approves a requested withdrawal; it is then paid through the payout channel (now, and by the
    job again if the channel failed). Refused when no channel is configured."""
    _operator(operator)
    if payouts.active_gateway() is None:
        raise errors.payout_unavailable()
    with transaction.atomic():
        found = _withdrawal(withdrawal_id)
        lock_promoter(found.promoter_id)
        w = lock_withdrawal(found.pk)
        WITHDRAWAL_MACHINE.move(w, WithdrawalStatus.APPROVED, actor=operator, note=msg("withdrawal.approved"),
                                decided_by=operator, decided_at=timezone.now())
        track("withdrawal.status", user=operator, obj=w, from_status=WithdrawalStatus.REQUESTED,
              to_status=WithdrawalStatus.APPROVED)
    return withdrawal_payout(withdrawal_id=w.pk)


@transaction.atomic
def withdrawal_payout(*, withdrawal_id: int) -> Withdrawal:
    """Pay an approved withdrawal through the payout channel, idempotent by its number (the channel answers a
    retry of the same number with the same transfer). On success: paid, and the promoter's withdrawn total moves.
    On failure the withdrawal stays approved with the channel's reason, for the job or an operator's rejection."""
    found = _withdrawal(withdrawal_id)
    promoter = lock_promoter(found.promoter_id)
    w = lock_withdrawal(found.pk)
    if w.status != WithdrawalStatus.APPROVED:
        return w
    gateway = payouts.active_gateway()
    if gateway is None:
        raise errors.payout_unavailable()
    result = gateway.transfer(number=w.number, user_id=promoter.user_id, amount_fen=w.payout_fen)
    if not result.ok:
        Withdrawal.objects.filter(pk=w.pk).update(last_error=result.message[:200], channel=gateway.name)
        w.refresh_from_db()
        return w
    WITHDRAWAL_MACHINE.move(w, WithdrawalStatus.PAID, note=msg("withdrawal.paid", ch=gateway.name,
                                                               ref=result.reference),
                            channel=gateway.name, payout_ref=result.reference, paid_at=timezone.now(), last_error="")
    Promoter.objects.filter(pk=promoter.pk).update(withdrawn_fen=F("withdrawn_fen") + w.amount_fen,
                                                   updated_at=timezone.now())
    _notify(promoter.user_id, msg("notify.withdrawal_paid", amount=format_yuan(w.payout_fen)))
    track("withdrawal.status", obj=w, from_status=WithdrawalStatus.APPROVED, to_status=WithdrawalStatus.PAID)
    return w


@transaction.atomic
def withdrawal_reject(*, operator: Any, withdrawal_id: int, reason: str = "") -> Withdrawal:
    """An operator rejects a requested (or approved, not yet paid) withdrawal: the whole amount comes back to
    available, once."""
    _operator(operator)
    found = _withdrawal(withdrawal_id)
    promoter = lock_promoter(found.promoter_id)
    w = lock_withdrawal(found.pk)
    before = w.status
    reason = (reason or "").strip()[:100]  # what the operator typed, kept as typed (no reason: its own message)
    note = msg("withdrawal.rejected", r=reason) if reason else msg("withdrawal.rejected_plain")
    WITHDRAWAL_MACHINE.move(w, WithdrawalStatus.REJECTED, actor=operator, note=note, decided_by=operator,
                            decided_at=timezone.now())
    _post(promoter, kind=EntryKind.WITHDRAW_RETURN, bucket=Bucket.AVAILABLE, amount_fen=w.amount_fen,
          reference=f"withdraw-return:{w.pk}", withdrawal=w)
    _notify(promoter.user_id, msg("notify.withdrawal_rejected", amount=format_yuan(w.amount_fen), r=reason)
            if reason else msg("notify.withdrawal_rejected_plain", amount=format_yuan(w.amount_fen)))
    track("withdrawal.status", user=operator, obj=w, from_status=before, to_status=WithdrawalStatus.REJECTED)
    return w


def withdrawals_payout_due() -> int:
    """Retry the payout of approved withdrawals (a channel failure, a process that died after approving)."""
    ids = list(Withdrawal.objects.filter(status=WithdrawalStatus.APPROVED).order_by("pk")
               .values_list("pk", flat=True)[:200])
    return sum(1 for pk in ids if withdrawal_payout(withdrawal_id=pk).status == WithdrawalStatus.PAID)
