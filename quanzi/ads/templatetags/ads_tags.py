"""`{% ad_slot "search" %}`: an ad placement on a page of an app above ads (web's search page)."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from quanzi.ads.enums import Placement
from quanzi.ads.panels import slot

register = template.Library()


@register.simple_tag
def ad_slot(placement: str) -> SafeString:
    if placement not in Placement.values:
        return mark_safe("")
    return mark_safe(slot(placement))  # rendered by a template: already escaped
