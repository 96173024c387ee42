"""Ads' part of a member's personal data (core/personal_data.py). Registered in `AdsConfig.ready()`.

Export: the ads the member was shown and clicked, and the orders credited to those clicks. Erase (注销): the
impressions and clicks stay (they are what merchants were billed for, and the spend must keep equalling the sum
of the billed events) but lose the member; the frequency counters go."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from quanzi.ads.models import AdConversion, AdEvent, AdFrequency
from quanzi.core import personal_data


def export_ads(user_id: int) -> list[dict[str, Any]]:
    rows = personal_data.rows_of(AdEvent.objects.filter(user_id=user_id).order_by("id"), exclude=("token", "key"))
    credited = dict(AdConversion.objects.filter(click__user_id=user_id).values_list("click_id", "order_id"))
    for row in rows:
        row["credited_order_id"] = credited.get(row["id"])
    return rows


@transaction.atomic
def erase_ads(user_id: int) -> None:
    AdFrequency.objects.filter(user_id=user_id).delete()
    AdEvent.objects.filter(user_id=user_id).update(user=None)


def register() -> None:
    personal_data.register("ads", export=export_ads, erase=erase_ads,
                           models=("ads.AdEvent", "ads.AdFrequency"), erase_order=30)
