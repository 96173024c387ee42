"""Coupon rules read in several places: the status machines of templates and coupons, a coupon's validity
window, and how a coupon reads now (usable, not yet valid, used, expired) — read from the clock, so a coupon
expires on time with no job."""

from __future__ import annotations

import datetime as dt
from typing import Any

from quanzi.core.messages import Text
from quanzi.core.statemachine import StateMachine
from quanzi.growth.coupons import errors
from quanzi.growth.coupons.enums import CouponState, CouponStatus, TemplateStatus
from quanzi.growth.coupons.models import (
    Coupon,
    CouponStatusChange,
    CouponTemplate,
    CouponTemplateStatusChange,
)

# pausing and ending stop claiming only: coupons members already hold stay valid until they expire (a promise made)
TEMPLATE_TRANSITIONS: dict[str, frozenset[str]] = {
    TemplateStatus.ACTIVE: frozenset({TemplateStatus.PAUSED, TemplateStatus.ENDED}),
    TemplateStatus.PAUSED: frozenset({TemplateStatus.ACTIVE, TemplateStatus.ENDED}),
    TemplateStatus.ENDED: frozenset(),
}

COUPON_TRANSITIONS: dict[str, frozenset[str]] = {
    CouponStatus.UNUSED: frozenset({CouponStatus.USED}),  # used at checkout
    CouponStatus.USED: frozenset({CouponStatus.UNUSED}),  # returned: its orders were cancelled or fully refunded
}


def _note_parts(note: Text) -> tuple[str, str]:
    """The audit note of a coupon move is `reason` or `reason:ref` (a ChangeReason value, then what it was about,
    such as `checkout:12`): stable codes, shown in the reader's language by the reason's label."""
    reason, _sep, ref = str(note).partition(":")
    return reason, ref


def _coupon_audit(row: Any, from_status: str, to_status: str, actor: Any, note: Text) -> None:
    reason, ref = _note_parts(note)
    CouponStatusChange.objects.create(coupon=row, from_status=from_status, to_status=to_status, reason=reason,
                                      ref=ref[:64], actor=actor)


def _template_audit(row: Any, from_status: str, to_status: str, actor: Any, note: Text) -> None:
    reason, _ref = _note_parts(note)
    CouponTemplateStatusChange.objects.create(template=row, from_status=from_status, to_status=to_status,
                                              reason=reason, actor=actor)


def _illegal_template(current: str, target: str) -> Any:
    return errors.illegal_transition(str(TemplateStatus(current).label), str(TemplateStatus(target).label))


def _illegal_coupon(current: str, target: str) -> Any:
    if target == CouponStatus.USED:  # used already, or by a concurrent checkout between our read and our update
        return errors.coupon_used()
    return errors.illegal_transition(str(CouponStatus(current).label), str(CouponStatus(target).label))


TEMPLATE_MACHINE: StateMachine[CouponTemplate] = StateMachine(
    model=CouponTemplate, transitions=TEMPLATE_TRANSITIONS, audit=_template_audit, illegal=_illegal_template)
COUPON_MACHINE: StateMachine[Coupon] = StateMachine(
    model=Coupon, transitions=COUPON_TRANSITIONS, audit=_coupon_audit, illegal=_illegal_coupon)


def validity_for(template: CouponTemplate, claimed_at: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The window a coupon claimed at `claimed_at` is valid in: the template's fixed window, or N days from the
    claim."""
    if template.valid_days:
        return claimed_at, claimed_at + dt.timedelta(days=template.valid_days)
    assert template.valid_from is not None and template.valid_until is not None
    return template.valid_from, template.valid_until


def coupon_state(coupon: Coupon, now: dt.datetime) -> str:
    if coupon.status == CouponStatus.USED:
        return CouponState.USED
    if coupon.valid_until <= now:
        return CouponState.EXPIRED
    if coupon.valid_from > now:
        return CouponState.NOT_YET_VALID
    return CouponState.USABLE


def claim_open_problem(template: CouponTemplate, now: dt.datetime) -> Any:
    """Why the template cannot be claimed now (an error to raise), or None. Quota and limits are checked by the
    conditional updates that claim."""
    if template.status == TemplateStatus.PAUSED:
        return errors.claim_paused()
    if template.status == TemplateStatus.ENDED:
        return errors.claim_ended()
    if template.claim_starts_at > now:
        return errors.claim_not_started()
    if template.claim_ends_at is not None and template.claim_ends_at <= now:
        return errors.claim_ended()
    if not template.valid_days and template.valid_until is not None and template.valid_until <= now:
        return errors.claim_ended()  # a fixed window that is over: a coupon claimed now could never be used
    return None
