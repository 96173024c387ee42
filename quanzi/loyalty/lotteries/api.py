"""/api/v1/loyalty/lotteries."""

from __future__ import annotations

from ninja import Router

from quanzi.api_auth import required

router = Router(tags=["lotteries 抽奖"], auth=required)
