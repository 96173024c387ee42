"""/api/v1/loyalty/tasks."""

from __future__ import annotations

from ninja import Router

from quanzi.api_auth import required

router = Router(tags=["tasks 任务中心"], auth=required)
