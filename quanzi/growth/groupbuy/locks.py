"""Row locks on the group-buy tables: one helper per model (docs/ARCHITECTURE.md, "Lock order").

A group is locked before anything of its members' orders: group → order → payment → refund (a place paid, a group
closing and refunding). A checkout holds its new, not yet visible order and then takes a place by a conditional
update on the group row, which no one else can wait for in a circle. A campaign is locked alone (pause, resume,
end); ending one then closes its open groups one by one, each in its own transaction."""

from __future__ import annotations

from quanzi.core.locks import lock_first
from quanzi.growth.groupbuy.models import GroupBuyCampaign, GroupBuyGroup


def lock_group(group_id: int) -> GroupBuyGroup | None:
    return lock_first(GroupBuyGroup.objects.select_related("campaign").filter(pk=group_id), of=("self",))


def lock_campaign(campaign_id: int) -> GroupBuyCampaign | None:
    return lock_first(GroupBuyCampaign.objects.filter(pk=campaign_id))
