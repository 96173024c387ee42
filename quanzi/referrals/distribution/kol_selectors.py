"""A KOL's commission on the order lines their posts and shelf picks sold, for the KOL centre (达人中心): the net
of accruals and refund reversals, per order line (the release to "available" moves money between buckets and is
not counted again)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from quanzi.referrals.distribution.enums import EntryKind
from quanzi.referrals.distribution.models import CommissionEntry


def commission_by_line(*, user_id: int, order_line_ids: Iterable[int]) -> dict[int, int]:
    """{order line id: this member's net commission on it, in fen} (lines without commission are left out)."""
    ids = list(set(order_line_ids))
    out: dict[int, int] = defaultdict(int)
    if not ids:
        return {}
    for line_id, fen in CommissionEntry.objects.filter(
            promoter__user_id=user_id, order_line_id__in=ids,
            kind__in=(EntryKind.ACCRUE, EntryKind.REVERSE)).values_list("order_line_id", "amount_fen"):
        if line_id is not None:
            out[int(line_id)] += int(fen)
    return dict(out)
