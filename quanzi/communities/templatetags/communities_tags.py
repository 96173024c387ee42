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
