"""Paid content's numbers (defaults; operators change them in settings `QUANZI`).

- `PAIDCONTENT_COMMISSION_RATE` (default "0.2000"): the platform's share of a paid-content sale for an author who
  is not a merchant yet (their payee account is opened at this rate); an author who already sells goods keeps
  their shop's rate, because a user has one merchant account and one statement per period.
- `PAIDCONTENT_PREVIEW_CHARS` (default 120): the free preview of a paid post without a marker line.
- `PAIDCONTENT_REMIND_DAYS` (default 3): a column subscriber is told this many days before their access ends.
- a column period adds 31 days (month) or 365 days (year), stacked after the running term.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings

from quanzi.paidcontent.enums import Period

MAX_PRICE_FEN = 10_000_00  # ¥10,000 per item: beyond this a price is a typo
PAID_MARKER = "---付费---"  # a line of its own in a paid post's text: what is above it is the free preview
PERIOD_DAYS = {Period.MONTH: 31, Period.YEAR: 365}


def _conf(key: str, default: object) -> object:
    return getattr(settings, "QUANZI", {}).get(key, default)


def commission_rate() -> Decimal:
    return Decimal(str(_conf("PAIDCONTENT_COMMISSION_RATE", "0.2000")))


def preview_chars() -> int:
    return int(str(_conf("PAIDCONTENT_PREVIEW_CHARS", 120)))


def remind_before() -> dt.timedelta:
    return dt.timedelta(days=int(str(_conf("PAIDCONTENT_REMIND_DAYS", 3))))


def split_body(text: str, *, free_chars: int | None = None) -> tuple[str, str]:
    """(free preview, paid rest) of a paid post's text: above the marker line if there is one, else the first
    `free_chars` characters (default `preview_chars()`)."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if line.strip() == PAID_MARKER:
            return "\n".join(lines[:i]).strip(), "\n".join(lines[i + 1:]).strip()
    n = preview_chars() if free_chars is None else free_chars
    return text[:n].strip(), text[n:].strip()
