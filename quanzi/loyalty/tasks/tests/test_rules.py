"""The pure period and counting rules (Asia/Shanghai days, ISO weeks, calendar months, a repeating table)."""

from __future__ import annotations

import datetime as dt

from quanzi.loyalty.tasks import rules
from quanzi.loyalty.tasks.enums import Period, StreakMode


def test_period_keys() -> None:
    d = dt.date(2026, 11, 30)  # a Monday, ISO week 49
    assert rules.period_key(Period.ONCE, d) == "once"
    assert rules.period_key(Period.DAILY, d) == "2026-11-30"
    assert rules.period_key(Period.WEEKLY, d) == "2026-W49"
    # the ISO year, not the calendar year: 2027-01-01 is a Friday in week 53 of 2026
    assert rules.period_key(Period.WEEKLY, dt.date(2027, 1, 1)) == "2026-W53"


def test_period_windows() -> None:
    d = dt.date(2026, 12, 2)  # Wednesday
    assert rules.period_window(Period.ONCE, d) is None
    assert rules.period_window(Period.DAILY, d) == (d, d)
    assert rules.period_window(Period.WEEKLY, d) == (dt.date(2026, 11, 30), dt.date(2026, 12, 6))


def test_count_windows() -> None:
    d = dt.date(2026, 12, 2)
    assert rules.count_window(StreakMode.CONTINUOUS, d) is None
    assert rules.count_window(StreakMode.WEEKLY, d) == (dt.date(2026, 11, 30), d)
    assert rules.count_window(StreakMode.MONTHLY, d) == (dt.date(2026, 12, 1), d)


def test_table_day_repeats_past_the_last_row() -> None:
    assert [rules.table_day(n, 7, True) for n in (1, 6, 7, 8, 14, 15)] == [1, 6, 7, 1, 7, 1]
    assert [rules.table_day(n, 7, False) for n in (7, 8, 30)] == [7, 8, 30]
    assert rules.table_day(3, 0, True) == 3
