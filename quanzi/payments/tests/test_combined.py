"""Combined payments (合单支付) on real two-merchant checkouts: one trade pays every order of the checkout once;
redeliveries, duplicates and wrong amounts change nothing; an order cancelled meanwhile is refunded; a refund of
one order goes against the combined trade and never above the order's share."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from conftest import make_user
from quanzi.core.errors import DomainError
from quanzi.core.models import Event
from quanzi.orders import services as orders
from quanzi.orders.enums import OrderStatus
from quanzi.orders.models import Order
from quanzi.payments import combined, jobs, services
from quanzi.payments.enums import CallbackResult, PaymentStatus, RefundKind, RefundStatus
from quanzi.payments.gateways.base import trade_of
from quanzi.payments.gateways.sandbox import SandboxGateway, sign
from quanzi.payments.models import CombinedPayment, Payment, PaymentCallback, Refund
from quanzi.payments.tests.helpers import (
    merchant_sku,
    operator,
    wechat_callback,
    wechat_refund_callback,
)

pytestmark = pytest.mark.django_db


def two_merchant_checkout(buyer: Any, prices: tuple[int, int] = (10000, 4550)) -> tuple[int, list[Order]]:
    """One checkout of two merchants' goods: two orders waiting for payment."""
    skus = [merchant_sku(price_fen=p) for p in prices]
    addr = orders.address_create(user=buyer, name="小红", phone="13912345678", province="浙江省", city="杭州市",
                                 district="西湖区", detail="文三路 100 号")
    checkout = orders.order_place(user=buyer, address_id=addr.pk, idempotency_key=uuid.uuid4().hex,
                                  items=[(s.pk, 1) for s in skus])
    found = list(checkout.orders.order_by("pk"))
    assert len(found) == 2 and len({o.merchant_id for o in found}) == 2
    return checkout.pk, found


def notification(c: CombinedPayment, *, amount_fen: int | None = None, status: str = "SUCCESS") -> Any:
    return SandboxGateway().build_notification(
        payment_no=c.combined_no, amount_fen=c.amount_fen if amount_fen is None else amount_fen, status=status)


def deliver(headers: dict[str, str], body: bytes, gateway: str = "sandbox") -> services.CallbackOutcome:
    return services.payment_handle_callback(gateway=gateway, headers=headers, body=body)


def _code(exc: pytest.ExceptionInfo[DomainError]) -> str:
    return exc.value.code


# --- create ------------------------------------------------------------------------------------------------------


def test_create_makes_one_trade_for_the_total_and_one_share_per_order(member):
    checkout_id, (a, b) = two_merchant_checkout(member)
    c = combined.combined_create(user=member, checkout_id=checkout_id, gateway="sandbox")
    assert c.amount_fen == a.payable_fen + b.payable_fen
    assert c.client_data["pay_url"] == f"/pay/sandbox/{c.combined_no}/"  # the gateway sees the combined number
    shares = {p.order_id: p for p in c.children.all()}
    assert set(shares) == {a.pk, b.pk}
    assert shares[a.pk].amount_fen == a.payable_fen and shares[b.pk].amount_fen == b.payable_fen
    assert all(p.status == PaymentStatus.CREATED and p.next_query_at is None for p in shares.values())
    assert c.next_query_at is not None  # the trade (not its shares) is asked about by the query job
    # asking again for the same orders reuses the open trade (the same pay page)
    assert combined.combined_create(user=member, checkout_id=checkout_id, gateway="sandbox").pk == c.pk
    assert CombinedPayment.objects.count() == 1 and Payment.objects.count() == 2


def test_create_refuses_other_buyers_other_checkouts_and_paid_orders(member):
    checkout_id, (a, _b) = two_merchant_checkout(member)
    _other, (other_a, _other_b) = two_merchant_checkout(member)
    with pytest.raises(DomainError) as exc:  # someone else's checkout: 404, as for a missing one
        combined.combined_create(user=make_user("路人"), checkout_id=checkout_id, gateway="sandbox")
    assert _code(exc) == "order_not_found"
    with pytest.raises(DomainError) as exc:
        combined.combined_create(user=member, checkout_id=checkout_id, gateway="sandbox",
                                 order_ids=[a.pk, other_a.pk])
    assert _code(exc) == "orders_not_in_checkout"
    with pytest.raises(DomainError) as exc:
        combined.combined_create(user=member, checkout_id=999999, gateway="sandbox")
    assert _code(exc) == "checkout_not_found"
    services.sandbox_pay_now(user=member, order_id=a.pk)
    with pytest.raises(DomainError) as exc:  # an order named that is no longer waiting for payment
        combined.combined_create(user=member, checkout_id=checkout_id, gateway="sandbox", order_ids=[a.pk])
    assert _code(exc) == "order_not_payable"
    assert CombinedPayment.objects.count() == 0
    # without a list, the orders still waiting are paid together (here the one left)
    c = combined.combined_create(user=member, checkout_id=checkout_id, gateway="sandbox")
    assert list(c.children.values_list("order_id", flat=True)) == [_b.pk]


# --- callbacks ---------------------------------------------------------------------------------------------------


def test_one_notification_pays_each_order_exactly_once(member):
    checkout_id, (a, b) = two_merchant_checkout(member)
    c = combined.combined_create(user=member, checkout_id=checkout_id, gateway="sandbox")
    outcome = deliver(*notification(c))
    assert outcome.ok and outcome.result == CallbackResult.PROCESSED and outcome.payment_no == c.combined_no
    c.refresh_from_db()
    assert c.status == PaymentStatus.SUCCEEDED and c.gateway_txn_id and c.paid_at
    for order in (a, b):
        order.refresh_from_db()
        share = Payment.objects.get(order=order)
        assert order.status == OrderStatus.PAID and order.paid_fen == order.payable_fen
        assert order.payment_ref == share.payment_no  # settlement reads the order's own share
        assert share.status == PaymentStatus.SUCCEEDED and share.gateway_txn_id is None
        assert order.status_changes.filter(to_status=OrderStatus.PAID).count() == 1
    assert Event.objects.filter(name="payment.succeeded").count() == 2
    assert Event.objects.filter(name="payment.combined_succeeded").count() == 1
    log = PaymentCallback.objects.get()
    assert log.combined_id == c.pk and log.verified and log.result == CallbackResult.PROCESSED


def test_duplicate_and_redelivered_callbacks_change_nothing(member):
    checkout_id, (a, b) = two_merchant_checkout(member)
    c = combined.combined_create(user=member, checkout_id=checkout_id, gateway="sandbox")
    headers, body = notification(c)
    assert deliver(headers, body).result == CallbackResult.PROCESSED
    again = deliver(headers, body)  # the same notification delivered again
    assert again.ok and again.replay and again.result == CallbackResult.PROCESSED
    # the same trade told under another notification id: a duplicate, nothing booked
    h2, b2 = SandboxGateway().build_notification(payment_no=c.combined_no, amount_fen=c.amount_fen)
    b2 = b2.replace(b'"notify_id":"', b'"notify_id":"X')
    h2 = {**h2, "X-Sandbox-Signature": sign(b2)}
    dup = deliver(h2, b2)
    assert dup.ok and dup.result == CallbackResult.DUPLICATE
    for order in (a, b):
        order.refresh_from_db()
        assert order.paid_fen == order.payable_fen
        assert order.status_changes.filter(to_status=OrderStatus.PAID).count() == 1
    assert Event.objects.filter(name="order.paid").count() == 2
    assert PaymentCallback.objects.get(result=CallbackResult.PROCESSED).deliveries == 2


def test_amount_mismatch_is_refused_and_nothing_changes(member):
    checkout_id, (a, b) = two_merchant_checkout(member)
    c = combined.combined_create(user=member, checkout_id=checkout_id, gateway="sandbox")
    # the amount of one order only: the trade's total is what must have been paid
    outcome = deliver(*notification(c, amount_fen=a.payable_fen))
    assert not outcome.ok and outcome.code == "amount_mismatch"
    c.refresh_from_db()
    assert c.status == PaymentStatus.CREATED
    assert not Payment.objects.exclude(status=PaymentStatus.CREATED).exists()
    for order in (a, b):
        order.refresh_from_db()
        assert order.status == OrderStatus.PENDING_PAYMENT and order.paid_fen == 0
    log = PaymentCallback.objects.get()
    assert log.result == CallbackResult.REJECTED and log.error_code == "amount_mismatch" and log.combined_id == c.pk


def test_a_forged_notification_of_the_combined_number_is_refused(member):
    checkout_id, _orders = two_merchant_checkout(member)
    c = combined.combined_create(user=member, checkout_id=checkout_id, gateway="sandbox")
    headers, body = notification(c)
    outcome = deliver({**headers, "X-Sandbox-Signature": "0" * 64}, body)
    assert not outcome.ok and outcome.code == "bad_signature"
    c.refresh_from_db()
    assert c.status == PaymentStatus.CREATED


def test_an_order_cancelled_meanwhile_is_refunded_when_the_trade_is_paid(member, django_capture_on_commit_callbacks):
    checkout_id, (a, b) = two_merchant_checkout(member)
    c = combined.combined_create(user=member, checkout_id=checkout_id, gateway="sandbox")
    with django_capture_on_commit_callbacks(execute=True):
        orders.order_cancel(user=member, order_id=b.pk)
    share_b = Payment.objects.get(order=b)
    assert share_b.status == PaymentStatus.CLOSED  # its share closed here; the trade stays payable for order a
    c.refresh_from_db()
    assert c.status == PaymentStatus.CREATED
    with django_capture_on_commit_callbacks(execute=True):
        outcome = deliver(*notification(c))
    assert outcome.ok and outcome.result == CallbackResult.AUTO_REFUNDED
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.status == OrderStatus.PAID
    assert b.status == OrderStatus.CANCELLED
    refund = Refund.objects.get()
    assert refund.order_id == b.pk and refund.kind == RefundKind.ORDER_CANCELLED
    assert refund.amount_fen == b.payable_fen and refund.status == RefundStatus.SUCCEEDED


def test_all_orders_cancelled_closes_the_trade(member, django_capture_on_commit_callbacks):
    checkout_id, (a, b) = two_merchant_checkout(member)
    c = combined.combined_create(user=member, checkout_id=checkout_id, gateway="sandbox")
    for order in (a, b):
        with django_capture_on_commit_callbacks(execute=True):
            orders.order_cancel(user=member, order_id=order.pk)
    c.refresh_from_db()
    assert c.status == PaymentStatus.CLOSED
    assert c.status_changes.get().message_id == "payment.order_cancelled"
    assert set(c.children.values_list("status", flat=True)) == {PaymentStatus.CLOSED}


# --- refunds -----------------------------------------------------------------------------------------------------


def test_refund_of_one_order_is_limited_to_its_share(member, django_capture_on_commit_callbacks):
    checkout_id, (a, b) = two_merchant_checkout(member)
    c = combined.combined_create(user=member, checkout_id=checkout_id, gateway="sandbox")
    deliver(*notification(c))
    with pytest.raises(DomainError) as exc:  # more than order a's share, though the trade took more
        services.refund_create(order_id=a.pk, amount_fen=a.payable_fen + 1, refund_no="AS-C-1", actor=operator())
    assert _code(exc) == "refund_exceeds_paid"
    with django_capture_on_commit_callbacks(execute=True):
        refund = services.refund_create(order_id=a.pk, amount_fen=a.payable_fen, refund_no="AS-C-2",
                                        actor=operator())
    refund.refresh_from_db()
    c.refresh_from_db()
    assert refund.status == RefundStatus.SUCCEEDED and refund.payment.order_id == a.pk
    trade = trade_of(refund.payment)  # what the gateway is asked to refund against
    assert (trade.out_trade_no, trade.amount_fen, trade.gateway_txn_id) == (c.combined_no, c.amount_fen,
                                                                           c.gateway_txn_id)
    with pytest.raises(DomainError) as exc:  # the share is used up: nothing more for order a
        services.refund_create(order_id=a.pk, amount_fen=1, refund_no="AS-C-3", actor=operator())
    assert _code(exc) == "refund_exceeds_paid"
    b.refresh_from_db()
    assert b.refunded_fen == 0 and Payment.objects.get(order=b).refunded_fen == 0


def test_wechat_combined_trade_and_refund_against_it(providers, member, django_capture_on_commit_callbacks):
    checkout_id, (a, b) = two_merchant_checkout(member)
    c = combined.combined_create(user=member, checkout_id=checkout_id, gateway="wechat")
    sent = providers.of("native")[-1]
    assert sent.body["out_trade_no"] == c.combined_no and sent.body["amount"]["total"] == c.amount_fen
    assert len(providers.of("native")) == 1  # one trade at the provider, not one per order
    headers, body = wechat_callback(out_trade_no=c.combined_no, total=c.amount_fen, transaction_id="4200000000C1")
    assert deliver(headers, body, gateway="wechat").result == CallbackResult.PROCESSED
    with django_capture_on_commit_callbacks(execute=True):
        refund = services.refund_create(order_id=b.pk, amount_fen=1000, refund_no="AS-WXC-1", actor=operator())
    sent = providers.of("refund")[-1]
    assert sent.body["transaction_id"] == "4200000000C1"
    assert sent.body["amount"] == {"refund": 1000, "total": c.amount_fen, "currency": "CNY"}
    # the provider's refund notification names the combined trade: accepted for this order's refund
    headers, body = wechat_refund_callback(out_refund_no="AS-WXC-1", out_trade_no=c.combined_no, refund=1000,
                                           total=c.amount_fen, notify_id="RF-C-1")
    assert services.refund_handle_callback(gateway="wechat", headers=headers, body=body).ok
    refund.refresh_from_db()
    b.refresh_from_db()
    assert refund.status == RefundStatus.SUCCEEDED and b.refunded_fen == 1000


def test_query_job_books_a_lost_notification_of_a_combined_trade(providers, member, django_capture_on_commit_callbacks):
    checkout_id, (a, b) = two_merchant_checkout(member)
    c = combined.combined_create(user=member, checkout_id=checkout_id, gateway="wechat")
    providers.wechat_trades[c.combined_no]["state"] = "SUCCESS"  # paid; the notification never came
    CombinedPayment.objects.filter(pk=c.pk).update(next_query_at=c.created_at)
    assert jobs.payments_query.call_local() >= 1
    c.refresh_from_db()
    assert c.status == PaymentStatus.SUCCEEDED
    for order in (a, b):
        order.refresh_from_db()
        assert order.status == OrderStatus.PAID
    assert providers.of("query")[-1].path.endswith(f"/out-trade-no/{c.combined_no}?mchid=1900000109")
