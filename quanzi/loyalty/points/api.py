"""/api/v1/loyalty/points."""

from __future__ import annotations

from ninja import Router

from quanzi.api_auth import required

router = Router(tags=["points 积分"], auth=required)
