"""Notify's part of a member's personal data (core/personal_data.py). Registered in `NotifyConfig.ready()`.

Export: the generic pass covers the settings and the deliveries (every table with a key to the member). Erase
(注销): the settings and the delivery log go (the delivery texts repeat the member's notices; the inbox itself
is accounts')."""

from __future__ import annotations

from django.db import transaction

from quanzi.core import personal_data
from quanzi.notify.models import Delivery, Preference


@transaction.atomic
def erase_notify(user_id: int) -> None:
    Preference.objects.filter(user_id=user_id).delete()
    Delivery.objects.filter(recipient_id=user_id).delete()


def register() -> None:
    personal_data.register("notify", erase=erase_notify, erase_order=40)
