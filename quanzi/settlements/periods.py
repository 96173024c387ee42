"""Settlement periods: [start, end) in Asia/Shanghai calendar days. A month is the usual period; any range of
1–366 days is allowed (a custom statement)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from quanzi.core.timeutil import SHANGHAI
from quanzi.settlements import errors

MAX_DAYS = 366


@dataclass(frozen=True)
class Period:
    start: dt.date  # first day, included
    end: dt.date  # day after the last day, excluded

    def __post_init__(self) -> None:
        if not isinstance(self.start, dt.date) or not isinstance(self.end, dt.date):
            raise errors.invalid_period()
        if not 1 <= (self.end - self.start).days <= MAX_DAYS:
            raise errors.invalid_period()

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        if not 1 <= month <= 12 or not 2000 <= year <= 2200:
            raise errors.invalid_period()
        start = dt.date(year, month, 1)
        end = dt.date(year + 1, 1, 1) if month == 12 else dt.date(year, month + 1, 1)
        return cls(start, end)

    @classmethod
    def month_before(cls, day: dt.date) -> Period:
        """The calendar month before the one `day` is in (what the job settles on the 1st)."""
        first = day.replace(day=1)
        last_month = first - dt.timedelta(days=1)
        return cls.month(last_month.year, last_month.month)

    @classmethod
    def parse(cls, *, month: str = "", start: str = "", end: str = "") -> Period:
        """`month` "2026-10", or `start` and `end` ("2026-10-01", end excluded)."""
        try:
            if month:
                year, mon = month.split("-")
                return cls.month(int(year), int(mon))
            return cls(dt.date.fromisoformat(start), dt.date.fromisoformat(end))
        except (ValueError, TypeError) as exc:
            raise errors.invalid_period() from exc

    @property
    def start_at(self) -> dt.datetime:
        return dt.datetime.combine(self.start, dt.time.min, tzinfo=SHANGHAI)

    @property
    def end_at(self) -> dt.datetime:
        return dt.datetime.combine(self.end, dt.time.min, tzinfo=SHANGHAI)

    @property
    def last_day(self) -> dt.date:
        return self.end - dt.timedelta(days=1)

    @property
    def is_month(self) -> bool:
        return self.start.day == 1 and self == Period.month(self.start.year, self.start.month)

    def label(self) -> str:
        if self.is_month:
            return f"{self.start:%Y-%m}"
        return f"{self.start.isoformat()} – {self.last_day.isoformat()}"
