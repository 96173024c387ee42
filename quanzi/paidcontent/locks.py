"""Row locks of paid content (docs/ARCHITECTURE.md, "Lock order"): a purchase's moves lock its row; a column
subscriber's new term locks the subscriber's purchases of that column first (in pk order) so two renewals paid at
the same moment stack one after the other."""

from __future__ import annotations

from quanzi.core.locks import lock_first, lock_rows
from quanzi.paidcontent.enums import ItemKind
from quanzi.paidcontent.models import Course, Purchase


def lock_purchase(pk: int) -> Purchase | None:
    return lock_first(Purchase.objects.filter(pk=pk))


def lock_column_subscriber(*, user_id: int, column_id: int) -> None:
    """Lock every purchase of the column by the subscriber, in pk order (the renewal's stacking reads them)."""
    lock_rows(Purchase, Purchase.objects.filter(user_id=user_id, kind=ItemKind.COLUMN, item_id=column_id)
              .values_list("pk", flat=True))


def lock_course(pk: int) -> Course | None:
    """A course's row, while a lesson is appended (its position is the next free one)."""
    return lock_first(Course.objects.filter(pk=pk))
