"""`track()`: the one way every service appends to the event log."""

from __future__ import annotations

from typing import Any

from django.db import models

from quanzi.core.models import Event


def track(
    name: str,
    *,
    user: Any = None,
    obj: models.Model | None = None,
    community_id: int | None = None,
    share_token: str = "",
    **props: Any,
) -> Event:
    """Append one event: who (`user`), what (`name`), which object, which community, which share token.

    Called inside the service's transaction, so a rolled-back write leaves no event behind.
    """
    user_id = getattr(user, "pk", None) if user is not None and getattr(user, "is_authenticated", False) else None
    return Event.objects.create(
        name=name,
        user_id=user_id,
        object_type=(obj._meta.model_name or "") if obj is not None else "",
        object_id=obj.pk if obj is not None else None,
        community_id=community_id,
        share_token=share_token or "",
        props={k: v for k, v in props.items() if v is not None},
    )
