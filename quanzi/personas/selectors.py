"""Reads of personas: a member's active tags (the one way every other app reads tags: `active_tags`), the "my
persona" page's groups, who may manage which segments, a segment's members and count, the tags a builder offers.

`active_tags(user)` leaves out a tag the member switched off (or whose group they switched off) and a basic
attribute whose consent was withdrawn since the job ran. Recommend's cold start, the segment builder and coupon
targeting all go through it (or through `segments.holders_of`, its bulk twin), so a switched-off tag is used
nowhere.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from quanzi.accounts import persona_selectors as account_reads
from quanzi.communities import selectors as community_selectors
from quanzi.core.personal_data import consent_withdrawn
from quanzi.personas import errors, segments
from quanzi.personas.enums import TagGroup
from quanzi.personas.models import MemberTag, Segment, TagSwitchOff
from quanzi.personas.tags import basic_tag_still_consented, tag_label, tag_reason

if TYPE_CHECKING:
    from quanzi.communities.models import Community


@dataclass(frozen=True)
class ActiveTag:
    code: str
    group: str
    label: str
    reason: str
    score: int


def _user_id(user: Any) -> int | None:
    if isinstance(user, int):
        return user
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return int(user.pk)


def _switched_off(user_id: int) -> tuple[set[str], set[str]]:
    """(groups switched off, tag codes switched off)."""
    groups: set[str] = set()
    codes: set[str] = set()
    for group, code in TagSwitchOff.objects.filter(user_id=user_id).values_list("group", "code"):
        (codes.add(code) if code else groups.add(group))
    return groups, codes


def _tag(row: MemberTag) -> ActiveTag:
    return ActiveTag(code=row.code, group=row.group, label=tag_label(row.code, row.value_label),
                     reason=tag_reason(row.code, row.evidence), score=row.score)


def active_tags(user: Any) -> list[ActiveTag]:
    """The member's tags that may be used (by any app): not switched off, basic ones still consented; strongest
    first within each group. A user object or an id; an anonymous visitor has none, nor a member who withdrew the
    persona consent (privacy)."""
    user_id = _user_id(user)
    if user_id is None or consent_withdrawn(user_id, "persona"):
        return []
    off_groups, off_codes = _switched_off(user_id)
    rows = [r for r in MemberTag.objects.filter(user_id=user_id).order_by("group", "-score", "code")
            if r.group not in off_groups and r.code not in off_codes]
    if any(r.group == TagGroup.BASIC for r in rows):
        persona = account_reads.consented_persona(user_ids=[user_id]).get(user_id, {})
        rows = [r for r in rows if r.group != TagGroup.BASIC or basic_tag_still_consented(r.code, persona)]
    return [_tag(r) for r in rows]


@dataclass
class TagRow:
    tag: ActiveTag
    on: bool


@dataclass
class GroupView:
    group: str
    label: str
    on: bool
    tags: list[TagRow] = field(default_factory=list)


def my_persona(user: Any) -> list[GroupView]:
    """The "my persona" page: the four groups, each with its tags and whether the member left it on (a
    switched-off tag is still listed, marked off, so it can be switched back on)."""
    user_id = _user_id(user)
    if user_id is None:
        return []
    off_groups, off_codes = _switched_off(user_id)
    persona = account_reads.consented_persona(user_ids=[user_id]).get(user_id, {})
    views = {g: GroupView(group=g, label=str(label), on=g not in off_groups) for g, label in TagGroup.choices}
    for row in MemberTag.objects.filter(user_id=user_id).order_by("-score", "code"):
        if row.group == TagGroup.BASIC and not basic_tag_still_consented(row.code, persona):
            continue  # consent withdrawn: gone, not merely off
        if row.group in views:
            views[row.group].tags.append(TagRow(tag=_tag(row), on=row.code not in off_codes))
    return list(views.values())


def last_computed_at(user: Any) -> Any:
    user_id = _user_id(user)
    return MemberTag.objects.filter(user_id=user_id).order_by("-computed_at").values_list(
        "computed_at", flat=True).first() if user_id else None


# --- segments ------------------------------------------------------------------------------------------------------


def _is_operator(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_staff", False))


def require_segment_manager(*, user: Any, community: Community | None) -> None:
    """Operators manage platform segments and every community's; a community's owner and admins
    (`view_insight`) manage its own. Raises 401 / 403 / 404 (a community the viewer may not see reads as
    missing)."""
    if not getattr(user, "is_authenticated", False):
        raise errors.not_authenticated()
    if _is_operator(user):
        return
    if community is None:
        raise errors.not_allowed()
    community_selectors.require_perm(user=user, community=community, perm="view_insight")


def can_manage(*, user: Any, community_id: int | None) -> bool:
    community = community_selectors.community_by_id(community_id=community_id) if community_id else None
    if community_id and community is None:
        return False
    try:
        require_segment_manager(user=user, community=community)
    except Exception:  # noqa: BLE001 - any refusal means "no"
        return False
    return True


def managed_communities(*, user: Any) -> list[Community]:
    """The communities whose segments (and dashboards) this member manages."""
    if not getattr(user, "is_authenticated", False):
        return []
    return [c for c in community_selectors.my_communities(user=user)
            if community_selectors.has_perm(user=user, community=c, perm="view_insight")]


def segment_list(*, user: Any, community: Community | None) -> QuerySet[Segment]:
    require_segment_manager(user=user, community=community)
    qs = Segment.objects.all()
    return qs.filter(community=community) if community is not None else qs.filter(community__isnull=True)


def segment_get(*, user: Any, segment_id: int) -> Segment:
    """A segment the viewer manages (another community's reads as missing)."""
    segment = Segment.objects.select_related("community").filter(pk=segment_id).first()
    if segment is None or not can_manage(user=user, community_id=segment.community_id):
        raise errors.segment_not_found()
    return segment


def segment_members(*, community_id: int | None, filters: segments.SegmentFilters) -> set[int]:
    return segments.apply_filters(segments.population(community_id), filters)


def segment_count(*, community_id: int | None, filters: segments.SegmentFilters) -> int:
    """The live count of the builder."""
    return len(segment_members(community_id=community_id, filters=filters))


def segment_member_ids(segment: Segment) -> set[int]:
    return segment_members(community_id=segment.community_id, filters=segments.stored_filters(segment.filters))


def segment_contains(segment_id: int, user_id: int) -> bool:
    """Is the member in the segment now (coupon targeting asks this on every claim and grant)."""
    segment = Segment.objects.filter(pk=segment_id).first()
    if segment is None:
        return False
    population = segments.population(segment.community_id, among={user_id})
    return bool(segments.apply_filters(population, segments.stored_filters(segment.filters)))


def segment_usable_by(actor: Any, segment_id: int) -> bool:
    """May this campaign manager limit a coupon to the segment (they manage it)."""
    segment = Segment.objects.filter(pk=segment_id).first()
    return segment is not None and can_manage(user=actor, community_id=segment.community_id)


def segment_label(segment_id: int) -> str:
    name = Segment.objects.filter(pk=segment_id).values_list("name", flat=True).first()
    return name or ""


def tag_distribution(*, user_ids: set[int], limit: int = 15) -> list[tuple[str, int]]:
    """(tag label, members) of the active tags most held among these members (the segment dashboard). Basic
    attributes are left out: an aggregate of gender or income is not what a segment's dashboard is for."""
    counts: Counter[str] = Counter()
    labels: dict[str, str] = {}
    qs = MemberTag.objects.exclude(segments.switched_off_q()).exclude(group=TagGroup.BASIC)
    if len(user_ids) <= segments.IN_LIMIT:
        qs = qs.filter(user_id__in=list(user_ids))
    for user_id, code, value_label in qs.values_list("user_id", "code", "value_label").iterator(chunk_size=5000):
        if user_id in user_ids:
            counts[code] += 1
            labels.setdefault(code, value_label)
    return [(tag_label(c, labels[c]), n) for c, n in counts.most_common(limit)]


@dataclass(frozen=True)
class TagOption:
    code: str
    group: str
    label: str
    members: int


def tag_options(*, community_id: int | None, limit: int = 60) -> list[TagOption]:
    """The tags the builder offers: those held (as active tags) by members of the population, most held first."""
    ids = segments.population(community_id)
    qs = MemberTag.objects.exclude(segments.switched_off_q())
    if community_id is not None:
        qs = qs.filter(user_id__in=list(ids)) if len(ids) <= segments.IN_LIMIT else qs
    counts: Counter[str] = Counter()
    labels: dict[str, tuple[str, str]] = {}
    for user_id, code, group, value_label in qs.values_list("user_id", "code", "group", "value_label")\
            .iterator(chunk_size=5000):
        if user_id in ids:
            counts[code] += 1
            labels.setdefault(code, (group, value_label))
    out = [TagOption(code=c, group=labels[c][0], label=tag_label(c, labels[c][1]), members=n)
           for c, n in counts.most_common(limit)]
    order = {g: i for i, g in enumerate(TagGroup.values)}
    return sorted(out, key=lambda o: (order.get(o.group, 9), -o.members, o.code))




def segments_for_targeting() -> list[tuple[int, str]]:
    """(id, name) of the platform-wide segments, the audiences a merchant may target an ad at (ads): the merchant
    sees the name only, never who is in it."""
    return list(Segment.objects.filter(community__isnull=True).order_by("name", "pk").values_list("pk", "name"))
