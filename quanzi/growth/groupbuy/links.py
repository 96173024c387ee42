"""Links into the normal checkout page with the group-buy options (used by the pages and the product panel)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from quanzi.growth.groupbuy import rules


def checkout_url(*, sku_id: int, quantity: int = 1, campaign_id: int | None = None, group_id: int | None = None,
                 token: str = "") -> str:
    """The checkout page with the options that join `group_id` (through the share `token`, if any) or open a
    group of `campaign_id`; the buyer sees the price waterfall there and pays at the normal cashier."""
    params: dict[str, Any] = {"sku_id": sku_id, "quantity": quantity, "options_chosen": 1}
    if group_id:
        params["options.group_id"] = group_id
        if token:
            params["options.extra.groupbuy_token"] = token
    elif campaign_id:
        params["options.campaign_id"] = campaign_id
        params["options.extra.campaign_kind"] = rules.CAMPAIGN_KIND
    return "/checkout/?" + urlencode(params)
