"""Live sessions through the services: who may schedule and pin, the live price at checkout, the credit of the
order to the session, comments under moderation, and bad input that changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from conftest import make_user
from quanzi.catalog.tests import factories as f
from quanzi.communities import services as communities
from quanzi.communities.enums import Role
from quanzi.content.models import SensitiveWord
from quanzi.core.errors import DomainError
from quanzi.live import selectors, services
from quanzi.live.enums import CommentStatus, SessionStatus
from quanzi.live.models import LiveComment, LiveOrderLine, LivePin
from quanzi.live.tests.helpers import STREAM, place, session, world
from quanzi.orders import services as orders
from quanzi.orders.models import OrderLine

pytestmark = pytest.mark.django_db


def _code(fn, **kwargs) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as exc:
        fn(**kwargs)
    return exc.value.code


def test_owner_or_kol_schedules_a_member_may_not() -> None:
    w = world()
    s = session(w, start=False)
    assert s.status == SessionStatus.SCHEDULED and s.token.startswith("lv") and s.merchant is None
    owner_session = services.session_schedule(user=w.owner, community_id=w.community.pk, title="群主场",
                                              stream_url="https://cdn.example.com/a.flv",
                                              scheduled_at=timezone.now() + dt.timedelta(hours=1))
    assert owner_session.host_id == w.owner.pk
    assert _code(services.session_schedule, user=w.viewer, community_id=w.community.pk, title="x",
                 stream_url=STREAM, scheduled_at=timezone.now()) == "permission_denied"
    for url in ("ftp://x.example.com/a.m3u8", "https://x.example.com/a.mp4", "javascript:alert(1)//.m3u8"):
        assert _code(services.session_schedule, user=w.host, community_id=w.community.pk, title="x",
                     stream_url=url, scheduled_at=timezone.now()) == "live_invalid_stream_url"


def test_start_end_only_by_the_host_and_in_order() -> None:
    w = world()
    s = session(w, start=False)
    assert _code(services.session_start, user=w.owner, session_id=s.pk) == "live_not_host"
    assert _code(services.session_end, user=w.host, session_id=s.pk) == "live_illegal_transition"
    services.session_start(user=w.host, session_id=s.pk)
    ended = services.session_end(user=w.host, session_id=s.pk)
    assert ended.status == SessionStatus.ENDED and ended.replay_url == STREAM
    assert _code(services.session_start, user=w.host, session_id=s.pk) == "live_illegal_transition"


def test_pin_rules_shelf_merchant_price() -> None:
    w = world()
    s = session(w)
    pin = services.pin_product(user=w.host, session_id=s.pk, product_id=w.product.pk, live_price_fen=9900)
    assert pin.sku_id == w.sku.pk and pin.live_price_fen == 9900 and pin.active
    # not on this community's shelf (another merchant's product, sellable, but not picked here)
    other_product, _sku = f.product_with_sku(f.approved_merchant(), title="别家面霜")
    assert _code(services.pin_product, user=w.host, session_id=s.pk,
                 product_id=other_product.pk) == "live_product_not_on_shelf"
    # a price at or above the list price, or zero
    for price in (12900, 20000, 0):
        assert _code(services.pin_product, user=w.host, session_id=s.pk, product_id=w.product.pk,
                     live_price_fen=price) == "live_invalid_price"
    # only the host
    assert _code(services.pin_product, user=w.owner, session_id=s.pk, product_id=w.product.pk) == "live_not_host"
    assert LivePin.objects.get().live_price_fen == 9900  # nothing changed


def test_a_merchant_host_pins_only_its_own_products() -> None:
    w = world()
    merchant_host = w.merchant.user
    f.add_member(w.community, merchant_host, Role.KOL)
    s = services.session_schedule(user=merchant_host, community_id=w.community.pk, title="品牌自播",
                                  stream_url=STREAM, scheduled_at=timezone.now())
    assert s.merchant_id == w.merchant.pk
    services.pin_product(user=merchant_host, session_id=s.pk, product_id=w.product.pk)
    rival, _sku = f.product_with_sku(f.approved_merchant(), title="竞品面霜")
    from quanzi.catalog import services as catalog

    catalog.shelf_add(user=w.host, community_id=w.community.pk, product_id=rival.pk)
    assert _code(services.pin_product, user=merchant_host, session_id=s.pk,
                 product_id=rival.pk) == "live_product_other_merchant"
    assert [p.pk for p in selectors.pinnable_products(session=s)] == [w.product.pk]


def test_comments_moderation_and_the_sensitive_filter() -> None:
    w = world()
    s = session(w)
    comment = services.comment_post(user=w.viewer, session_id=s.pk, body="  这款  适合油皮吗？ ")
    assert comment.body == "这款 适合油皮吗？" and comment.status == CommentStatus.VISIBLE
    SensitiveWord.objects.create(word="加微信")
    held = services.comment_post(user=w.viewer, session_id=s.pk, body="私聊加微信便宜")
    assert held.status == CommentStatus.HELD
    s.refresh_from_db()
    assert s.comment_count == 1  # the held one is not counted
    stranger = make_user("路人")
    assert _code(services.comment_post, user=stranger, session_id=s.pk, body="hi") == "not_member"
    communities.member_mute(actor=w.owner, community=w.community, user_id=w.viewer.pk,
                            until=timezone.now() + dt.timedelta(hours=1), reason="刷屏")
    assert _code(services.comment_post, user=w.viewer, session_id=s.pk, body="hi") == "muted"
    other = make_user("小李")
    f.add_member(w.community, other)
    communities.member_ban(actor=w.owner, community=w.community, user_id=other.pk, reason="广告")
    assert _code(services.comment_post, user=other, session_id=s.pk, body="hi") == "banned"
    assert _code(services.comment_post, user=w.host, session_id=s.pk, body="   ") == "live_comment_empty"
    assert _code(services.comment_post, user=w.host, session_id=s.pk, body="长" * 201) == "live_comment_too_long"
    services.session_end(user=w.host, session_id=s.pk)
    assert _code(services.comment_post, user=w.host, session_id=s.pk, body="还在吗") == "live_session_ended"
    assert LiveComment.objects.count() == 2
    scheduled = session(w, start=False)
    assert _code(services.comment_post, user=w.host, session_id=scheduled.pk, body="hi") == "live_not_live"


def test_the_live_price_and_the_credit_to_the_session(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    w = world(price_fen=12900)
    s = session(w)
    pin = services.pin_product(user=w.host, session_id=s.pk, product_id=w.product.pk, live_price_fen=9900)
    services.buy_touch(user=w.viewer, pin=pin)
    checkout = place(w.viewer, w.sku, {"campaign_id": pin.pk, "campaign_kind": "live"})
    order = checkout.orders.get()
    line = OrderLine.objects.get(order=order)
    assert line.goods_payable_fen == 9900 and line.share_token == s.token and line.sharer_id == w.host.pk
    credited = LiveOrderLine.objects.get()
    assert (credited.session_id, credited.order_id, credited.live_priced, credited.paid) == (s.pk, order.pk, True,
                                                                                             False)
    assert selectors.figures(session=s).orders == 0  # not paid yet
    with django_capture_on_commit_callbacks(execute=True):
        orders.order_mark_paid(order_id=order.pk, amount_fen=order.payable_fen, payment_ref="sandbox-live-1")
    figures = selectors.figures(session=s)
    assert (figures.orders, figures.gmv_fen) == (1, 9900)


def test_no_live_price_after_the_end_or_the_unpin_and_no_credit_without_the_touch() -> None:
    w = world(price_fen=12900)
    s = session(w)
    pin = services.pin_product(user=w.host, session_id=s.pk, product_id=w.product.pk, live_price_fen=9900)
    checkout = place(w.viewer, w.sku)  # no live options, no touch: list price, not credited
    assert checkout.orders.get().payable_fen >= 12900 and not LiveOrderLine.objects.exists()
    services.unpin_product(user=w.host, session_id=s.pk, pin_id=pin.pk)
    assert _code(place, user=w.viewer, sku=w.sku, options={"campaign_id": pin.pk, "campaign_kind": "live"}) \
        == "live_price_unavailable"
    services.pin_product(user=w.host, session_id=s.pk, product_id=w.product.pk, live_price_fen=9900)
    services.session_end(user=w.host, session_id=s.pk)
    assert _code(place, user=w.viewer, sku=w.sku, options={"campaign_id": pin.pk, "campaign_kind": "live"}) \
        == "live_price_unavailable"
    assert _code(services.pin_product, user=w.host, session_id=s.pk,
                 product_id=w.product.pk) == "live_session_ended"


def test_viewers_likes_and_the_room_check() -> None:
    w = world()
    s = session(w)
    assert services.viewer_join(user=w.viewer, session_id=s.pk) == 1
    assert services.viewer_join(user=w.host, session_id=s.pk) == 2
    assert services.viewer_join(user=w.viewer, session_id=s.pk) == 3  # a second tab: online, not a new viewer
    services.viewer_leave(session_id=s.pk)
    assert services.like_add(user=w.viewer, session_id=s.pk) == 1
    s.refresh_from_db()
    assert (s.viewer_count, s.peak_viewers, s.like_count) == (2, 3, 1)
    assert _code(services.room_check, user=None, session_id=s.pk) == "not_authenticated"
    services.session_end(user=w.host, session_id=s.pk)
    assert _code(services.room_check, user=w.viewer, session_id=s.pk) == "live_session_ended"
    assert _code(services.like_add, user=w.viewer, session_id=s.pk) == "live_session_ended"
