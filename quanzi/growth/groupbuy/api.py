"""/api/v1/growth/groupbuy: campaigns and groups for shoppers, opening and joining (a normal order through the
checkout, held from shipping until the group succeeds; `POST /api/v1/orders/checkout` with `options.campaign_id` or
`options.group_id` does the same), share links, and the tools of merchants and operators. Thin: each handler
parses, calls one service or selector, and answers a schema."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Router, Status
from ninja.pagination import paginate

from quanzi.api_auth import current_user, optional, required
from quanzi.core.events import track
from quanzi.core.pagination import PageNumber
from quanzi.growth.groupbuy import excel, rules, selectors, services
from quanzi.growth.groupbuy.models import GroupBuyCampaign, GroupBuyGroup
from quanzi.growth.groupbuy.schemas import (
    CampaignIn,
    CampaignOut,
    FiguresOut,
    GroupDetailOut,
    GroupOut,
    PlaceIn,
    PlaceOut,
    ShareOut,
)
from quanzi.orders.schemas import CheckoutOut

router = Router(tags=["growth 拼团"])


def _group_out(group: GroupBuyGroup, expired: int = 0) -> dict[str, Any]:
    now = timezone.now()
    status = rules.group_status_now(group, now)
    is_open = status == "open"
    return {"id": group.pk, "campaign_id": group.campaign_id, "leader": group.leader, "status": status,
            "size": group.size, "paid_count": group.paid_count,
            "places_to_pay": selectors.places_to_pay(group) if is_open else 0,
            "places_free": selectors.places_free(group, expired) if is_open else 0, "deadline": group.deadline,
            "seconds_left": max(0, int((group.deadline - now).total_seconds())) if is_open else 0,
            "close_reason": group.close_reason}


def _groups_out(groups: list[GroupBuyGroup]) -> list[dict[str, Any]]:
    expired = selectors.expired_reservations([g.pk for g in groups])
    return [_group_out(g, expired.get(g.pk, 0)) for g in groups]


@router.get("/campaigns", response=list[CampaignOut], auth=optional)
@paginate(PageNumber)
def campaign_list(request: HttpRequest, product_id: int | None = None):  # type: ignore[no-untyped-def]
    """Campaigns running now (of one product with `product_id`)."""
    return selectors.campaigns_running(viewer=request.user, product_id=product_id)


@router.get("/campaigns/{campaign_id}", response=CampaignOut, auth=optional)
def campaign_get(request: HttpRequest, campaign_id: int) -> GroupBuyCampaign:
    return selectors.campaign_get(campaign_id=campaign_id, viewer=request.user)


@router.get("/products/{product_id}/groups", response=list[GroupOut], auth=optional)
def product_groups(request: HttpRequest, product_id: int) -> list[dict[str, Any]]:
    """Open groups of the product's running campaigns to join (at most 10, those closest to filling first)."""
    return _groups_out(selectors.groups_open_for_product(product_id=product_id, viewer=request.user))


@router.post("/campaigns/{campaign_id}/open", response={201: CheckoutOut}, auth=required)
def group_open(request: HttpRequest, campaign_id: int, data: PlaceIn) -> Status:
    """Open a group: an order at the leader's (or the group) price, held from shipping until the group succeeds.
    Refused with campaign_not_started, campaign_paused, campaign_ended, already_in_open_group,
    member_limit_exceeded, not_community_member ... and nothing changes."""
    checkout = services.group_open(user=current_user(request), campaign_id=campaign_id, address_id=data.address_id,
                                   idempotency_key=data.idempotency_key, quantity=data.quantity)
    return Status(201, checkout)


@router.get("/groups/{group_id}", response=GroupDetailOut, auth=optional)
def group_get(request: HttpRequest, group_id: int, t: str = "") -> dict[str, Any]:
    """A group: members, places left, time left; `t` is the share token of the link it was opened from (the view
    then credits the sharer)."""
    group = selectors.group_get(group_id=group_id, viewer=request.user)
    services.group_visit(viewer=request.user, group=group, token=t[:32], via="api")
    view = selectors.group_view(group=group, viewer=request.user)
    out = _group_out(group)
    out.update({"places_free": view.free, "members": [{"user": m.user, "role": m.role, "status": m.status}
                                                      for m in view.members],
                "succeeded_short": view.succeeded_short, "join_problem": view.join_problem,
                "share_token": view.share_token})
    return out


@router.post("/groups/{group_id}/join", response={201: CheckoutOut}, auth=required)
def group_join(request: HttpRequest, group_id: int, data: PlaceIn) -> Status:
    """Join a group: an order at the group price, held from shipping until the group succeeds. Refused with
    group_full, group_expired, group_closed, already_in_group, already_in_open_group, member_limit_exceeded ...
    and nothing changes."""
    checkout = services.group_join(user=current_user(request), group_id=group_id, address_id=data.address_id,
                                   idempotency_key=data.idempotency_key, quantity=data.quantity,
                                   share_token=data.share_token)
    return Status(201, checkout)


@router.post("/groups/{group_id}/share", response=ShareOut, auth=required)
def group_share(request: HttpRequest, group_id: int) -> dict[str, str]:
    """The caller's own invitation link of a group (minted once)."""
    share = services.group_share(user=current_user(request), group_id=group_id)
    return {"token": share.token, "url": request.build_absolute_uri(f"/groupbuy/g/{group_id}/?t={share.token}")}


@router.get("/my/places", response=list[PlaceOut], auth=required)
@paginate(PageNumber)
def my_places(request: HttpRequest):  # type: ignore[no-untyped-def]
    """The caller's group-buy places, newest first."""
    return selectors.member_groups(user=current_user(request))


# --- merchants and operators -------------------------------------------------------------------------------------


@router.get("/manage/campaigns", response=list[CampaignOut], auth=required)
@paginate(PageNumber)
def manage_campaigns(request: HttpRequest):  # type: ignore[no-untyped-def]
    """An operator's every campaign, a merchant's own."""
    return selectors.campaigns_for_manager(user=current_user(request))


@router.post("/manage/campaigns", response={201: CampaignOut}, auth=required)
def manage_create(request: HttpRequest, data: CampaignIn) -> Status:
    campaign = services.campaign_create(user=current_user(request), **data.model_dump())
    return Status(201, campaign)


@router.post("/manage/campaigns/{campaign_id}/pause", response=CampaignOut, auth=required)
def manage_pause(request: HttpRequest, campaign_id: int) -> GroupBuyCampaign:
    """No new group and no new place while paused; places taken can still be paid, open groups run on."""
    return services.campaign_pause(user=current_user(request), campaign_id=campaign_id)


@router.post("/manage/campaigns/{campaign_id}/resume", response=CampaignOut, auth=required)
def manage_resume(request: HttpRequest, campaign_id: int) -> GroupBuyCampaign:
    return services.campaign_resume(user=current_user(request), campaign_id=campaign_id)


@router.post("/manage/campaigns/{campaign_id}/end", response=CampaignOut, auth=required)
def manage_end(request: HttpRequest, campaign_id: int) -> GroupBuyCampaign:
    """End for good: open groups close now, as at their deadline (refunded, or succeeded with the members who
    paid when the campaign says so)."""
    return services.campaign_end(user=current_user(request), campaign_id=campaign_id)


@router.get("/manage/campaigns/{campaign_id}/figures", response=FiguresOut, auth=required)
def manage_figures(request: HttpRequest, campaign_id: int) -> dict[str, Any]:
    """Groups open / succeeded / failed (as they read now), units sold and GMV of the groups that succeeded."""
    campaign = selectors.campaign_for_manager(user=current_user(request), campaign_id=campaign_id)
    figures = selectors.campaign_figures(campaign_ids=[campaign.pk])[campaign.pk]
    return {"campaign_id": campaign.pk, **vars(figures)}


@router.get("/manage/campaigns/{campaign_id}/groups", response=list[GroupOut], auth=required)
@paginate(PageNumber)
def manage_groups(request: HttpRequest, campaign_id: int, status: str = ""):  # type: ignore[no-untyped-def]
    """The campaign's groups, newest first; `status` open | succeeded | failed (as they read now)."""
    campaign = selectors.campaign_for_manager(user=current_user(request), campaign_id=campaign_id)
    return _LazyGroups(selectors.groups_of_campaign(campaign=campaign, status=status))


class _LazyGroups:
    """The queryset as the paginator slices it, each page turned into `GroupOut` rows."""

    def __init__(self, qs: Any) -> None:
        self.qs = qs

    def __len__(self) -> int:
        return int(self.qs.count())

    def __getitem__(self, index: slice) -> list[dict[str, Any]]:
        return _groups_out(list(self.qs[index]))


@router.get("/manage/campaigns/{campaign_id}/export.xlsx", response={200: None}, auth=required)
def manage_export(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """The campaign's groups and members as an Excel workbook."""
    user = current_user(request)
    campaign = selectors.campaign_for_manager(user=user, campaign_id=campaign_id)
    content, rows = excel.campaign_xlsx(campaign)
    track("groupbuy.export", user=user, obj=campaign, rows=rows)
    response = HttpResponse(content, content_type=excel.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="groupbuy-{campaign.pk}.xlsx"'
    return response
