"""/api/v1/growth/redpackets: send a red packet (paid from the balance), read one, claim it; my balance and its
ledger. Checkout spends the balance with `options.extra.balance_fen` (/api/v1/orders). Thin: parse, call one
service or selector, return a schema."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate

from quanzi.api_auth import current_user, optional, required, viewer
from quanzi.core.pagination import PageNumber
from quanzi.growth.redpackets import errors, selectors, services
from quanzi.growth.redpackets.models import RedPacket
from quanzi.growth.redpackets.schemas import BalanceEntryOut, BalanceOut, PacketIn, PacketOut, ShareOut

router = Router(tags=["redpackets 红包与余额"], auth=required)


def _name(user: Any) -> str:
    return str(getattr(user, "nickname", "") or user)


def _packet_out(packet: RedPacket, user: Any) -> dict[str, Any]:
    v = selectors.packet_view(packet=packet, user=user)
    return {
        "id": packet.pk, "funder_id": packet.funder_id, "funder_name": _name(packet.funder),
        "community_id": packet.community_id, "amount_fen": packet.amount_fen, "shares": packet.shares,
        "greeting": packet.greeting, "status": selectors.packet_status_now(packet), "state": v.state,
        "shares_left": v.shares_left, "claimed_fen": sum(s.amount_fen for s in v.claims),
        "expires_at": packet.expires_at, "my_amount_fen": v.mine.amount_fen if v.mine else None,
        "claims": [{"claimer_id": s.claimer_id, "claimer_name": _name(s.claimer), "amount_fen": s.amount_fen,
                    "claimed_at": s.claimed_at} for s in v.claims]}


@router.post("", response={201: PacketOut})
def packet_create(request: HttpRequest, data: PacketIn) -> Status:
    user = current_user(request)
    packet = services.redpacket_create_and_fund(funder=user, community_id=data.community_id,
                                                amount_fen=data.amount_fen, shares=data.shares, greeting=data.greeting)
    return Status(201, _packet_out(selectors.packet_get(packet_id=packet.pk) or packet, user))


@router.get("/balance", response=BalanceOut)
def balance(request: HttpRequest) -> dict[str, int]:
    user = current_user(request)
    services.redpackets_expire_due(funder_id=user.pk)
    return {"balance_fen": selectors.balance_of(user_id=user.pk)}


@router.get("/balance/entries", response=list[BalanceEntryOut])
@paginate(PageNumber)
def balance_entries(request: HttpRequest):  # type: ignore[no-untyped-def]
    return selectors.balance_entries(user=current_user(request))


@router.get("/{packet_id}", response=PacketOut, auth=optional)
def packet_detail(request: HttpRequest, packet_id: int) -> dict[str, Any]:
    packet = selectors.packet_get(packet_id=packet_id)
    if packet is None:
        raise errors.packet_not_found()
    return _packet_out(packet, viewer(request))


@router.post("/{packet_id}/claim", response={201: ShareOut})
def packet_claim(request: HttpRequest, packet_id: int) -> Status:
    user = current_user(request)
    share = services.redpacket_claim(user=user, packet_id=packet_id)
    return Status(201, {"packet_id": share.packet_id, "amount_fen": share.amount_fen, "position": share.position,
                        "claimed_at": share.claimed_at, "balance_fen": selectors.balance_of(user_id=user.pk)})
