"""/api/v1/referrals/invites: my code, link and counts; a link with its QR code and poster for a target; my
invitees; binding by a typed code; a community's leaderboard. Thin: parse, call one service or selector."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.http import urlencode
from ninja import Router, Status
from ninja.pagination import paginate

from quanzi.accounts.throttle import client_ip
from quanzi.api_auth import current_user, optional, required, viewer
from quanzi.communities import selectors as community_selectors
from quanzi.core.pagination import PageNumber
from quanzi.referrals.invites import selectors, services
from quanzi.referrals.invites.enums import TargetKind
from quanzi.referrals.invites.schemas import BindIn, BindingOut, InviteeOut, LeaderOut, LinkOut, MeOut
from quanzi.referrals.invites.targets import link_path, target_get

router = Router(tags=["invites 邀请"], auth=required)


@router.get("/me", response=MeOut)
def me(request: HttpRequest) -> dict[str, Any]:
    user = current_user(request)
    code = services.invite_code_ensure(user=user)
    binding = selectors.binding_in_force(user_id=user.pk)
    inviter = None
    if binding is not None:
        inviter = {"user_id": binding.inviter_id, "nickname": binding.inviter.nickname, "source": binding.source,
                   "started_at": binding.started_at, "expires_at": binding.expires_at}
    return {"code": code, "link": request.build_absolute_uri(link_path(code=code, kind=TargetKind.PLATFORM,
                                                                       target_id=None)),
            "policy": selectors.policy_get().policy, "stats": selectors.invite_stats(inviter_id=user.pk).__dict__,
            "inviter": inviter}


@router.get("/link", response=LinkOut)
def link(request: HttpRequest, kind: TargetKind = TargetKind.PLATFORM, target_id: int | None = None) -> dict[str, Any]:
    """My invite link to the platform, a community, a product or a group-buy (404 `invite_target_not_found` when
    I may not see it), with its QR code and poster."""
    user = current_user(request)
    code = services.invite_code_ensure(user=user)
    target = target_get(kind=kind, target_id=target_id, viewer=user, inviter=user)
    query = urlencode({"kind": kind, "id": target.id or ""})
    return {"kind": kind, "target_id": target.id, "title": target.title, "price_fen": target.price_fen,
            "link": request.build_absolute_uri(link_path(code=code, kind=kind, target_id=target.id)),
            "qr_url": request.build_absolute_uri(f"/invite/qr.png?{query}"),
            "poster_url": request.build_absolute_uri(f"/invite/poster.png?{query}")}


@router.get("/invitees", response=list[InviteeOut])
@paginate(PageNumber)
def invitees(request: HttpRequest) -> list[dict[str, Any]]:
    user = current_user(request)
    outcomes = {o.invitee_id: o.status for o in selectors.outcomes_of(inviter_id=user.pk)}
    now = timezone.now()
    return [{"invitee_id": b.invitee_id, "nickname": b.invitee.nickname, "source": b.source,
             "started_at": b.started_at, "first_order": outcomes.get(b.invitee_id, "none"),
             "in_force": b.ended_at is None and (b.expires_at is None or b.expires_at > now)}
            for b in selectors.invitees_of(inviter_id=user.pk)]


@router.post("/bind", response={201: BindingOut, 200: None})
def bind(request: HttpRequest, data: BindIn) -> Status:
    """Bind me to the member whose code I typed, when the policy allows binding after sign-up. Refused with a code,
    nothing changed: `invite_code_unknown` (404), `invite_self` (400), `invite_cycle` and
    `invite_already_bound` (409)."""
    binding = services.referral_bind_code(invitee=current_user(request), code=data.code,
                                          ip=client_ip(request) or "", device=request.headers.get("X-Device-Id", ""))
    if binding is None:
        return Status(200, None)
    return Status(201, {"inviter_id": binding.inviter_id, "source": binding.source, "policy": binding.policy,
                        "started_at": binding.started_at, "expires_at": binding.expires_at})


@router.get("/leaderboard/{slug}", response=list[LeaderOut], auth=optional)
def leaderboard(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    """A community's inviters ranked by invitees whose first order was paid (not by sign-ups)."""
    community = community_selectors.community_get(slug=slug, user=viewer(request))
    members = community_selectors.member_list(community=community, viewer=viewer(request)).order_by()
    return [r.__dict__ for r in selectors.leaderboard(community_id=community.pk,
                                                      member_ids=members.values("user_id"))]
