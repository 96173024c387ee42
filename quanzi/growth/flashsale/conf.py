"""Flash-sale settings: `settings.QUANZI_FLASHSALE` overrides these defaults (read with getattr, so a deployment
without the setting runs on them)."""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, int] = {
    "PAY_MINUTES": 5,  # a flash-sale order is paid within this, or it is cancelled and its unit goes back
    "MAX_PER_MEMBER": 99,  # the highest per-member limit a session may set
    # rate limits on the buy endpoint, fixed windows: every attempt counts, refused ones too
    "MEMBER_ATTEMPTS": 10,
    "IP_ATTEMPTS": 300,  # generous: many shoppers share an address behind a carrier's NAT
    "WINDOW_SECONDS": 10,
    # with Redis gating, a winner gets a ticket (排队中) and a worker places the order (services.flash_buy_start);
    # 0 places it inside the request
    "QUEUE": 1,
    # with Redis and the queue, the buy endpoint is answered in front of Django's middleware (edge.py); 0 turns
    # that off (every buy through the full stack)
    "EDGE": 1,
    # the reconcile sync sets Redis to the database's figures only after this many seconds without a take and with
    # no ticket in flight; before that it only lowers them (counters.SYNC says why)
    "SYNC_QUIET_SECONDS": 10,
}


def conf(name: str) -> int:
    value: Any = getattr(settings, "QUANZI_FLASHSALE", {}).get(name, DEFAULTS[name])
    return int(value)


def redis_url() -> str:
    return str(getattr(settings, "REDIS_URL", "") or "")
