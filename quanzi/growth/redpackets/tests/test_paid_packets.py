"""A red packet paid through the cashier (a normal payment) instead of the balance: it waits for its order, opens
when the order is paid, is cancelled with an order left unpaid, and no coupon or balance can pay for it."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.test import Client
from django.utils import timezone

from conftest import make_user
from quanzi.core.errors import DomainError
from quanzi.growth.redpackets import services
from quanzi.growth.redpackets.enums import PacketStatus
from quanzi.growth.redpackets.models import BalanceEntry, RedPacket, RedPacketStatusChange
from quanzi.growth.redpackets.selectors import balance_of
from quanzi.growth.redpackets.tests.helpers import community, join
from quanzi.orders import services as orders
from quanzi.orders.enums import OrderStatus
from quanzi.orders.models import Order
from quanzi.payments import services as payments
from quanzi.payments.tests.helpers import pay_with_sandbox

pytestmark = pytest.mark.django_db


def _paid_packet(funder, group, amount_fen=1000, shares=3, key=None):  # type: ignore[no-untyped-def]
    return services.redpacket_create_for_payment(funder=funder, community_id=group.pk, amount_fen=amount_fen,
                                                 shares=shares, idempotency_key=key or uuid.uuid4().hex)


def test_a_packet_paid_at_the_cashier_opens_when_its_order_is_paid(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    funder = make_user("发红包的")
    group = community(funder)
    claimer = make_user("抢红包的")
    join(claimer, group)
    packet = _paid_packet(funder, group)
    order = Order.objects.get(pk=packet.order_id)
    assert packet.status == PacketStatus.AWAITING_PAYMENT
    assert order.is_virtual and order.payable_fen == 1000 and order.buyer_id == funder.pk
    assert balance_of(user_id=funder.pk) == 0 and not BalanceEntry.objects.exists()  # the balance is not touched
    with pytest.raises(DomainError) as exc:
        services.redpacket_claim(user=claimer, packet_id=packet.pk)
    assert exc.value.code == "packet_not_paid"

    payment = payments.payment_create(user=funder, order_id=order.pk, gateway="sandbox")
    with django_capture_on_commit_callbacks(execute=True):
        assert pay_with_sandbox(payment).ok
    packet.refresh_from_db()
    order.refresh_from_db()
    assert packet.status == PacketStatus.OPEN and order.status == OrderStatus.DELIVERED
    assert packet.expires_at > timezone.now() + dt.timedelta(hours=23)
    share = services.redpacket_claim(user=claimer, packet_id=packet.pk)
    assert balance_of(user_id=claimer.pk) == share.amount_fen > 0
    assert list(RedPacketStatusChange.objects.filter(packet=packet).values_list("from_status", "to_status")) == [
        ("awaiting_payment", "open")]


def test_the_same_form_sent_twice_makes_one_packet_and_one_order() -> None:
    funder = make_user("发红包的")
    group = community(funder)
    first = _paid_packet(funder, group, key="same-key-1234")
    again = _paid_packet(funder, group, key="same-key-1234")
    assert first.pk == again.pk and RedPacket.objects.count() == 1 and Order.objects.count() == 1


def test_an_unpaid_packet_is_cancelled_with_its_order(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    funder = make_user("发红包的")
    group = community(funder)
    packet = _paid_packet(funder, group)
    with django_capture_on_commit_callbacks(execute=True):
        orders.order_cancel(user=funder, order_id=packet.order_id)
    packet.refresh_from_db()
    assert packet.status == PacketStatus.CANCELLED
    assert services.redpacket_expire(packet_id=packet.pk) == 0  # nothing to give back: nothing was paid
    assert not BalanceEntry.objects.exists()


@pytest.mark.parametrize(("amount", "shares", "code"), [(0, 1, "invalid_amount"), (5, 6, "shares_exceed_amount")])
def test_bad_paid_packets_make_nothing(amount, shares, code) -> None:  # type: ignore[no-untyped-def]
    funder = make_user("发红包的")
    group = community(funder)
    with pytest.raises(DomainError) as exc:
        _paid_packet(funder, group, amount_fen=amount, shares=shares)
    assert exc.value.code == code
    assert not RedPacket.objects.exists() and not Order.objects.exists()


def test_the_form_sends_the_funder_to_the_cashier() -> None:
    funder = make_user("发红包的")
    group = community(funder)
    client = Client()
    client.force_login(funder)
    page = client.get(f"/redpackets/new/?community={group.pk}")
    assert page.status_code == 200 and 'value="cashier"' in page.content.decode()
    r = client.post("/redpackets/new/", {"community": group.pk, "amount": "6.66", "shares": "3",
                                         "pay_with": "cashier", "key": uuid.uuid4().hex})
    packet = RedPacket.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/orders/{packet.order_id}/"
    assert packet.amount_fen == 666 and packet.status == PacketStatus.AWAITING_PAYMENT
    detail = client.get(f"/redpackets/{packet.pk}/").content.decode()
    assert 'id="pay-packet"' in detail
