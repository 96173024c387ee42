"""Notify's reads: a member's settings as the page shows them, deliveries due for another try, a member's
deliveries (the privacy export reads them through the generic pass)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone

from quanzi.notify.enums import Channel, DeliveryStatus, KindGroup
from quanzi.notify.kinds import default_enabled
from quanzi.notify.models import Delivery, Preference

RETRY_AFTER = dt.timedelta(minutes=2)  # a pending delivery younger than this is still in the queue


@dataclass(frozen=True)
class PreferenceRow:
    group: str
    label: str
    channels: dict[str, bool]  # channel -> on


def preferences_of(*, user: Any) -> list[PreferenceRow]:
    """One row per group of kinds, with every channel's state (the member's choice, else the default)."""
    chosen = {(p.group, p.channel): p.enabled for p in Preference.objects.filter(user=user)}
    return [PreferenceRow(group=str(group), label=str(group.label),
                          channels={str(c): chosen.get((group, c), default_enabled(group, c)) for c in Channel})
            for group in KindGroup]


def deliveries_due(*, limit: int = 500) -> list[int]:
    from quanzi.notify.services import MAX_ATTEMPTS

    stale = timezone.now() - RETRY_AFTER
    return list(Delivery.objects.filter(
        Q(status=DeliveryStatus.PENDING, created_at__lt=stale) | Q(status=DeliveryStatus.FAILED),
        attempts__lt=MAX_ATTEMPTS).order_by("pk").values_list("pk", flat=True)[:limit])


def deliveries_of(*, notification_id: int) -> list[Delivery]:
    return list(Delivery.objects.filter(notification_id=notification_id).order_by("channel"))
