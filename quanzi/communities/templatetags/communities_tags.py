"""`{% community_can community "moderate" as can_moderate %}`: the viewer's permission, for templates."""

from __future__ import annotations

from typing import Any

from django import template

from quanzi.communities.models import Community
from quanzi.communities.selectors import has_perm

register = template.Library()


@register.simple_tag(takes_context=True)
def community_can(context: dict[str, Any], community: Community, perm: str) -> bool:
    request = context.get("request")
    user = getattr(request, "user", None)
    return has_perm(user=user, community=community, perm=perm)


@register.simple_tag(takes_context=True)
def community_panels(context: dict[str, Any], community: Community) -> str:
    """The panels higher apps registered for the community's pages (communities.hooks.COMMUNITY_PANELS)."""
    from django.utils.safestring import mark_safe

    from quanzi.communities.hooks import COMMUNITY_PANELS

    request = context.get("request")
    return mark_safe("".join(fn(request, community) or "" for _name, fn in sorted(COMMUNITY_PANELS.items())))
