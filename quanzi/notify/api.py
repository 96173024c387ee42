"""Notification settings over the API: `GET /api/v1/notify/preferences` (one row per group of kinds, each
channel's state), `PUT /api/v1/notify/preferences` (one group on one channel on or off)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from quanzi.api_auth import current_user, required
from quanzi.notify import selectors, services
from quanzi.notify.schemas import PreferenceIn, PreferenceOut

router = Router(tags=["notify"])


@router.get("/preferences", response=list[PreferenceOut], auth=required)
def preferences(request: HttpRequest) -> list[selectors.PreferenceRow]:
    return selectors.preferences_of(user=current_user(request))


@router.put("/preferences", response=list[PreferenceOut], auth=required)
def preference_set(request: HttpRequest, data: PreferenceIn) -> list[selectors.PreferenceRow]:
    user = current_user(request)
    services.preference_set(user=user, group=data.group, channel=data.channel, enabled=data.enabled)
    return selectors.preferences_of(user=user)
