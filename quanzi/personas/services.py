"""Writes of personas: storing a member's computed tags (the job), a member switching tags or groups off and on,
saving and deleting segments, and limiting a coupon campaign to a segment (through growth's audience registry)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from quanzi.communities import selectors as community_selectors
from quanzi.core import persona_selectors as event_reads
from quanzi.core.events import track
from quanzi.growth.coupons import services as coupon_services
from quanzi.personas import errors, segments, selectors
from quanzi.personas.enums import TagGroup
from quanzi.personas.models import MemberTag, Segment, TagSwitchOff
from quanzi.personas.tags import WINDOW_DAYS, compute_member_tags, group_of

AUDIENCE_KIND = "segment"  # the kind personas registers in growth.coupons.audiences


@transaction.atomic
def persona_refresh(*, user_id: int, now: dt.datetime | None = None) -> int:
    """Recompute and store one member's tags: new ones added, changed ones updated, gone ones deleted.
    Idempotent. Switch-offs are separate rows and are left alone. Returns the number of tags stored."""
    now = now or timezone.now()
    computed = {t.code: t for t in compute_member_tags(user_id, now=now)}
    MemberTag.objects.filter(user_id=user_id).exclude(code__in=list(computed)).delete()
    existing = {t.code: t for t in MemberTag.objects.filter(user_id=user_id)}
    for code, tag in computed.items():
        row = existing.get(code)
        if row is None:
            MemberTag.objects.create(user_id=user_id, code=code, group=tag.group, value_label=tag.value_label,
                                     score=tag.score, evidence=tag.evidence, computed_at=now)
        else:
            row.group, row.value_label, row.score, row.evidence, row.computed_at = (
                tag.group, tag.value_label, tag.score, tag.evidence, now)
            row.save(update_fields=["group", "value_label", "score", "evidence", "computed_at"])
    return len(computed)


def personas_refresh_all(*, now: dt.datetime | None = None) -> int:
    """Recompute every member active in the window, and every member who still has tags (so tags of members who
    went quiet are brought up to date or dropped). Each member in their own transaction. Returns how many."""
    now = now or timezone.now()
    user_ids = event_reads.user_ids_active_since(since=now - dt.timedelta(days=WINDOW_DAYS))
    user_ids |= set(MemberTag.objects.values_list("user_id", flat=True).distinct())
    for user_id in sorted(user_ids):
        persona_refresh(user_id=user_id, now=now)
    return len(user_ids)


@transaction.atomic
def tag_switch(*, user: Any, group: str, code: str = "", on: bool) -> None:
    """A member switches one of their tags (`code`), or a whole group (`code` empty), off or back on. Off, it is
    used nowhere (`selectors.active_tags`); a recomputation keeps it off."""
    if not getattr(user, "is_authenticated", False):
        raise errors.not_authenticated()
    if group not in TagGroup.values:
        raise errors.unknown_group()
    code = (code or "").strip()
    if code and (group_of(code) != group or not MemberTag.objects.filter(user=user, code=code).exists()):
        raise errors.unknown_tag()
    if on:
        TagSwitchOff.objects.filter(user=user, group=group, code=code).delete()
    else:
        TagSwitchOff.objects.get_or_create(user=user, group=group, code=code)
    track("persona.tag_switch", user=user, group=group, code=code or None, on=on)


def _community(community_id: int | None) -> Any:
    if community_id is None:
        return None
    community = community_selectors.community_by_id(community_id=community_id)
    if community is None:
        raise errors.segment_not_found()
    return community


@transaction.atomic
def segment_save(*, actor: Any, name: str, filters: dict[str, Any], community_id: int | None = None,
                 segment_id: int | None = None, from_form: bool = False) -> Segment:
    """Create a segment (of a community, or of the platform) or change one (`segment_id`). The filters are checked
    whole (`segments.parse_filters`); the count is taken now and stored as the segment's last count."""
    if segment_id is not None:
        segment = selectors.segment_get(user=actor, segment_id=segment_id)
        community_id = segment.community_id
    selectors.require_segment_manager(user=actor, community=_community(community_id))
    name = (name or "").strip()
    if not 1 <= len(name) <= 40:
        raise errors.invalid_name()
    parsed = segments.parse_filters(filters, from_form=from_form)
    count = selectors.segment_count(community_id=community_id, filters=parsed)
    if segment_id is None:
        segment = Segment(community_id=community_id, created_by=actor)
    segment.name, segment.filters = name, parsed.as_json()
    segment.member_count, segment.counted_at = count, timezone.now()
    segment.save()
    track("segment.save", user=actor, obj=segment, community_id=community_id, members=count)
    return segment


@transaction.atomic
def segment_delete(*, actor: Any, segment_id: int) -> None:
    segment = selectors.segment_get(user=actor, segment_id=segment_id)
    community_id = segment.community_id
    segment.delete()
    track("segment.delete", user=actor, community_id=community_id, segment_id=segment_id)


@transaction.atomic
def segment_target_coupon(*, actor: Any, segment_id: int, template_id: int) -> Any:
    """Limit a coupon campaign the actor manages to this segment: only its members can claim or be granted it
    (`coupons.audiences`; others get `not_in_audience`)."""
    segment = selectors.segment_get(user=actor, segment_id=segment_id)
    template = coupon_services.template_set_audience(actor=actor, template_id=template_id, kind=AUDIENCE_KIND,
                                                     ref=segment.pk)
    track("segment.target_coupon", user=actor, obj=segment, community_id=segment.community_id,
          template_id=template.pk)
    return template
