"""`{% profile_panels member %}` and `{% name_badges user_id %}`: what higher apps registered in accounts.hooks."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def profile_panels(context: dict[str, Any], member: Any) -> SafeString:
    """The panels higher apps registered for a member's profile page (accounts.hooks.PROFILE_PANELS)."""
    from quanzi.accounts.hooks import PROFILE_PANELS

    request = context.get("request")
    return mark_safe("".join(fn(request, member) or "" for _name, fn in sorted(PROFILE_PANELS.items())))


@register.simple_tag(takes_context=True)
def name_badges(context: dict[str, Any], user_id: int | None) -> SafeString:
    """What higher apps show next to a member's name (accounts.hooks.NAME_BADGES), e.g. their badges."""
    from quanzi.accounts.hooks import NAME_BADGES

    if not user_id:
        return mark_safe("")
    request = context.get("request")
    return mark_safe("".join(fn(request, int(user_id)) or "" for _name, fn in sorted(NAME_BADGES.items())))
