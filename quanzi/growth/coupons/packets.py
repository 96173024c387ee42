"""Coupon packets (券包): a merchant, a community's owner or an operator posts `shares` coupons of one template into a
community; each member takes one, first come first served, until the packet runs out or expires.

Exact under concurrency the same way a red packet is: the packet's counter moves by a conditional update
(`claimed_count < shares`, still open), a second claim of the same member breaks the (packet, member) unique
constraint, and the coupon itself is issued through the template's own conditional updates (its total quota and
per-member limit), all in one transaction — a claim the template refuses (quota gone, member at the limit) rolls
the packet's counter back with it. Nothing is paid, so nothing goes back at expiry: unclaimed shares just lapse.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from quanzi.communities.selectors import active_role, community_by_id, has_perm
from quanzi.core.events import track
from quanzi.growth.coupons import errors
from quanzi.growth.coupons.enums import CouponSource
from quanzi.growth.coupons.models import CouponPacket, CouponPacketClaim
from quanzi.growth.coupons.rules import claim_open_problem
from quanzi.growth.coupons.services import _issue, _require_login, _template_for

MAX_SHARES = 500
MAX_HOURS = 24 * 7


@transaction.atomic
def coupon_packet_create(*, actor: Any, template_id: int, community_id: int, shares: int, hours: int = 24,
                         greeting: str = "") -> CouponPacket:
    """Post a packet of `shares` coupons of a template the actor manages (a merchant its own, an operator any) into
    a community where the actor may post, open for `hours` (1–168)."""
    _require_login(actor)
    template = _template_for(actor, template_id)
    if not isinstance(shares, int) or isinstance(shares, bool) or not 1 <= shares <= MAX_SHARES:
        raise errors.invalid_shares(MAX_SHARES)
    if not isinstance(hours, int) or isinstance(hours, bool) or not 1 <= hours <= MAX_HOURS:
        raise errors.invalid(errors.ErrorCode.INVALID_VALIDITY, _("有效时长需为 1–%(n)s 小时") % {"n": MAX_HOURS})
    greeting = (greeting or "").strip()
    if len(greeting) > 40:
        raise errors.invalid(errors.ErrorCode.INVALID_NAME, _("祝福语最多 40 个字"))
    community = community_by_id(community_id=community_id)
    if community is None:
        raise errors.not_community_member("")
    if not has_perm(user=actor, community=community, perm="post"):
        raise errors.post_not_allowed(community.name)
    problem = claim_open_problem(template, timezone.now())
    if problem is not None:
        raise problem
    if template.remaining is not None and template.remaining < shares:
        raise errors.exhausted()  # a check for the right message; each claim still takes quota atomically
    packet = CouponPacket.objects.create(template=template, community=community, funder=actor, shares=shares,
                                         greeting=greeting or _("领张券，下单更划算"),
                                         expires_at=timezone.now() + dt.timedelta(hours=hours))
    track("coupon.packet_create", user=actor, obj=packet, community_id=community.pk, template_id=template.pk,
          shares=shares)
    return packet


@transaction.atomic
def coupon_packet_claim(*, user: Any, packet_id: int) -> CouponPacketClaim:
    """Take one coupon from the packet: members of its community only, one each, while shares are left and it is
    open. Refused with coupon_packet_finished / _expired / _already_claimed, or the template's own refusals."""
    _require_login(user)
    packet = CouponPacket.objects.select_related("template", "community").filter(pk=packet_id).first()
    if packet is None:
        raise errors.packet_not_found()
    if active_role(user=user, community=packet.community) is None:
        raise errors.not_community_member(packet.community.name)
    if CouponPacketClaim.objects.filter(packet=packet, user=user).exists():
        raise errors.packet_already_claimed()
    now = timezone.now()
    if packet.expires_at <= now:
        raise errors.packet_expired()
    if not CouponPacket.objects.filter(pk=packet.pk, expires_at__gt=now, claimed_count__lt=F("shares"))\
            .update(claimed_count=F("claimed_count") + 1):
        raise errors.packet_finished()
    coupon = _issue(packet.template, user, source=CouponSource.PACKET, grant_ref=f"packet:{packet.pk}", now=now)
    try:
        with transaction.atomic():
            claim = CouponPacketClaim.objects.create(packet=packet, user=user, coupon=coupon)
    except IntegrityError:  # the same member's twin request committed first
        raise errors.packet_already_claimed() from None
    track("coupon.packet_claim", user=user, obj=packet, community_id=packet.community_id, coupon_id=coupon.pk)
    return claim


# --- reads ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PacketView:
    packet: CouponPacket
    state: str  # open, claimed, finished, expired
    is_member: bool
    mine: CouponPacketClaim | None
    claims: list[CouponPacketClaim]


def packet_get(*, packet_id: int) -> CouponPacket | None:
    return CouponPacket.objects.select_related("template", "community", "funder").filter(pk=packet_id).first()


def packet_view(*, packet: CouponPacket, user: Any) -> PacketView:
    authed = user is not None and getattr(user, "is_authenticated", False)
    claims = list(packet.claims.select_related("user").order_by("pk"))
    mine = next((c for c in claims if authed and c.user_id == user.pk), None)
    if mine is not None:
        state = "claimed"
    elif packet.claimed_count >= packet.shares:
        state = "finished"
    elif packet.expires_at <= timezone.now():
        state = "expired"
    else:
        state = "open"
    is_member = authed and active_role(user=user, community=packet.community) is not None
    return PacketView(packet=packet, state=state, is_member=is_member, mine=mine, claims=claims)


def community_open_packets(*, community_id: int, limit: int = 3) -> QuerySet[CouponPacket]:
    return (CouponPacket.objects.select_related("template")
            .filter(community_id=community_id, expires_at__gt=timezone.now(), claimed_count__lt=F("shares"))
            .order_by("-pk")[:limit])
