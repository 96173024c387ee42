"""The platform's revenue mix (营收构成): one registry of revenue lines, each read from its own ledger.

A line is a key, a label, `by_day(since)` -> {day: fen} read from the ledger that books it, and `ledger_total()`
-> fen, the same money read another way (a header, a counter), so the dashboard can show that each line reconciles:
the sum of its days over all time equals the ledger's total.

Registered here, in `AdsConfig.ready()` (ads may read the apps below it): sales commission (settlements' statement
lines; total from the statements' headers), paid membership (loyalty.membership's paid periods, paid − refunded)
and ads (the billed events; total from the campaigns' spend counters). A later line (paid content, KOL service
fees) registers with `revenue_line()` from its own app's `ready()` if that app sits above ads, or here, through
its selectors, if it sits below."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone


@dataclass(frozen=True)
class RevenueLine:
    key: str
    label: Any  # a lazy translation
    by_day: Callable[[dt.date | None], dict[dt.date, int]]
    ledger_total: Callable[[], int]
    order: int = 50


LINES: dict[str, RevenueLine] = {}


def revenue_line(key: str, *, label: Any, by_day: Callable[[dt.date | None], dict[dt.date, int]],
                 ledger_total: Callable[[], int], order: int = 50) -> None:
    """Register (or replace, by key) a revenue line."""
    LINES[key] = RevenueLine(key=key, label=label, by_day=by_day, ledger_total=ledger_total, order=order)


@dataclass
class LineFigures:
    key: str
    label: str
    days: list[int]  # fen per day of the window, oldest first
    window_fen: int
    all_time_fen: int  # the sum of every day the line has
    ledger_fen: int  # the ledger's own total

    @property
    def reconciles(self) -> bool:
        return self.all_time_fen == self.ledger_fen


@dataclass
class RevenueMix:
    days: list[dt.date]
    lines: list[LineFigures] = field(default_factory=list)

    @property
    def window_fen(self) -> int:
        return sum(line.window_fen for line in self.lines)

    @property
    def all_time_fen(self) -> int:
        return sum(line.all_time_fen for line in self.lines)

    def chart(self) -> dict[str, Any]:
        return {"days": [d.strftime("%m-%d") for d in self.days],
                "series": [{"key": line.key, "name": line.label, "fen": line.days} for line in self.lines]}


def revenue_mix(*, days: int = 30, today: dt.date | None = None) -> RevenueMix:
    """Each registered line per day over the last `days` days (Asia/Shanghai), with its all-time total and its
    ledger's total."""
    today = today or timezone.localdate()
    since = today - dt.timedelta(days=days - 1)
    window = [since + dt.timedelta(days=i) for i in range(days)]
    mix = RevenueMix(days=window)
    for line in sorted(LINES.values(), key=lambda ln: (ln.order, ln.key)):
        every_day = line.by_day(None)
        per_day = [every_day.get(d, 0) for d in window]
        mix.lines.append(LineFigures(key=line.key, label=str(line.label), days=per_day, window_fen=sum(per_day),
                                     all_time_fen=sum(every_day.values()), ledger_fen=line.ledger_total()))
    return mix


def register_builtin_lines() -> None:
    """The lines of the apps below ads (called from `AdsConfig.ready()`)."""
    from django.utils.translation import gettext_lazy as _

    from quanzi.ads import selectors
    from quanzi.loyalty.membership import selectors as membership_selectors
    from quanzi.settlements import selectors as settlement_selectors

    revenue_line("commission", label=_("销售佣金"), order=10,
                 by_day=lambda since: settlement_selectors.commission_by_day(since=since),
                 ledger_total=settlement_selectors.commission_total)
    revenue_line("membership", label=_("付费会员"), order=20,
                 by_day=lambda since: membership_selectors.paid_revenue_by_day(since=since),
                 ledger_total=membership_selectors.paid_revenue_total)
    revenue_line("ads", label=_("广告"), order=30,
                 by_day=lambda since: selectors.spend_by_day(since=since),
                 ledger_total=selectors.spend_ledger_total)
