"""Flash-sale rules read in several places: the session and reservation transition tables and the phase a session
is in now (read from the clock, so a session starts and ends on time even when no job runs)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from quanzi.growth.flashsale.enums import ReservationStatus, SessionPhase, SessionStatus

SESSION_TRANSITIONS: dict[str, frozenset[str]] = {
    SessionStatus.DRAFT: frozenset({SessionStatus.SCHEDULED, SessionStatus.ENDED}),
    SessionStatus.SCHEDULED: frozenset({SessionStatus.PAUSED, SessionStatus.ENDED}),
    SessionStatus.PAUSED: frozenset({SessionStatus.SCHEDULED, SessionStatus.ENDED}),
    SessionStatus.ENDED: frozenset(),
}

RESERVATION_TRANSITIONS: dict[str, frozenset[str]] = {
    ReservationStatus.RESERVED: frozenset({ReservationStatus.PAID, ReservationStatus.RELEASED}),
    ReservationStatus.PAID: frozenset({ReservationStatus.REFUNDED}),
    ReservationStatus.RELEASED: frozenset(),
    ReservationStatus.REFUNDED: frozenset(),
}

CAMPAIGN_KIND = "flashsale"  # options["campaign_kind"]: says that options["campaign_id"] is a flash-sale item


def source_of(item_id: int) -> str:
    """The adjustment source of a flash-sale price (OrderLineAdjustment.source, refund splits)."""
    return f"{CAMPAIGN_KIND}:{item_id}"


def phase(*, status: str, starts_at: dt.datetime, ends_at: dt.datetime, now: dt.datetime) -> str:
    if status == SessionStatus.DRAFT:
        return SessionPhase.DRAFT
    if status == SessionStatus.ENDED or now >= ends_at:
        return SessionPhase.ENDED
    if status == SessionStatus.PAUSED:
        return SessionPhase.PAUSED
    return SessionPhase.UPCOMING if now < starts_at else SessionPhase.LIVE


def session_phase(session: Any, now: dt.datetime) -> str:
    return phase(status=session.status, starts_at=session.starts_at, ends_at=session.ends_at, now=now)


def flash_item_of(options: dict[str, Any]) -> int | None:
    """The flash-sale item a checkout's options name, or None. Only with `campaign_kind="flashsale"`: other
    campaigns (group-buys) read `campaign_id` too, and an id alone does not say whose it is."""
    if options.get("campaign_kind") != CAMPAIGN_KIND:
        return None
    value = options.get("campaign_id")
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None
