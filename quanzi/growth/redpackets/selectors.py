"""Red-packet and balance reads. A balance is the sum of the member's ledger entries; a packet past its deadline
reads as expired before the job closes it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet, Sum
from django.utils import timezone

from quanzi.growth.redpackets.enums import PacketState, PacketStatus
from quanzi.growth.redpackets.models import BalanceEntry, RedPacket, RedPacketShare


def balance_of(*, user_id: int | None) -> int:
    """The member's balance in fen: the sum of their entries."""
    if user_id is None:
        return 0
    return int(BalanceEntry.objects.filter(user_id=user_id).aggregate(s=Sum("amount_fen"))["s"] or 0)


def balance_entries(*, user: Any) -> QuerySet[BalanceEntry]:
    return BalanceEntry.objects.filter(user=user).order_by("-id")


def packet_status_now(packet: RedPacket) -> str:
    """The stored status, or expired for an open packet past its deadline."""
    if packet.status == PacketStatus.OPEN and packet.expires_at <= timezone.now():
        return PacketStatus.EXPIRED
    return packet.status


@dataclass(frozen=True)
class PacketView:
    packet: RedPacket
    state: str  # PacketState
    shares_left: int
    claims: list[RedPacketShare]
    mine: RedPacketShare | None
    is_member: bool

    @property
    def state_label(self) -> str:
        return str(PacketState(self.state).label)

    @property
    def best_share_id(self) -> int | None:
        """The luckiest claim (手气最佳), shown once the packet is finished."""
        if self.packet.status != PacketStatus.FINISHED or not self.claims:
            return None
        return max(self.claims, key=lambda s: (s.amount_fen, -s.pk)).pk


def packet_get(*, packet_id: int) -> RedPacket | None:
    return RedPacket.objects.select_related("funder", "community").filter(pk=packet_id).first()


def packet_view(*, packet: RedPacket, user: Any) -> PacketView:
    from quanzi.communities.selectors import active_role

    claims = list(RedPacketShare.objects.filter(packet=packet, claimer__isnull=False)
                  .select_related("claimer").order_by("claimed_at", "id"))
    authed = user is not None and getattr(user, "is_authenticated", False)
    mine = next((s for s in claims if authed and s.claimer_id == user.pk), None)
    status = packet_status_now(packet)
    if mine is not None:
        state = PacketState.CLAIMED
    elif status == PacketStatus.AWAITING_PAYMENT:
        state = PacketState.AWAITING_PAYMENT
    elif status == PacketStatus.CANCELLED:
        state = PacketState.CANCELLED
    elif status == PacketStatus.EXPIRED:
        state = PacketState.EXPIRED
    elif status == PacketStatus.FINISHED:
        state = PacketState.FINISHED
    else:
        state = PacketState.OPEN
    is_member = authed and active_role(user=user, community=packet.community) is not None
    return PacketView(packet=packet, state=state, shares_left=packet.shares - len(claims), claims=claims, mine=mine,
                      is_member=is_member)


def community_packets(*, community_id: int, limit: int = 5) -> list[RedPacket]:
    """Open packets of a community, newest first."""
    return list(RedPacket.objects.filter(community_id=community_id, status=PacketStatus.OPEN,
                                         expires_at__gt=timezone.now()).select_related("funder")
                .order_by("-id")[:limit])
