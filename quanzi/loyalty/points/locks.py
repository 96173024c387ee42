"""Row locks on the points app's tables (one helper per model; docs/ARCHITECTURE.md, "Lock order").

Every move that takes points out of a member's lots (a checkout's redemption, a mall redemption, a claw-back, an
expiry) locks the member's `PointsAccount` first, then reads the lots and takes from them by conditional updates:
two drawers of one member are serialised, so both cannot count the same points. It comes last inside a checkout
(after the stock rows and the member balance account); in a mall redemption after the item's and the member
counter's conditional updates. Giving points (an earn, a restore) writes new lots and locks nothing. A redemption
is locked alone when an operator ships or cancels it."""

from __future__ import annotations

from quanzi.core.locks import lock_row
from quanzi.loyalty.points.models import MallRedemption, PointsAccount


def lock_points_account(user_id: int) -> PointsAccount:
    """Lock (creating it the first time) the member's points account."""
    account, _created = PointsAccount.objects.get_or_create(user_id=user_id)
    return lock_row(PointsAccount, account.pk)


def lock_redemption(redemption_id: int) -> MallRedemption:
    return lock_row(MallRedemption, redemption_id)
