"""The distribution rules, pure: the level cap, who is paid at which level, the rates, the rounding, the fee.

Lawful by construction (the 传销 lines a platform must not cross, 《禁止传销条例》 art. 7):

- **no more than three levels**: `MAX_LEVELS` is a constant; the settings are checked against it here, in the
  services and by database check constraints, and `pick_beneficiaries` cuts any chain at it;
- **commission only on what was paid for goods**: the base is the line's `goods_payable_fen` (after every
  discount, shipping excluded) of an order that took its payment (the `paid` moment); nothing is paid for a
  sign-up, an invitation or becoming a promoter (there is no such entry kind), and becoming a promoter costs
  nothing (no fee field exists);
- **never the buyer**: the buyer is never a beneficiary of their own order, and a cycle in the chain ends it.

Rounding: each level's commission on a line is floor(base × rate) in fen; what the floor leaves is paid to nobody
(the platform keeps at most 1 fen per line and level). A refund reverses pro rata to the line's payable,
cumulatively: after refunds totalling R of a line's payable P, the reversal of an accrual A totals
floor(A × R / P), so a line refunded in full returns exactly A."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from quanzi.referrals.distribution.enums import PromoterMode, WithdrawalStatus

MAX_LEVELS = 3  # the legal cap: no setting can raise it (models.HARD_CAP repeats it for the constraints)
RATE_MAX = Decimal("0.5")
FEE_RATE_MAX = Decimal("0.2")

WITHDRAWAL_TRANSITIONS: dict[str, frozenset[str]] = {
    WithdrawalStatus.REQUESTED: frozenset({WithdrawalStatus.APPROVED, WithdrawalStatus.REJECTED}),
    # an approved withdrawal whose payout cannot go through may still be rejected (the amount comes back)
    WithdrawalStatus.APPROVED: frozenset({WithdrawalStatus.PAID, WithdrawalStatus.REJECTED}),
    WithdrawalStatus.PAID: frozenset(),
    WithdrawalStatus.REJECTED: frozenset(),
}


@dataclass(frozen=True)
class Rates:
    """The rates that apply to one order line, after the product and community overrides."""

    levels: int
    by_level: tuple[Decimal, Decimal, Decimal]
    kol: Decimal

    def rate(self, level: int, *, kol: bool) -> Decimal:
        return self.kol if (level == 1 and kol) else self.by_level[level - 1]


@dataclass(frozen=True)
class Beneficiary:
    level: int
    user_id: int
    kol: bool = False  # level 1 is the line's own KOL (their post or shelf): the KOL rate applies


@dataclass(frozen=True)
class LineFacts:
    """What the commission of one order line depends on (read from `orders` by the hooks)."""

    line_id: int
    product_id: int
    goods_payable_fen: int
    payable_fen: int
    sharer_id: int | None = None
    kol_id: int | None = None
    community_id: int | None = None


def check_levels(levels: object) -> bool:
    return isinstance(levels, int) and not isinstance(levels, bool) and 0 <= levels <= MAX_LEVELS


def check_rate(rate: object) -> bool:
    return isinstance(rate, Decimal) and rate.is_finite() and Decimal(0) <= rate <= RATE_MAX


def first_set(*values: Decimal | None) -> Decimal:
    for v in values:
        if v is not None:
            return v
    return Decimal(0)


def effective_mode(platform: str, community: str) -> str:
    return community if community in PromoterMode.values else platform


def commission_of(base_fen: int, rate: Decimal) -> int:
    """floor(base × rate), in fen; the remainder goes to nobody."""
    if base_fen <= 0 or rate <= 0:
        return 0
    return int((Decimal(base_fen) * rate).to_integral_value(rounding=ROUND_FLOOR))


def reversal_total(accrued_fen: int, refunded_fen: int, payable_fen: int) -> int:
    """How much of an accrual the refunds of a line return in total: floor(A × R / P), R capped at P."""
    if payable_fen <= 0 or accrued_fen <= 0:
        return 0
    return accrued_fen * min(max(refunded_fen, 0), payable_fen) // payable_fen


def withdrawal_fee(amount_fen: int, flat_fen: int, rate: Decimal) -> int:
    """The fee of a withdrawal: a flat fee plus a rate (rounded down: the promoter never pays a part fen)."""
    return flat_fen + commission_of(amount_fen, rate)


def pick_beneficiaries(*, buyer_id: int, sharer_id: int | None, kol_id: int | None, levels: int,
                       sharer_first: bool, inviter_chain: Callable[[int, int], Sequence[int]],
                       may_promote: Callable[[int], bool]) -> list[Beneficiary]:
    """Who is paid at which level for one order line.

    Level 1: when `sharer_first`, the member whose share link led to the order (`sharer_id`) if they may promote,
    else the line's KOL (the post or shelf the order came from) if they may promote; otherwise — and always when
    `sharer_first` is off — the buyer's binding inviter. Never the buyer. Levels 2 and 3: level 1's inviter, then
    theirs (`inviter_chain(user_id, n)`: the binding chain, nearest first). A member who may not promote is
    skipped without moving the others up (no compression); a member met twice ends the chain (a cycle). At most
    `min(levels, MAX_LEVELS)` levels, whatever the settings say."""
    levels = min(levels, MAX_LEVELS)
    if levels <= 0:
        return []
    first: int | None = None
    if sharer_first:
        for candidate in (sharer_id, kol_id):
            if candidate and candidate != buyer_id and may_promote(candidate):
                first = candidate
                break
    if first is None:
        inviters = list(inviter_chain(buyer_id, 1))[:1]
        first = inviters[0] if inviters else None
    if first is None or first == buyer_id:
        return []
    people = [first, *list(inviter_chain(first, levels - 1))[: levels - 1]]
    seen = {buyer_id}
    out: list[Beneficiary] = []
    for level, user_id in enumerate(people[:levels], start=1):
        if user_id in seen:
            break
        seen.add(user_id)
        if may_promote(user_id):
            out.append(Beneficiary(level=level, user_id=user_id, kol=(level == 1 and user_id == kol_id)))
    return out


PROMOTER_TRANSITIONS: dict[str, frozenset[str]] = {
    "applied": frozenset({"active", "rejected"}),
    "active": frozenset({"suspended"}),
    "suspended": frozenset({"active"}),
    "rejected": frozenset({"applied", "active"}),  # apply again, or be appointed
}
