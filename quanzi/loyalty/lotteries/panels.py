"""The lottery panel on a community's pages (registered in `LotteriesConfig.ready`): its running and recent
lotteries, and the "new lottery" link for its owner and admins."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from quanzi.loyalty.lotteries import selectors


def community_panel(request: Any, community: Any) -> str:
    user = getattr(request, "user", None)
    lotteries = selectors.community_lotteries(community_id=community.pk)
    can_create = selectors.can_manage(user=user, community=community)
    if not lotteries and not can_create:
        return ""
    rows = [(lot, selectors.lottery_state(lot)) for lot in lotteries]
    return render_to_string("lotteries/_panel_community.html", {
        "rows": rows, "can_create": can_create, "community": community}, request=request)
