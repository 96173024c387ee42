from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from quanzi.accounts.selectors import unread_notification_count


def site(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    unread = unread_notification_count(user=user) if user is not None and user.is_authenticated else 0
    return {"unread_notifications": unread}
