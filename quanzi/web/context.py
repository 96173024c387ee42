from __future__ import annotations

from functools import partial
from typing import Any

from django.http import HttpRequest

from quanzi.accounts.selectors import unread_notification_count
from quanzi.chat.selectors import unread_total as chat_unread_total


def site(request: HttpRequest) -> dict[str, Any]:
    # once per request: the panels of a page (coupons, red packets, lotteries …) render with the request too, and
    # each render runs the context processors again
    cached = getattr(request, "_quanzi_site_context", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    user = getattr(request, "user", None)
    unread = unread_notification_count(user=user) if user is not None and user.is_authenticated else 0
    # a callable: the template calls it only where the top bar is drawn (one query; fragments never pay it)
    chats = partial(chat_unread_total, user=user) if user is not None and user.is_authenticated else 0
    context = {"unread_notifications": unread, "unread_chats": chats}
    request._quanzi_site_context = context  # type: ignore[attr-defined]
    return context
