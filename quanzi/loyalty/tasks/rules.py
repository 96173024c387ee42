"""The pure rules of tasks and check-in rewards (no database): periods in Asia/Shanghai days and ISO weeks, and
how a check-in reward rule counts a member's days.

- A task's period: `once` (ever), `daily` (the Asia/Shanghai calendar day), `weekly` (the ISO week, Monday to
  Sunday). Its key names the period a claim is for: "once", "2026-11-30", "2026-W48".
- A check-in reward rule counts the member's check-ins in one community:
  `continuous`: the streak (consecutive days; a missed day starts again at 1 — content's `CheckIn.streak`);
  `weekly`: check-in days in the ISO week so far; `monthly`: check-in days in the calendar month so far.
  With `repeat`, a count past the table's last day starts the table again (day 8 of a 7-day table is day 1)."""

from __future__ import annotations

import datetime as dt

from quanzi.loyalty.tasks.enums import Period, StreakMode


def period_key(period: str, day: dt.date) -> str:
    if period == Period.DAILY:
        return day.isoformat()
    if period == Period.WEEKLY:
        year, week, _weekday = day.isocalendar()
        return f"{year}-W{week:02d}"
    return "once"


def period_window(period: str, day: dt.date) -> tuple[dt.date, dt.date] | None:
    """The first and last day of the period that contains `day`; None for `once` (no window: all time)."""
    if period == Period.DAILY:
        return day, day
    if period == Period.WEEKLY:
        monday = day - dt.timedelta(days=day.weekday())
        return monday, monday + dt.timedelta(days=6)
    return None


def count_window(mode: str, day: dt.date) -> tuple[dt.date, dt.date] | None:
    """The days a `weekly` or `monthly` rule counts check-ins in, up to `day`; None for `continuous`."""
    if mode == StreakMode.WEEKLY:
        return day - dt.timedelta(days=day.weekday()), day
    if mode == StreakMode.MONTHLY:
        return day.replace(day=1), day
    return None


def table_day(count: int, last_day: int, repeat: bool) -> int:
    """The row of the reward table a count lands on: with `repeat`, counts past the last row start again at 1."""
    if repeat and last_day > 0 and count > last_day:
        return (count - 1) % last_day + 1
    return count
