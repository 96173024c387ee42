"""Row locks on wxlogin's tables. Taken alone (no other app's lock is held with them): unbinding locks every live
identity of the member, in id order, so two unbinds at once cannot both see "another way to log in is left" and
leave the account with none."""

from __future__ import annotations

from quanzi.core.locks import lock_rows
from quanzi.wxlogin.models import WechatIdentity


def lock_live_identities(*, user_id: int) -> dict[int, WechatIdentity]:
    ids = WechatIdentity.objects.filter(user_id=user_id, unbound_at__isnull=True).values_list("pk", flat=True)
    return {pk: row for pk, row in lock_rows(WechatIdentity, list(ids)).items() if row.unbound_at is None}
