"""Row locks of the invites app (one helper per model; docs/ARCHITECTURE.md, "Lock order").

Every bind locks the policy row first (`lock_bind_gate`): binds are serialised, so a bind that would close a
cycle always sees every binding committed before it (two concurrent binds A→B and B→A, or the last edge of any
longer ring, cannot both pass the cycle check). A bind is a short transaction with no other app's lock, and
sign-ups are rare next to orders, so one gate costs nothing that matters. An outcome is locked alone."""

from __future__ import annotations

from quanzi.core.locks import lock_first, lock_row
from quanzi.referrals.invites.models import InviteOutcome, InvitePolicy


def lock_bind_gate() -> InvitePolicy:
    InvitePolicy.objects.get_or_create(pk=1)
    return lock_row(InvitePolicy, 1)


def lock_outcome(invitee_id: int) -> InviteOutcome | None:
    return lock_first(InviteOutcome.objects.filter(invitee_id=invitee_id))
