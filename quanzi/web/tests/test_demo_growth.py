"""The demo's growth part (issue 8), built small through the real services: coupon campaigns of every kind
claimable in the coupon centre and in several communities, group-buys running, succeeded and failed, and flash
sessions finished, running and about to start — with counters that agree with the rows behind them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Count, F, Q, Sum
from django.test import Client
from django.utils import timezone

from quanzi.accounts.models import User
from quanzi.growth.coupons.enums import ClaimMode, CouponKind, CouponScope, CouponStatus
from quanzi.growth.coupons.models import Coupon, CouponHolding, CouponRedemption, CouponTemplate
from quanzi.growth.flashsale.enums import ReservationStatus, SessionStatus
from quanzi.growth.flashsale.models import FlashItem, FlashReservation, FlashSession
from quanzi.growth.groupbuy.enums import GroupStatus, MemberStatus
from quanzi.growth.groupbuy.models import GroupBuyGroup, GroupBuyMember
from quanzi.growth.redpackets.enums import PacketStatus
from quanzi.growth.redpackets.models import BalanceEntry, RedPacket, RedPacketShare
from quanzi.orders.models import OrderLineAdjustment
from quanzi.payments.enums import RefundStatus
from quanzi.payments.models import Refund
from quanzi.web.demo.build import build

pytestmark = pytest.mark.django_db

MEMBER = "13800000001"


def test_demo_growth() -> None:
    """One build (it takes a while), every promise checked on it."""
    started = timezone.now()
    build(members=80, posts=30, orders=20, log=lambda _line: None)
    member = User.objects.get(phone=MEMBER)
    _coupons_of_every_kind_claimable_in_communities_and_counted(member)
    _groups_never_overfill_and_failed_groups_are_refunded_once(member)
    _flash_sessions_finished_running_and_soon(started)
    _member_pages_show_coupons_and_groups(member)
    _an_open_red_packet_the_member_can_claim(member)
    _loyalty_and_referrals_parts(member)


def _coupons_of_every_kind_claimable_in_communities_and_counted(member: User) -> None:
    public = CouponTemplate.objects.filter(claim_mode=ClaimMode.PUBLIC)
    for scope in (CouponScope.PLATFORM, CouponScope.MERCHANT):
        assert set(public.filter(scope=scope).values_list("kind", flat=True)) == set(CouponKind.values), scope
    assert public.filter(scope=CouponScope.COMMUNITY).values("community").distinct().count() >= 3
    for t in CouponTemplate.objects.annotate(n=Count("coupons"),
                                            used=Count("coupons", filter=Q(coupons__status=CouponStatus.USED))):
        assert t.claimed_count == t.n, t.name  # the counter is the coupons given
        assert t.used_count == t.used, t.name
        assert t.total_quota is None or t.claimed_count <= t.total_quota
    for h in CouponHolding.objects.all():
        assert h.claimed_count == Coupon.objects.filter(template_id=h.template_id, user_id=h.user_id).count()
        assert h.claimed_count <= h.template.per_member_limit
    assert Coupon.objects.filter(user=member, status=CouponStatus.UNUSED).count() >= 3
    # one used on a past order, whose line shows the coupon in its waterfall
    used = CouponRedemption.objects.filter(coupon__user=member).select_related("order").first()
    assert used is not None and used.order.paid_at is not None and used.amount_fen > 0
    assert OrderLineAdjustment.objects.filter(order_line__order=used.order, source=f"coupon:{used.coupon_id}",
                                              amount_fen__gt=0).exists()


def _groups_never_overfill_and_failed_groups_are_refunded_once(member: User) -> None:
    groups = GroupBuyGroup.objects.all()
    assert {GroupStatus.OPEN, GroupStatus.SUCCEEDED, GroupStatus.FAILED} <= set(groups.values_list("status", flat=True))
    for g in groups:
        paid = GroupBuyMember.objects.filter(group=g).exclude(paid_at=None).count()
        assert paid <= g.size and g.paid_count <= g.taken_count <= g.size, g.pk
    for g in groups.filter(status=GroupStatus.SUCCEEDED):
        assert g.paid_count == g.size
        for m in GroupBuyMember.objects.filter(group=g).select_related("order"):
            assert m.status == MemberStatus.PAID and m.order.paid_at is not None
            assert not m.order.holds.filter(released_at=None).exists()  # released for shipping
    assert GroupBuyMember.objects.filter(group__status=GroupStatus.SUCCEEDED, order__shipped_at__isnull=False).exists()
    for g in groups.filter(status=GroupStatus.FAILED):
        for m in GroupBuyMember.objects.filter(group=g).exclude(paid_at=None).select_related("order"):
            assert m.status == MemberStatus.REFUNDED, m.pk
            refunds = Refund.objects.filter(order=m.order)
            assert refunds.count() == 1 and refunds.get().refund_no == m.refund_no
            assert refunds.get().status == RefundStatus.SUCCEEDED
            assert m.order.refunded_fen == m.order.paid_fen > 0
    now = timezone.now()
    running = groups.filter(status=GroupStatus.OPEN, deadline__gt=now)
    assert running.filter(members__user=member).exists()  # the member's own group, places left
    assert running.exclude(members__user=member).filter(paid_count__lt=F("size")).exists()  # one to join


def _flash_sessions_finished_running_and_soon(started: dt.datetime) -> None:
    now = timezone.now()
    sessions = FlashSession.objects.exclude(status=SessionStatus.DRAFT)
    assert sessions.filter(status=SessionStatus.ENDED).exists()
    assert sessions.filter(status=SessionStatus.SCHEDULED, starts_at__lte=now, ends_at__gt=now).exists()
    soon = sessions.filter(status=SessionStatus.SCHEDULED, starts_at__gt=now).first()
    assert soon is not None and soon.starts_at - started >= dt.timedelta(minutes=4)
    for item in FlashItem.objects.all():
        holding = FlashReservation.objects.filter(item=item, returned_to_allotment=False)
        taken = holding.aggregate(s=Sum("quantity"))["s"] or 0
        assert item.reserved == taken, item.pk  # units left plus units sold is what was allotted
        assert (item.allotment - item.reserved) + taken == item.allotment
    assert FlashReservation.objects.filter(status=ReservationStatus.PAID).exists()
    ended = FlashItem.objects.filter(session__status=SessionStatus.ENDED)
    assert ended.exists() and not ended.filter(returned_at=None).exists()  # leftovers back in stock


def _member_pages_show_coupons_and_groups(member: User) -> None:
    client = Client()
    client.force_login(member)
    mine = client.get("/coupons/mine/")
    assert mine.status_code == 200
    for c in Coupon.objects.filter(user=member, status=CouponStatus.UNUSED).select_related("template")[:3]:
        assert c.template.name in mine.content.decode()
    groups = client.get("/groupbuy/mine/")
    assert groups.status_code == 200
    g = GroupBuyGroup.objects.filter(members__user=member, status=GroupStatus.OPEN).first()
    assert g is not None and f"/groupbuy/g/{g.pk}/" in groups.content.decode()
    # reachable by links: the shop points to the coupon centre and the flash sale, the member's own page to
    # "my coupons" and "我的拼团"
    shop = client.get("/shop/").content.decode()
    assert 'href="/coupons/"' in shop and 'href="/flashsale/"' in shop
    profile = client.get(f"/u/{member.pk}/").content.decode()
    assert 'href="/coupons/mine/"' in profile and 'href="/groupbuy/mine/"' in profile
    flash = client.get("/flashsale/")
    assert flash.status_code == 200 and "即将开抢" in flash.content.decode()
    centre = client.get("/coupons/")
    assert centre.status_code == 200 and "平台满 199 减 30" in centre.content.decode()


def _an_open_red_packet_the_member_can_claim(member: User) -> None:
    packet = RedPacket.objects.filter(status=PacketStatus.OPEN, expires_at__gt=timezone.now()).first()
    assert packet is not None and 0 < packet.claimed_count < packet.shares
    shares = RedPacketShare.objects.filter(packet=packet)
    assert shares.count() == packet.shares and sum(shares.values_list("amount_fen", flat=True)) == packet.amount_fen
    claimed = shares.exclude(claimer=None)
    assert claimed.count() == packet.claimed_count
    assert sum(claimed.values_list("amount_fen", flat=True)) == packet.claimed_fen
    assert not claimed.filter(claimer=member).exists()  # left for the visitor to claim
    # the funder's balance paid for it: granted, then spent on the packet, never below zero
    assert sum(BalanceEntry.objects.filter(user=packet.funder).values_list("amount_fen", flat=True)) >= 0
    assert BalanceEntry.objects.filter(user=packet.funder, packet=packet, amount_fen=-packet.amount_fen).exists()


def _loyalty_and_referrals_parts(member: User) -> None:
    """Issue 9's demo, on the same build: points in lots, levels, a paid member, a 6-day check-in streak, a lottery
    running and one drawn whose published data verifies, invitations bound and commissions written."""
    from quanzi.loyalty.lotteries import verify
    from quanzi.loyalty.lotteries.models import Lottery, LotteryWinner
    from quanzi.loyalty.membership.models import MembershipPeriod
    from quanzi.loyalty.points.selectors import points_balance
    from quanzi.referrals.distribution.models import CommissionEntry
    from quanzi.referrals.invites.models import Binding

    assert points_balance(user_id=member.pk) > 0
    assert MembershipPeriod.objects.filter(user=member).exists()
    running = Lottery.objects.filter(status="open").first()
    assert running is not None and running.seed_public is None and running.entries.exists()
    finished = Lottery.objects.filter(status="drawn").first()
    assert finished is not None
    doc = Client().get(f"/lotteries/{finished.pk}/data.json").json()
    assert doc["seed"] and verify.verify(doc).ok
    assert LotteryWinner.objects.filter(lottery=finished).count() == len(doc["winners"]) > 0
    assert Binding.objects.count() >= 5
    assert CommissionEntry.objects.exists()
    client = Client()
    client.force_login(member)
    for url in ("/points/", "/points/mall/", "/membership/", "/membership/plans/", "/tasks/", "/invite/",
                "/promoter/", f"/lotteries/{running.pk}/"):
        assert client.get(url).status_code == 200, url
