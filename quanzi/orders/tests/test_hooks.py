"""Order lifecycle hooks: a plug-in app installed only in the tests (probe_app) sees each moment of an order's
life exactly once — normal pay, duplicate callbacks (10 in parallel on PostgreSQL), expiry, a partial refund of one
line, a full refund, completion by the job run twice — and a plug-in refusing inside checkout leaves nothing
behind. Transactions really commit here (transaction=True), so after-commit dispatch runs as in production."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from quanzi.catalog.models import Sku
from quanzi.catalog.tests import factories as f
from quanzi.core.models import Event
from quanzi.core.testing import race
from quanzi.orders import hooks, jobs, pricing, services
from quanzi.orders.enums import OrderStatus
from quanzi.orders.models import CheckoutSession, Order, OrderLine, OrderLineAdjustment, OrderMoment
from quanzi.orders.tests.helpers import place
from quanzi.orders.tests.probe_app import plugin
from quanzi.orders.tests.probe_app.models import ProbeCheckout, ProbeSeen
from quanzi.payments import services as payments
from quanzi.payments.tests.helpers import pay_with_sandbox, sandbox_notification

pytestmark = pytest.mark.django_db(transaction=True)


def seen(order: Order, moment: str | None = None) -> list[ProbeSeen]:
    qs = ProbeSeen.objects.filter(order_id=order.pk)
    return list(qs.filter(moment=moment) if moment else qs)


@pytest.fixture
def shop():  # type: ignore[no-untyped-def]
    m = f.approved_merchant()
    _p1, a = f.product_with_sku(m, price_fen=1000, stock=10, title="洗面奶")
    _p2, b = f.product_with_sku(m, price_fen=3000, stock=10, title="面霜")
    return m, a, b


@pytest.fixture
def coupon_of_400():  # type: ignore[no-untyped-def]
    """A stand-in coupon plug-in: 4 yuan off the whole order, source coupon:7."""
    def adjuster(ctx: pricing.PricingContext) -> list[pricing.Adjustment]:
        return [pricing.Adjustment(stage="coupon", amount_fen=400, label="满减券", source="coupon:7")]

    pricing.COUPON_ADJUSTERS.append(adjuster)
    yield
    pricing.COUPON_ADJUSTERS.remove(adjuster)


def _pay(buyer, items):  # type: ignore[no-untyped-def]
    order = place(buyer, [(s.pk, q) for s, q in items]).orders.get()
    payment = payments.payment_create(user=buyer, order_id=order.pk, gateway="sandbox")
    assert pay_with_sandbox(payment).ok
    order.refresh_from_db()
    return order, payment


def _line(order: Order, sku: Sku) -> OrderLine:
    return OrderLine.objects.get(order=order, sku=sku)


def test_each_moment_once_across_pay_replays_refunds_and_completion(member, shop, coupon_of_400):
    m, a, b = shop
    order, payment = _pay(member, [(a, 1), (b, 1)])
    assert order.status == OrderStatus.PAID
    assert [(s.moment, s.amount_fen) for s in seen(order)] == [("paid", order.payable_fen)]
    # the same notification again, and once more: replays, no new moment
    headers, body = sandbox_notification(payment)
    for _i in range(2):
        assert payments.payment_handle_callback(gateway="sandbox", headers=headers, body=body).replay
    assert len(seen(order, "paid")) == 1

    # the coupon's 400 is on the lines as rows, by source
    la, lb = _line(order, a), _line(order, b)
    rows = {(r.order_line_id, r.source): r.amount_fen for r in OrderLineAdjustment.objects.all()}
    assert rows == {(la.pk, "coupon:7"): 100, (lb.pk, "coupon:7"): 300}
    assert (la.coupon_discount_fen, lb.coupon_discount_fen) == (100, 300)

    # a partial refund of one line: half of line b (payable 2700) → half of its coupon share comes back
    payments.refund_create(order_id=order.pk, amount_fen=1350, refund_no="R-part", lines={lb.pk: 1350})
    refunded = seen(order, "refunded")
    assert [(s.ref, s.amount_fen, s.lines, s.sources) for s in refunded] == \
        [("R-part", 1350, {str(lb.pk): 1350}, {"coupon:7": 150})]
    # the rest: everything left on both lines; each source comes back exactly in full over the two refunds
    payments.refund_create(order_id=order.pk, amount_fen=900 + 1350, refund_no="R-rest",
                           lines={la.pk: 900, lb.pk: 1350})
    order.refresh_from_db()
    assert order.status == OrderStatus.REFUNDED
    refunded = seen(order, "refunded")
    assert [s.ref for s in refunded] == ["R-part", "R-rest"]
    assert sum(s.sources.get("coupon:7", 0) for s in refunded) == 400
    # a replay of a refund books nothing and fires nothing
    payments.refund_create(order_id=order.pk, amount_fen=1350, refund_no="R-part", lines={lb.pk: 1350})
    assert len(seen(order, "refunded")) == 2
    assert not seen(order, "completed") and not seen(order, "cancelled")


def test_completion_by_the_job_run_twice_fires_once(member, shop):
    m, a, _b = shop
    order, _payment = _pay(member, [(a, 2)])
    services.order_ship(user=m.user, order_id=order.pk, carrier="顺丰", tracking_no="SF1234567890")
    services.order_confirm_receipt(user=member, order_id=order.pk)
    Order.objects.filter(pk=order.pk).update(delivered_at=timezone.now() - dt.timedelta(days=8))
    jobs.settle_due_orders.call_local()
    jobs.settle_due_orders.call_local()
    jobs.order_moments_sweep.call_local()
    assert Order.objects.get(pk=order.pk).status == OrderStatus.COMPLETED
    assert [s.moment for s in seen(order)] == ["paid", "shipped", "delivered", "completed"]


def test_expiry_fires_cancelled_once_even_when_read_settled_and_swept_again(member, shop):
    _m, a, _b = shop
    order = place(member, [(a.pk, 1)]).orders.get()
    Order.objects.filter(pk=order.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    jobs.settle_due_orders.call_local()
    services.order_settle(order_id=order.pk)
    jobs.settle_due_orders.call_local()
    assert Order.objects.get(pk=order.pk).status == OrderStatus.CANCELLED
    assert [s.moment for s in seen(order)] == ["cancelled"]
    # the buyer's own cancel of another order: the same moment, once
    other = place(member, [(a.pk, 1)]).orders.get()
    services.order_cancel(user=member, order_id=other.pk)
    services.order_cancel(user=member, order_id=other.pk)
    assert [s.moment for s in seen(other)] == ["cancelled"]


def test_a_failing_hook_is_retried_by_the_sweep_and_runs_once(member, shop):
    _m, a, _b = shop
    plugin.FAIL["seen"] = True
    try:
        order, _payment = _pay(member, [(a, 1)])
    finally:
        plugin.FAIL["seen"] = False
    assert Order.objects.get(pk=order.pk).status == OrderStatus.PAID  # the payment itself is not undone
    assert not seen(order)  # the failed run rolled back with its run row
    moment = OrderMoment.objects.get(order=order, kind="paid")
    assert moment.done_at is None
    OrderMoment.objects.filter(pk=moment.pk).update(created_at=timezone.now() - dt.timedelta(minutes=5))
    jobs.order_moments_sweep.call_local()
    jobs.order_moments_sweep.call_local()
    services.moment_dispatch(moment_id=moment.pk)
    assert len(seen(order, "paid")) == 1
    assert OrderMoment.objects.get(pk=moment.pk).done_at is not None


def test_a_plugin_refusing_inside_checkout_leaves_nothing(member, shop):
    _m, a, _b = shop
    services.address_create(user=member, name="小红", phone="13912345678", province="浙江省", city="杭州市",
                            district="西湖区", detail="文三路 100 号")
    address_id = member.addresses.get().pk
    client = Client()
    client.force_login(member)
    events_before = Event.objects.filter(name="order.place").count()
    answer = client.post("/api/v1/orders/checkout", {
        "address_id": address_id, "items": [{"sku_id": a.pk, "quantity": 2}], "idempotency_key": "probe-refuse-1",
        "options": {"extra": {"probe_refuse": True}}}, content_type="application/json")
    assert answer.status_code == 409 and answer.json()["code"] == "probe_sold_out"
    assert not Order.objects.exists() and not CheckoutSession.objects.exists()
    assert Sku.objects.get(pk=a.pk).stock == 10
    assert Event.objects.filter(name="order.place").count() == events_before
    assert not ProbeCheckout.objects.exists()
    # without the refusal the same checkout goes through and the plug-in saw the orders it made
    answer = client.post("/api/v1/orders/checkout", {
        "address_id": address_id, "items": [{"sku_id": a.pk, "quantity": 2}], "idempotency_key": "probe-ok-1",
        "options": {}}, content_type="application/json")
    assert answer.status_code == 201, answer.json()
    probe = ProbeCheckout.objects.get()
    assert probe.order_ids == [o["id"] for o in answer.json()["orders"]]
    assert Sku.objects.get(pk=a.pk).stock == 8


@pytest.mark.postgres
def test_ten_parallel_duplicate_callbacks_fire_paid_once(member, shop):
    assert connection.vendor == "postgresql"
    _m, a, _b = shop
    order = place(member, [(a.pk, 1)]).orders.get()
    payment = payments.payment_create(user=member, order_id=order.pk, gateway="sandbox")
    headers, body = sandbox_notification(payment)
    outcomes = race([lambda: payments.payment_handle_callback(gateway="sandbox", headers=headers, body=body)
                     for _i in range(10)])
    assert outcomes == ["ok"] * 10
    assert Order.objects.get(pk=order.pk).status == OrderStatus.PAID
    assert len(seen(order, "paid")) == 1
    # and ten dispatchers of the same moment at once still run the hook once
    moment = OrderMoment.objects.get(order=order, kind="paid")
    OrderMoment.objects.filter(pk=moment.pk).update(done_at=None)
    race([lambda: services.moment_dispatch(moment_id=moment.pk) for _i in range(10)])
    assert len(seen(order, "paid")) == 1


def test_hooks_are_registered_by_name_and_unknown_moments_refused() -> None:
    assert "probe.seen" in hooks.MOMENT_HOOKS["paid"] and "probe.checkout" in hooks.CHECKOUT_HOOKS
    assert "aftersales.request_refunded" in hooks.MOMENT_HOOKS["refunded"]
    with pytest.raises(ValueError):
        hooks.on_moment("teleported", "x", lambda e: None)


def test_a_shipping_hold_stops_the_merchant_until_released(member, shop):
    m, a, _b = shop
    order, _payment = _pay(member, [(a, 1)])
    services.order_hold_add(order_id=order.pk, source="groupbuy:7", reason="拼团未成团，成团后发货")
    services.order_hold_add(order_id=order.pk, source="groupbuy:7", reason="拼团未成团，成团后发货")  # idempotent
    with pytest.raises(Exception) as exc:
        services.order_ship(user=m.user, order_id=order.pk, carrier="顺丰", tracking_no="SF1234567890")
    assert getattr(exc.value, "code", "") == "order_on_hold" and "拼团未成团" in str(exc.value)
    # both sides see why
    buyer, merchant = Client(), Client()
    buyer.force_login(member)
    merchant.force_login(m.user)
    assert "拼团未成团，成团后发货" in buyer.get(f"/orders/{order.pk}/").content.decode()
    console = merchant.get("/shop/merchant/?tab=ship").content.decode()
    assert "拼团未成团，成团后发货" in console and f'action="/shop/merchant/orders/{order.pk}/ship/"' not in console
    api = buyer.get(f"/api/v1/orders/{order.pk}").json()
    assert [h["source"] for h in api["holds"]] == ["groupbuy:7"]
    assert services.order_hold_release(order_id=order.pk, source="groupbuy:7") is True
    assert services.order_hold_release(order_id=order.pk, source="groupbuy:7") is False
    assert services.order_ship(user=m.user, order_id=order.pk, carrier="顺丰",
                               tracking_no="SF1234567890").status == OrderStatus.SHIPPED
    assert buyer.get(f"/api/v1/orders/{order.pk}").json()["holds"] == []
