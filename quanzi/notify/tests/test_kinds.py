"""The kinds notify added or plugged in: merchant review, commission released, @mentions in posts, coupons about
to expire (once per coupon however often the job runs), a live session starting."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone

from conftest import make_user
from quanzi.accounts.models import Notification
from quanzi.catalog import services as catalog_services
from quanzi.catalog.tests import factories as f
from quanzi.content.services import post_create
from quanzi.growth.coupons.models import Coupon
from quanzi.growth.coupons.tests.helpers import claim, template
from quanzi.notify import jobs, reminders
from quanzi.orders import hooks as order_hooks
from quanzi.referrals.distribution import services as distribution
from quanzi.referrals.distribution.tests.helpers import chain, line, order_id

pytestmark = pytest.mark.django_db


def _texts(user: Any, kind: str) -> list[str]:
    return [n.display_text for n in Notification.objects.filter(recipient=user, kind=kind).order_by("pk")]


def test_merchant_is_told_when_approved_or_rejected() -> None:
    operator = f.operator()
    applicant = make_user("想开店")
    merchant = catalog_services.merchant_apply(user=applicant, business_name="小美的店", licence_no="91310000X",
                                               contact_name="小美", contact_phone="13900000000")
    catalog_services.merchant_approve(operator=operator, merchant_id=merchant.pk)
    assert _texts(applicant, "merchant") == ["「小美的店」的商家入驻申请已通过，可以上架商品了"]

    other = make_user("再试试")
    m2 = catalog_services.merchant_apply(user=other, business_name="二号店", licence_no="91310000Y",
                                         contact_name="二号", contact_phone="13900000001")
    catalog_services.merchant_reject(operator=operator, merchant_id=m2.pk, reason="执照不清晰")
    assert _texts(other, "merchant") == ["「二号店」的商家入驻申请未通过：执照不清晰"]


def test_commission_released_is_told_after_distribution_released_it() -> None:
    f.operator()
    top, mid, buyer = chain(3)
    oid = order_id()
    distribution.commission_accrue(order_id=oid, buyer_id=buyer.pk, lines=[line(10000)])
    # the hook runs after distribution's (names in order), so the release is there to read
    names = sorted(order_hooks.MOMENT_HOOKS[order_hooks.Moment.COMPLETED])
    assert names.index("referrals.distribution") < names.index("referrals.distribution.notify")
    distribution.commission_release(order_id=oid)
    reminders.commission_released(SimpleNamespace(order_id=oid))
    assert _texts(mid, "commission")[-1] == "推广订单已完成，佣金 ¥10.00 已结算，可以提现了"
    assert _texts(top, "commission")[-1] == "推广订单已完成，佣金 ¥5.00 已结算，可以提现了"
    assert _texts(buyer, "commission") == []


def test_mentions_in_a_post_tell_members_of_its_community(django_capture_on_commit_callbacks: Any) -> None:
    author, named, outsider = make_user("作者"), make_user("小红"), make_user("路人甲")
    c = f.community(author)
    f.add_member(c, named)
    with django_capture_on_commit_callbacks(execute=True):
        post = post_create(author=author, community=c, title="周末探店",
                           body="和 @小红 一起去的，@路人甲 没来，@作者 自己")
    assert _texts(named, "mention") == ["作者 在「周末探店」中提到了你"]
    assert Notification.objects.get(recipient=named, kind="mention").url == f"/p/{post.pk}/"
    assert _texts(outsider, "mention") == []  # not a member of the community
    assert _texts(author, "mention") == []


def test_coupon_expiring_is_told_once() -> None:
    operator = f.operator()
    holder = make_user("有券")
    t = template(operator, name="满100减20")
    soon, later = claim(holder, t), claim(make_user("晚点过期"), t)
    Coupon.objects.filter(pk=soon.pk).update(valid_until=timezone.now() + dt.timedelta(hours=5))
    Coupon.objects.filter(pk=later.pk).update(valid_until=timezone.now() + dt.timedelta(days=3))
    assert jobs.coupons_expiring_remind.call_local() == 1
    assert jobs.coupons_expiring_remind.call_local() == 0
    texts = _texts(holder, "coupon")
    assert len(texts) == 1 and texts[0].startswith("你的优惠券「满100减20」将于")
    used = claim(make_user("用过了"), t)
    Coupon.objects.filter(pk=used.pk).update(valid_until=timezone.now() + dt.timedelta(hours=1), status="used")
    assert jobs.coupons_expiring_remind.call_local() == 0


def test_live_starting_tells_the_community_once_not_the_host() -> None:
    host, fan = make_user("主播"), make_user("观众")
    c = f.community(host)
    f.add_member(c, fan)
    assert jobs.live_started_task.call_local(7, c.pk, "面霜专场", host.pk) == 1
    assert _texts(fan, "live") == [f"「{c.name}」的直播「面霜专场」开始了，快来看看"]
    assert Notification.objects.get(recipient=fan, kind="live").url == "/live/7/"
    assert reminders.live_started(session_id=7, community_id=c.pk, title="面霜专场", host_id=host.pk) == 0
    assert _texts(host, "live") == []


def test_a_session_going_on_air_tells_its_community(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    """Through the live app's hook: the start of a real session (services), after its commit."""
    from quanzi.live.tests.helpers import session, world

    w = world()
    with django_capture_on_commit_callbacks(execute=True):
        s = session(w)  # scheduled, then started by its host
    assert Notification.objects.get(recipient=w.viewer, kind="live").url == f"/live/{s.pk}/"
    assert not Notification.objects.filter(recipient=w.host, kind="live").exists()
