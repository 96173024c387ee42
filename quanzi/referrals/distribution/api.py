"""/api/v1/referrals/distribution."""

from __future__ import annotations

from ninja import Router

from quanzi.api_auth import required

router = Router(tags=["distribution 分销"], auth=required)
