"""Row locks on the membership app's tables (one helper per model; docs/ARCHITECTURE.md, "Lock order").

Every write to a member's growth ledger or paid periods locks that member's `MemberAccount` row first, so two
grants see each other's total (the level is decided on it), two paid orders of one member stack their periods
one after the other, and a refund's reversal reads what was already reversed. The account is locked alone (the
order hooks run after the order's commit and hold no order), or last inside the checkout transaction."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from quanzi.core.locks import lock_row
from quanzi.loyalty.membership.models import MemberAccount


def lock_member_account(user_id: int) -> MemberAccount:
    """Lock (creating it the first time) the member's account row."""
    account = MemberAccount.objects.filter(user_id=user_id).only("pk").first()
    if account is None:
        try:
            with transaction.atomic():
                account = MemberAccount.objects.create(user_id=user_id)
        except IntegrityError:  # created meanwhile by a concurrent grant
            account = MemberAccount.objects.only("pk").get(user_id=user_id)
    return lock_row(MemberAccount, account.pk)
