"""Transactional notifications of after-sales (aftersales.notices): the merchant hears once of a new request and
of a return the buyer shipped; the buyer hears once of the decision (approved, or rejected with the reason) and of
the refund that arrived (amount and payment method); each links to the right page, and replays add nothing."""

from __future__ import annotations

import pytest

from quanzi.accounts.enums import NotificationKind
from quanzi.accounts.models import Notification
from quanzi.aftersales import jobs, services
from quanzi.aftersales.tests.helpers import delivered_order, line_of, paid_order, shop
from quanzi.core.errors import Conflict
from quanzi.orders.models import OrderMoment
from quanzi.orders.services.moments import moment_dispatch

pytestmark = pytest.mark.django_db


def _inbox(user, kind: str) -> list[Notification]:  # type: ignore[no-untyped-def]
    return list(Notification.objects.filter(recipient=user, kind=kind).order_by("pk"))


def test_return_request_decided_shipped_back_and_refunded_each_tell_the_right_person_once(
        member, django_capture_on_commit_callbacks):
    m, sku = shop(price_fen=5000)
    order = delivered_order(member, m, [(sku, 1)])
    before_shop = len(_inbox(m.user, NotificationKind.SHOP))  # the new paid order
    req = services.aftersale_request_create(user=member, order_id=order.pk, kind="return_and_refund",
                                            reason="quality", lines=[(line_of(order).pk, 1)],
                                            amount_fen=5000)
    shop_inbox = _inbox(m.user, NotificationKind.SHOP)[before_shop:]
    assert [n.message_id for n in shop_inbox] == ["notify.shop_aftersale"]
    assert shop_inbox[0].url == "/shop/merchant/aftersales/" and order.number in shop_inbox[0].display_text
    assert "质量问题" in shop_inbox[0].display_text  # the reason's label, in the reader's language
    assert not _inbox(member, NotificationKind.AFTERSALE)

    services.aftersale_approve(user=m.user, request_id=req.pk)
    with pytest.raises(Conflict):  # approved already: the replay is refused and tells nobody again
        services.aftersale_approve(user=m.user, request_id=req.pk)
    [approved] = _inbox(member, NotificationKind.AFTERSALE)
    assert approved.message_id == "notify.aftersale_approved_return"
    assert approved.url == f"/aftersales/{req.pk}/" and req.number in approved.display_text

    services.aftersale_return_ship(user=member, request_id=req.pk, carrier="中通快递", tracking_no="ZT12345678")
    returned = _inbox(m.user, NotificationKind.SHOP)[-1]
    assert returned.message_id == "notify.shop_return_shipped" and returned.url == "/shop/merchant/aftersales/"
    assert "中通快递" in returned.display_text and "ZT12345678" in returned.display_text

    with django_capture_on_commit_callbacks(execute=True):
        services.aftersale_return_receive(user=m.user, request_id=req.pk)
    refunded = _inbox(member, NotificationKind.AFTERSALE)[-1]
    assert refunded.message_id == "notify.refund_arrived" and refunded.url == f"/aftersales/{req.pk}/"
    assert refunded.params == {"n": order.number, "amount": "¥50.00", "m": "sandbox"}
    assert "¥50.00" in refunded.display_text and "沙箱支付" in refunded.display_text

    # the refund moment dispatched again and the after-sales sweep: still one of each
    moment = OrderMoment.objects.get(order=order, kind="refunded")
    OrderMoment.objects.filter(pk=moment.pk).update(done_at=None)
    moment_dispatch(moment_id=moment.pk)
    jobs.aftersales_sweep.call_local()
    assert [n.message_id for n in _inbox(member, NotificationKind.AFTERSALE)] == \
        ["notify.aftersale_approved_return", "notify.refund_arrived"]
    assert [n.message_id for n in _inbox(m.user, NotificationKind.SHOP)[before_shop:]] == \
        ["notify.shop_aftersale", "notify.shop_return_shipped"]


def test_a_rejection_tells_the_buyer_the_reason(member):
    m, sku = shop(price_fen=3000)
    order = paid_order(member, [(sku, 1)])
    req = services.aftersale_request_create(user=member, order_id=order.pk, kind="refund_only",
                                            reason="no_reason", lines=[(line_of(order).pk, 1)], amount_fen=3000)
    services.aftersale_reject(user=m.user, request_id=req.pk, reason="商品已打包，无法取消")
    [rejected] = _inbox(member, NotificationKind.AFTERSALE)
    assert rejected.message_id == "notify.aftersale_rejected" and rejected.url == f"/aftersales/{req.pk}/"
    assert "商品已打包，无法取消" in rejected.display_text


def test_a_request_refused_as_bad_input_tells_nobody(member):
    m, sku = shop(price_fen=3000)
    order = paid_order(member, [(sku, 1)])
    before = Notification.objects.count()
    with pytest.raises(Exception):  # noqa: B017 - whichever refusal: nothing is written
        services.aftersale_request_create(user=member, order_id=order.pk, kind="refund_only",
                                          reason="no_reason", lines=[(line_of(order).pk, 1)], amount_fen=999999)
    assert Notification.objects.count() == before
