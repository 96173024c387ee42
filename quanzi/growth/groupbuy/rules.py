"""Group-buy rules read in several places: the transition tables, how a campaign and a group read at a moment
(time-outs hold even when no job ran: a group past its deadline reads as closed), and the bounds of a campaign."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import Q

from quanzi.growth.groupbuy.enums import CampaignPhase, CampaignStatus, GroupStatus

MIN_SIZE, MAX_SIZE = 2, 100
MIN_FILL_MINUTES, MAX_FILL_MINUTES = 5, 7 * 24 * 60
MAX_MEMBER_LIMIT = 99
MAX_CAMPAIGN_DAYS = 180
CAMPAIGN_KIND = "groupbuy"  # options["campaign_kind"] may say so; other campaigns (flash sales) say theirs
HOLD_SOURCE = "groupbuy"  # the shipping hold a member's order carries until the group succeeds
REFUND_PREFIX = "GB-"  # refund numbers this app makes: GB-<member id>, so each member is refunded once


def refund_no(member_id: int) -> str:
    return f"{REFUND_PREFIX}{member_id}"


def adjustment_source(campaign_id: int) -> str:
    """The source of the group-price adjustment on an order line (orders.pricing)."""
    return f"groupbuy:{campaign_id}"


def expiry_sweep_limit() -> int:
    return int(getattr(settings, "QUANZI", {}).get("GROUPBUY_SWEEP_LIMIT", 500))


CAMPAIGN_TRANSITIONS: dict[str, frozenset[str]] = {
    CampaignStatus.ACTIVE: frozenset({CampaignStatus.PAUSED, CampaignStatus.ENDED}),
    CampaignStatus.PAUSED: frozenset({CampaignStatus.ACTIVE, CampaignStatus.ENDED}),
    CampaignStatus.ENDED: frozenset(),
}

GROUP_TRANSITIONS: dict[str, frozenset[str]] = {
    GroupStatus.OPEN: frozenset({GroupStatus.SUCCEEDED, GroupStatus.FAILED}),
    GroupStatus.SUCCEEDED: frozenset(),
    GroupStatus.FAILED: frozenset(),
}


def campaign_phase(campaign: Any, now: dt.datetime) -> str:
    """Ended (by the merchant or by its end time), paused, not started yet, or running."""
    if campaign.status == CampaignStatus.ENDED or campaign.ends_at <= now:
        return CampaignPhase.ENDED
    if campaign.status == CampaignStatus.PAUSED:
        return CampaignPhase.PAUSED
    if campaign.starts_at > now:
        return CampaignPhase.SCHEDULED
    return CampaignPhase.RUNNING


def running_q(now: dt.datetime, prefix: str = "") -> Q:
    return Q(**{f"{prefix}status": CampaignStatus.ACTIVE, f"{prefix}starts_at__lte": now,
                f"{prefix}ends_at__gt": now})


def group_is_open(group: Any, now: dt.datetime) -> bool:
    return bool(group.status == GroupStatus.OPEN and group.deadline > now)


def group_status_now(group: Any, now: dt.datetime) -> str:
    """An open group past its deadline reads as it will close: succeeded when the campaign lets a group succeed
    at expiry with the members who paid (at least one), otherwise failed."""
    if group.status != GroupStatus.OPEN or group.deadline > now:
        return str(group.status)
    if group.campaign.succeed_at_expiry and group.paid_count >= 1:
        return GroupStatus.SUCCEEDED
    return GroupStatus.FAILED


def open_q(now: dt.datetime, prefix: str = "") -> Q:
    return Q(**{f"{prefix}status": GroupStatus.OPEN, f"{prefix}deadline__gt": now})


def group_deadline(campaign: Any, opened_at: dt.datetime) -> dt.datetime:
    """A group has `fill_minutes` to fill, and never outlives its campaign."""
    return min(opened_at + dt.timedelta(minutes=campaign.fill_minutes), campaign.ends_at)
