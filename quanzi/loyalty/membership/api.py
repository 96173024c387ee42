"""/api/v1/loyalty/membership."""

from __future__ import annotations

from ninja import Router

from quanzi.api_auth import required

router = Router(tags=["membership 等级与会员"], auth=required)
