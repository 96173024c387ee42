"""`track()`: the one way every service appends to the event log; `touch_record()`: the touches an order's credit
reads. The names and props `track()` accepts are the contract in `quanzi/core/event_catalogue.py`."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from quanzi.core.enums import TouchKind
from quanzi.core.event_catalogue import problems
from quanzi.core.models import Event, Touch

logger = logging.getLogger("quanzi.events")


def _strict() -> bool:
    """Tests and DEBUG fail loudly on a call that breaks the catalogue; production logs it and keeps the event."""
    return bool(settings.DEBUG or getattr(settings, "TESTING", False))


def _when(at: dt.datetime | None) -> dt.datetime:
    if at is None:
        return timezone.now()  # looked up at call time: the demo builder's clock moves it
    if timezone.is_naive(at):
        raise ValueError("track(at=...) needs an aware datetime")
    return at


def track(
    name: str,
    *,
    user: Any = None,
    obj: models.Model | None = None,
    community_id: int | None = None,
    share_token: str = "",
    at: dt.datetime | None = None,
    **props: Any,
) -> Event:
    """Append one event: who (`user`), what (`name`), which object, which community, which share token, when
    (`at`: now unless history is being imported), and the event's props as the catalogue declares them.

    Called inside the service's transaction, so a rolled-back write leaves no event behind.
    """
    user_id = getattr(user, "pk", None) if user is not None and getattr(user, "is_authenticated", False) else None
    object_type = (obj._meta.model_name or "") if obj is not None else ""
    stored = {k: v for k, v in props.items() if v is not None}
    wrong = problems(name, object_type=object_type, props=stored)
    if wrong:
        if _strict():
            raise ValueError("; ".join(wrong))
        logger.error("event breaks the catalogue: %s", "; ".join(wrong))
    return Event.objects.create(
        name=name,
        user_id=user_id,
        object_type=object_type,
        object_id=obj.pk if obj is not None else None,
        community_id=community_id,
        share_token=share_token or "",
        props=stored,
        created_at=_when(at),
    )


def touch_record(
    *,
    user: Any,
    kind: str,
    post_id: int | None = None,
    product_id: int | None = None,
    share_token: str = "",
    community_id: int | None = None,
    at: dt.datetime | None = None,
) -> Touch | None:
    """Record a touch that may credit a later order (`orders.selectors.order_attribution` reads only these):
    a click on a product card in a post (`card_click`, with the post and the product), a view of a post through a
    share link (`share_view`, with the post and the token), or a view of a product through a share link that is
    not a post's (`link_view`, with the product and the token, no post: a group-buy link). Called next to the
    `track()` of the same moment. Anonymous visitors leave no touch (no order can follow without a login)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if kind == TouchKind.CARD_CLICK:
        if product_id is None or post_id is None:
            raise ValueError("a card_click touch needs its post_id and product_id")
    elif kind == TouchKind.SHARE_VIEW:
        if not share_token or post_id is None:
            raise ValueError("a share_view touch needs its post_id and share token")
    elif kind == TouchKind.LINK_VIEW:
        if product_id is None or not share_token or post_id is not None:
            raise ValueError("a link_view touch needs its product_id and share token, and has no post")
    else:
        raise ValueError(f"unknown touch kind {kind!r}")
    return Touch.objects.create(
        user_id=user.pk, kind=kind, product_id=product_id, post_id=post_id, share_token=(share_token or "")[:32],
        community_id=community_id, created_at=_when(at))


def touches_between(*, user_id: int, since: dt.datetime, until: dt.datetime, limit: int = 500) -> list[Touch]:
    """A member's touches (card clicks, share-link views) in a time window, latest first (for order credit)."""
    return list(Touch.objects.filter(user_id=user_id, created_at__gte=since, created_at__lte=until)
                .order_by("-created_at", "-id")[:limit])


def events_with_prop(*, names: tuple[str, ...], prop: str, value: int, since: dt.datetime | None = None) -> int:
    """How many events of these names carry `props[prop] == value` (since `since`): e.g. the views that came
    through one member's share links (`post.view` / `groupbuy.group_view` with `sharer_id`), the promoter
    centre's clicks."""
    qs = Event.objects.filter(name__in=names, **{f"props__{prop}": value})
    if since is not None:
        qs = qs.filter(created_at__gte=since)
    return qs.count()


def event_rows_after(*, after_id: int, limit: int) -> list[dict[str, Any]]:
    """The next `limit` events with id > after_id, oldest id first, as plain dicts (the analytics export reads the
    log through this: insight/export.py)."""
    return [dict(r) for r in Event.objects.filter(id__gt=after_id).order_by("id").values(
        "id", "name", "user_id", "object_type", "object_id", "community_id", "share_token", "props",
        "created_at")[:limit]]
