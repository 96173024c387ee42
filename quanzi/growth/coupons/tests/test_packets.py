"""Coupon packets (券包): posted into a community by a merchant or operator, one coupon per member, first come first
served; the template's quota and limits still hold; nothing changes on a refusal; exact under concurrency (PG)."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from conftest import ARTIFACTS, make_user
from quanzi.accounts.models import User
from quanzi.catalog.tests import factories as f
from quanzi.core.errors import DomainError
from quanzi.core.testing import race_in_batches
from quanzi.growth.coupons import packets
from quanzi.growth.coupons.enums import CouponSource
from quanzi.growth.coupons.models import Coupon, CouponPacket, CouponPacketClaim
from quanzi.growth.coupons.tests.helpers import template
from quanzi.growth.coupons.tests.test_concurrency import _members


def _group(owner: Any) -> Any:
    return f.community(owner)


def _packet(actor: Any, group: Any, shares: int = 3, **template_fields: Any) -> CouponPacket:
    t = template(actor, **template_fields)
    return packets.coupon_packet_create(actor=actor, template_id=t.pk, community_id=group.pk, shares=shares)


@pytest.mark.django_db
def test_members_take_one_coupon_each_until_the_packet_runs_out(operator: Any) -> None:
    group = _group(operator)
    packet = _packet(operator, group, shares=2)
    a, b, c, outsider = make_user("甲"), make_user("乙"), make_user("丙"), make_user("路人")
    for u in (a, b, c):
        f.add_member(group, u)
    claim = packets.coupon_packet_claim(user=a, packet_id=packet.pk)
    assert claim.coupon.source == CouponSource.PACKET and claim.coupon.user_id == a.pk
    for who, code in ((a, "coupon_packet_already_claimed"), (outsider, "not_community_member")):
        with pytest.raises(DomainError) as exc:
            packets.coupon_packet_claim(user=who, packet_id=packet.pk)
        assert exc.value.code == code
    packets.coupon_packet_claim(user=b, packet_id=packet.pk)
    with pytest.raises(DomainError) as exc:
        packets.coupon_packet_claim(user=c, packet_id=packet.pk)
    assert exc.value.code == "coupon_packet_finished"
    packet.refresh_from_db()
    assert packet.claimed_count == 2 == CouponPacketClaim.objects.count() == Coupon.objects.count()
    assert packets.packet_view(packet=packet, user=c).state == "finished"
    assert packets.packet_view(packet=packet, user=a).state == "claimed"


@pytest.mark.django_db
def test_the_templates_limits_still_hold_and_a_refusal_changes_nothing(operator: Any) -> None:
    group = _group(operator)
    packet = _packet(operator, group, shares=3, total_quota=5, per_member_limit=1)
    member = make_user("已领过")
    f.add_member(group, member)
    from quanzi.growth.coupons.services import coupon_claim

    coupon_claim(user=member, template_id=packet.template_id)  # at the template's limit already
    with pytest.raises(DomainError) as exc:
        packets.coupon_packet_claim(user=member, packet_id=packet.pk)
    assert exc.value.code == "claim_limit_reached"
    packet.refresh_from_db()
    assert packet.claimed_count == 0 and not CouponPacketClaim.objects.exists()


@pytest.mark.django_db
def test_an_expired_packet_is_refused(operator: Any) -> None:
    group = _group(operator)
    packet = _packet(operator, group)
    CouponPacket.objects.filter(pk=packet.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    member = make_user("晚到")
    f.add_member(group, member)
    with pytest.raises(DomainError) as exc:
        packets.coupon_packet_claim(user=member, packet_id=packet.pk)
    assert exc.value.code == "coupon_packet_expired"


@pytest.mark.django_db
@pytest.mark.parametrize(("shares", "hours", "code"), [(0, 24, "invalid_shares"), (501, 24, "invalid_shares"),
                                                       (5, 0, "invalid_validity"), (6, 24, "coupon_exhausted")])
def test_bad_packets_are_refused(operator: Any, shares: int, hours: int, code: str) -> None:
    group = _group(operator)
    t = template(operator, total_quota=5)
    with pytest.raises(DomainError) as exc:
        packets.coupon_packet_create(actor=operator, template_id=t.pk, community_id=group.pk, shares=shares,
                                     hours=hours)
    assert exc.value.code == code
    assert not CouponPacket.objects.exists()


@pytest.mark.django_db
def test_a_merchant_cannot_post_another_merchants_coupons(operator: Any) -> None:
    group = _group(operator)
    mine, theirs = f.approved_merchant(), f.approved_merchant()
    f.add_member(group, mine.user)
    t = template(theirs.user, scope="merchant")
    with pytest.raises(DomainError) as exc:
        packets.coupon_packet_create(actor=mine.user, template_id=t.pk, community_id=group.pk, shares=2)
    assert exc.value.code == "template_not_found"


@pytest.mark.django_db
def test_the_packet_pages(operator: Any) -> None:
    group = _group(operator)
    client = Client()
    client.force_login(operator)
    t = template(operator)
    page = client.get(f"/coupons/packets/new/?community={group.pk}")
    assert page.status_code == 200 and 'id="packet-form"' in page.content.decode()
    r = client.post("/coupons/packets/new/", {"template": t.pk, "community": group.pk, "shares": "5",
                                              "hours": "24", "greeting": "周末福利"})
    packet = CouponPacket.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/coupons/packets/{packet.pk}/"
    bad = client.post("/coupons/packets/new/", {"template": t.pk, "community": group.pk, "shares": "0",
                                                "hours": "24"})
    assert bad.status_code == 400 and CouponPacket.objects.count() == 1
    member = make_user("成员")
    f.add_member(group, member)
    client.force_login(member)
    assert 'id="community-coupon-packets"' in client.get(f"/c/{group.slug}/").content.decode()
    client.post(f"/coupons/packets/{packet.pk}/claim/")
    assert 'id="packet-mine"' in client.get(f"/coupons/packets/{packet.pk}/").content.decode()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_packet_of_10_with_60_concurrent_claims_gives_exactly_10() -> None:
    assert connection.vendor == "postgresql"
    operator = f.operator()
    group = _group(operator)
    packet = _packet(operator, group, shares=10)
    members: list[User] = _members(60, prefix="1371")
    for m in members:
        f.add_member(group, m)
    calls = [lambda m=m: packets.coupon_packet_claim(user=m, packet_id=packet.pk) for m in members]
    calls += [lambda m=m: packets.coupon_packet_claim(user=m, packet_id=packet.pk) for m in members[:10]]
    outcomes = race_in_batches(calls, 35)
    assert outcomes.count("ok") == 10, outcomes
    assert set(outcomes) <= {"ok", "coupon_packet_finished", "coupon_packet_already_claimed"}
    packet.refresh_from_db()
    assert packet.claimed_count == 10 == CouponPacketClaim.objects.count() == Coupon.objects.count()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_coupon_packet_at_phone_width(browser_page: Any) -> None:
    from playwright.sync_api import expect

    operator = f.operator()
    group = _group(operator)
    packet = _packet(operator, group, shares=5)
    member = make_user("小美")
    f.add_member(group, member)
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    page.context.clear_cookies()
    url = f"/coupons/packets/{packet.pk}/"
    page.goto(f"/login/?next={url}")
    page.fill("input[name=login]", member.phone)
    page.fill("input[name=password]", "pass-word-1")
    page.click("button[type=submit]")
    page.wait_for_url(f"**{url}")
    expect(page.locator("#coupon-packet")).to_have_attribute("data-state", "open")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=os.path.join(ARTIFACTS, "coupon-packet-open.png"), full_page=True)
    page.click("#packet-claim")
    expect(page.locator("#coupon-packet")).to_have_attribute("data-state", "claimed")
    page.screenshot(path=os.path.join(ARTIFACTS, "coupon-packet-claimed.png"), full_page=True)
