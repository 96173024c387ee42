"""/api/v1/referrals/invites."""

from __future__ import annotations

from ninja import Router

from quanzi.api_auth import required

router = Router(tags=["invites 邀请"], auth=required)
