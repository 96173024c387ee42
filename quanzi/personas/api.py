"""/api/v1/personas: my persona (tags by group, switch a tag or a group off and on, recompute now), and the
segment builder for community owners/admins and operators (live count, save, list, delete, limit a coupon
campaign to a segment). Thin: parse, call one service or selector, return a schema."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status

from quanzi.api_auth import current_user, required
from quanzi.communities.selectors import community_by_id
from quanzi.personas import errors, segments, selectors, services
from quanzi.personas.models import Segment
from quanzi.personas.schemas import (
    CountIn,
    CountOut,
    MyGroupOut,
    SegmentIn,
    SegmentOut,
    SwitchIn,
    TargetIn,
    TargetOut,
)
from quanzi.personas.selectors import GroupView

router = Router(tags=["personas 用户画像"], auth=required)


@router.get("/me", response=list[MyGroupOut])
def my_persona(request: HttpRequest) -> list[GroupView]:
    return selectors.my_persona(current_user(request))


@router.post("/me/switch", response=list[MyGroupOut])
def switch(request: HttpRequest, data: SwitchIn) -> list[GroupView]:
    user = current_user(request)
    services.tag_switch(user=user, group=data.group, code=data.code, on=data.on)
    return selectors.my_persona(user)


@router.post("/me/refresh", response=list[MyGroupOut])
def refresh(request: HttpRequest) -> list[GroupView]:
    user = current_user(request)
    services.persona_refresh(user_id=user.pk)
    return selectors.my_persona(user)


def _community(community_id: int | None):  # type: ignore[no-untyped-def]
    if community_id is None:
        return None
    community = community_by_id(community_id=community_id)
    if community is None:
        raise errors.segment_not_found()
    return community


@router.post("/segments/count", response=CountOut)
def count(request: HttpRequest, data: CountIn) -> dict[str, int]:
    user = current_user(request)
    selectors.require_segment_manager(user=user, community=_community(data.community_id))
    filters = segments.parse_filters(data.filters.as_raw() if data.filters else {})
    return {"count": selectors.segment_count(community_id=data.community_id, filters=filters)}


@router.get("/segments", response=list[SegmentOut])
def segment_list(request: HttpRequest, community_id: int | None = None) -> list[Segment]:
    return list(selectors.segment_list(user=current_user(request), community=_community(community_id)))


@router.post("/segments", response={201: SegmentOut})
def segment_create(request: HttpRequest, data: SegmentIn) -> Status:
    segment = services.segment_save(actor=current_user(request), name=data.name, filters=(data.filters.as_raw() if data.filters else {}),
                                    community_id=data.community_id)
    return Status(201, segment)


@router.get("/segments/{segment_id}", response=SegmentOut)
def segment_detail(request: HttpRequest, segment_id: int) -> Segment:
    return selectors.segment_get(user=current_user(request), segment_id=segment_id)


@router.delete("/segments/{segment_id}", response={204: None})
def segment_delete(request: HttpRequest, segment_id: int) -> Status:
    services.segment_delete(actor=current_user(request), segment_id=segment_id)
    return Status(204, None)


@router.post("/segments/{segment_id}/target-coupon", response=TargetOut)
def target_coupon(request: HttpRequest, segment_id: int, data: TargetIn) -> dict[str, object]:
    template = services.segment_target_coupon(actor=current_user(request), segment_id=segment_id,
                                              template_id=data.template_id)
    return {"template_id": template.pk, "audience_kind": template.audience_kind,
            "audience_ref": template.audience_ref}
