import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from conftest import make_user
from quanzi.aftersales import jobs, selectors, services
from quanzi.aftersales.enums import AfterSaleStatus as S
from quanzi.aftersales.enums import ReviewStatus
from quanzi.aftersales.models import AfterSaleRequest, AfterSaleStatusChange, ReviewModeration
from quanzi.aftersales.tests.helpers import delivered_order, line_of, paid_order, png, shipped_order, shop
from quanzi.catalog.enums import ReturnExemption
from quanzi.catalog.models import Sku
from quanzi.catalog.tests import factories as f
from quanzi.core.errors import Conflict, DomainError, InvalidInput, NotFound, PermissionDenied
from quanzi.orders.enums import OrderStatus
from quanzi.orders.models import Order
from quanzi.payments import services as payment_services
from quanzi.payments.models import Payment, Refund

pytestmark = pytest.mark.django_db


def _apply(buyer, order, *, kind="return_and_refund", reason="no_reason", qty=None, amount=None, sku=None, **kw):  # type: ignore[no-untyped-def]
    line = line_of(order, sku)
    q = qty or line.quantity
    return services.aftersale_request_create(
        user=buyer, order_id=order.pk, kind=kind, reason=reason, lines=[(line.pk, q)],
        amount_fen=amount if amount is not None else line.goods_payable_fen * q // line.quantity, **kw)


def _code(exc: pytest.ExceptionInfo) -> str:  # type: ignore[type-arg]
    return exc.value.code  # type: ignore[no-any-return]


# --- the seven-day window and exempt products -------------------------------------------------------------------


@pytest.mark.parametrize(("days_ago", "ok"), [(0, True), (6.99, True), (7.001, False), (20, False)])
def test_no_reason_return_counts_seven_days_from_delivery(member, days_ago, ok):
    m, sku = shop()
    order = delivered_order(member, m, [(sku, 1)], days_ago=days_ago)
    if ok:
        req = _apply(member, order)
        assert req.status == S.REQUESTED
    else:
        with pytest.raises(Conflict) as exc:
            _apply(member, order)
        assert _code(exc) == "return_window_closed"
        assert not AfterSaleRequest.objects.exists()


def test_window_has_not_started_while_the_goods_are_on_the_way(member):
    m, sku = shop()
    order = shipped_order(member, m, [(sku, 1)])
    Order.objects.filter(pk=order.pk).update(shipped_at=timezone.now() - dt.timedelta(days=9))
    assert _apply(member, order).status == S.REQUESTED


def test_auto_confirmed_delivery_starts_the_window(member):
    m, sku = shop()
    order = shipped_order(member, m, [(sku, 1)])
    # shipped 18 days ago: auto-confirmed after 10 days, so the window closed a day ago even though no job ran
    Order.objects.filter(pk=order.pk).update(shipped_at=timezone.now() - dt.timedelta(days=18))
    with pytest.raises(Conflict) as exc:
        _apply(member, order)
    assert _code(exc) == "return_window_closed"


@pytest.mark.parametrize("exemption", [ReturnExemption.PERISHABLE, ReturnExemption.CUSTOM, ReturnExemption.DIGITAL,
                                       ReturnExemption.HYGIENE_OPENED])
def test_exempt_products_refuse_a_no_reason_return_but_take_quality_claims(member, exemption):
    m, sku = shop(exemption=exemption)
    order = delivered_order(member, m, [(sku, 1)])
    with pytest.raises(Conflict) as exc:
        _apply(member, order)
    assert _code(exc) == "return_exempt_product"
    req = _apply(member, order, reason="quality", reason_text="瓶子漏了")
    assert req.status == S.REQUESTED


def test_quality_claims_are_allowed_after_the_window(member):
    m, sku = shop()
    order = delivered_order(member, m, [(sku, 1)], days_ago=30)
    assert _apply(member, order, reason="damaged", kind="refund_only").kind == "refund_only"


def test_refund_only_after_shipment_needs_a_merchant_fault_reason(member):
    m, sku = shop()
    order = delivered_order(member, m, [(sku, 1)])
    with pytest.raises(Conflict) as exc:
        _apply(member, order, kind="refund_only", reason="no_reason")
    assert _code(exc) == "reason_needs_return"


def test_a_return_needs_the_goods_to_have_shipped(member):
    _m, sku = shop()
    order = paid_order(member, [(sku, 1)])
    with pytest.raises(Conflict) as exc:
        _apply(member, order)
    assert _code(exc) == "return_before_shipment"


def test_unpaid_orders_cannot_apply(member):
    _m, sku = shop()
    from quanzi.orders.tests.helpers import place

    order = place(member, [(sku.pk, 1)]).orders.get()
    with pytest.raises(Conflict) as exc:
        _apply(member, order, kind="refund_only", amount=100)
    assert _code(exc) == "order_not_eligible"


def test_someone_elses_order_is_not_found(member, other):
    m, sku = shop()
    order = delivered_order(member, m, [(sku, 1)])
    with pytest.raises(NotFound):
        _apply(other, order)


# --- amounts ------------------------------------------------------------------------------------------------------


def test_amount_is_capped_by_what_the_units_paid(member):
    m, sku = shop(price_fen=3333)
    order = delivered_order(member, m, [(sku, 3)])
    line = line_of(order)
    with pytest.raises(Conflict) as exc:
        _apply(member, order, qty=1, amount=3334)  # 9999 * 1 // 3 = 3333 for one unit
    assert _code(exc) == "amount_exceeds_refundable" and exc.value.details["refundable_fen"] == 3333
    with pytest.raises(InvalidInput):
        _apply(member, order, qty=1, amount=0)
    with pytest.raises(InvalidInput) as exc2:
        _apply(member, order, qty=4, amount=100)
    assert _code(exc2) == "quantity_exceeds"
    assert line.goods_payable_fen == 9999


def test_one_open_request_per_line_and_units_already_refunded_count(member, django_capture_on_commit_callbacks):
    m, sku = shop(price_fen=1000)
    order = delivered_order(member, m, [(sku, 3)])
    first = _apply(member, order, qty=2, amount=2000)
    with pytest.raises(Conflict) as exc:
        _apply(member, order, qty=1, amount=1000)
    assert _code(exc) == "line_has_open_request"
    services.aftersale_approve(user=m.user, request_id=first.pk)
    services.aftersale_return_ship(user=member, request_id=first.pk, carrier="中通", tracking_no="ZT12345678")
    with django_capture_on_commit_callbacks(execute=True):
        services.aftersale_return_receive(user=m.user, request_id=first.pk)
    assert AfterSaleRequest.objects.get(pk=first.pk).status == S.REFUNDED
    # one unit (¥10) is left
    with pytest.raises(InvalidInput):
        _apply(member, order, qty=2, amount=100)
    with pytest.raises(Conflict):
        _apply(member, order, qty=1, amount=1001)
    assert _apply(member, order, qty=1, amount=1000).amount_fen == 1000


def test_before_shipment_the_shipping_share_is_refundable_too(member):
    m, sku = shop(price_fen=2000)
    from quanzi.orders import services as orders

    orders.shipping_template_set(user=m.user, mode="piece", first_units=1, first_fee_fen=800, additional_units=1,
                                 additional_fee_fen=0)
    order = paid_order(member, [(sku, 1)])
    assert order.payable_fen == 2800
    req = _apply(member, order, kind="refund_only", reason="no_reason", amount=2800)
    assert req.amount_fen == 2800


# --- the pipeline ----------------------------------------------------------------------------------------------------


def test_return_and_refund_end_to_end(member, django_capture_on_commit_callbacks):
    m, sku = shop(price_fen=5000)
    order = delivered_order(member, m, [(sku, 1)])
    req = _apply(member, order, reason_text="不合适", photos=[png(), png()])
    assert req.photos.count() == 2
    assert Order.objects.get(pk=order.pk).status == OrderStatus.REFUNDING
    req = services.aftersale_approve(user=m.user, request_id=req.pk)
    assert req.status == S.AWAITING_RETURN_SHIPMENT and req.return_deadline is not None
    req = services.aftersale_return_ship(user=member, request_id=req.pk, carrier="中通", tracking_no="ZT12345678")
    assert (req.status, req.return_carrier, req.return_tracking_no) == (S.RETURN_SHIPPED, "中通", "ZT12345678")
    with django_capture_on_commit_callbacks(execute=True):
        req = services.aftersale_return_receive(user=m.user, request_id=req.pk)
    req.refresh_from_db()
    assert req.status == S.REFUNDED and req.refunded_at is not None
    refund = Refund.objects.get(refund_no=req.refund_no)
    assert refund.amount_fen == 5000 and refund.status == "succeeded"
    order.refresh_from_db()
    assert order.refunded_fen == 5000 and order.status == OrderStatus.REFUNDED
    steps = list(AfterSaleStatusChange.objects.filter(request=req).values_list("to_status", flat=True))
    assert steps == [S.REQUESTED, S.APPROVED, S.AWAITING_RETURN_SHIPMENT, S.RETURN_SHIPPED, S.RETURN_RECEIVED,
                     S.REFUNDING, S.REFUNDED]


def test_partial_refund_puts_the_order_back_where_it_was(member, django_capture_on_commit_callbacks):
    m, sku = shop(price_fen=1000)
    order = delivered_order(member, m, [(sku, 2)])
    with django_capture_on_commit_callbacks(execute=True):
        req = _apply(member, order, kind="refund_only", reason="damaged", qty=1, amount=600)
        services.aftersale_approve(user=m.user, request_id=req.pk)
    order.refresh_from_db()
    assert order.refunded_fen == 600 and order.status == OrderStatus.DELIVERED


def test_refund_only_before_shipment_cancels_the_order_and_returns_stock(member, django_capture_on_commit_callbacks):
    m, sku = shop(price_fen=5000, stock=5)
    order = paid_order(member, [(sku, 2)])
    assert Sku.objects.get(pk=sku.pk).stock == 3
    req = _apply(member, order, kind="refund_only", reason="no_reason", amount=10000)
    assert Order.objects.get(pk=order.pk).status == OrderStatus.REFUNDING
    with django_capture_on_commit_callbacks(execute=True):
        services.aftersale_approve(user=m.user, request_id=req.pk)
    order.refresh_from_db()
    assert order.status == OrderStatus.REFUNDED and order.refunded_fen == 10000
    assert Sku.objects.get(pk=sku.pk).stock == 5
    assert AfterSaleRequest.objects.get(pk=req.pk).status == S.REFUNDED


def test_reject_needs_a_reason_and_restores_the_order(member):
    m, sku = shop()
    order = delivered_order(member, m, [(sku, 1)])
    req = _apply(member, order)
    with pytest.raises(InvalidInput) as exc:
        services.aftersale_reject(user=m.user, request_id=req.pk, reason="  ")
    assert _code(exc) == "reject_reason_required"
    req = services.aftersale_reject(user=m.user, request_id=req.pk, reason="商品已使用，影响二次销售")
    assert req.status == S.REJECTED and req.reject_reason == "商品已使用，影响二次销售"
    assert Order.objects.get(pk=order.pk).status == OrderStatus.DELIVERED
    # rejected ends the request: the line is free for a new one
    assert _apply(member, order, reason="quality").status == S.REQUESTED


def test_cancel_restores_a_paid_order_so_it_can_ship(member):
    m, sku = shop()
    order = paid_order(member, [(sku, 1)])
    req = _apply(member, order, kind="refund_only", amount=100)
    services.aftersale_cancel(user=member, request_id=req.pk)
    assert Order.objects.get(pk=order.pk).status == OrderStatus.PAID


@pytest.mark.parametrize("move", ["approve_twice", "ship_refund_only", "receive_unshipped", "cancel_refunding",
                                  "reject_after_approve"])
def test_illegal_moves_are_refused_with_a_conflict(member, move):
    m, sku = shop()
    order = delivered_order(member, m, [(sku, 1)])
    if move == "ship_refund_only":
        req = _apply(member, order, kind="refund_only", reason="quality")
    else:
        req = _apply(member, order)
    services.aftersale_approve(user=m.user, request_id=req.pk)
    before = AfterSaleRequest.objects.get(pk=req.pk).status
    with pytest.raises(Conflict) as exc:
        if move == "approve_twice":
            services.aftersale_approve(user=m.user, request_id=req.pk)
        elif move == "ship_refund_only":
            services.aftersale_return_ship(user=member, request_id=req.pk, carrier="中通", tracking_no="ZT1234")
        elif move == "receive_unshipped":
            services.aftersale_return_receive(user=m.user, request_id=req.pk)
        elif move == "cancel_refunding":
            req2 = _apply(member, delivered_order(member, m, [(sku, 1)]), kind="refund_only", reason="quality")
            services.aftersale_approve(user=m.user, request_id=req2.pk)
            services.aftersale_cancel(user=member, request_id=req2.pk)
        else:
            services.aftersale_reject(user=m.user, request_id=req.pk, reason="不同意")
    assert _code(exc) == "aftersale_illegal_transition"
    assert AfterSaleRequest.objects.get(pk=req.pk).status == before


def test_refund_replay_is_idempotent(member, django_capture_on_commit_callbacks):
    m, sku = shop(price_fen=4000)
    order = delivered_order(member, m, [(sku, 1)])
    req = _apply(member, order, kind="refund_only", reason="not_as_described", amount=1500)
    services.aftersale_approve(user=m.user, request_id=req.pk)  # refund queued, not yet sent
    again = services.aftersale_refund_submit(request_id=req.pk)
    again = services.aftersale_refund_submit(request_id=req.pk)
    assert again.refund_no == f"AS-{req.number}"
    assert Refund.objects.filter(order=order).count() == 1
    assert Payment.objects.get(order=order).refunded_fen == 1500
    with django_capture_on_commit_callbacks(execute=True):
        services.aftersale_refund_submit(request_id=req.pk)
        payment_services.refund_submit(refund_id=Refund.objects.get(order=order).pk)  # the payments worker
    for _i in range(2):
        jobs.aftersales_sweep.call_local()
    req.refresh_from_db()
    order.refresh_from_db()
    assert req.status == S.REFUNDED and order.refunded_fen == 1500
    assert Refund.objects.filter(order=order).count() == 1
    with pytest.raises(Conflict):  # refunded: a replay of the refund step is an illegal move, no money moves
        services.aftersale_refund_submit(request_id=req.pk)


def test_merchants_only_touch_their_own_requests(member):
    m, sku = shop()
    m2, _sku2 = shop()
    order = delivered_order(member, m, [(sku, 1)])
    req = _apply(member, order)
    with pytest.raises(NotFound):
        services.aftersale_approve(user=m2.user, request_id=req.pk)
    with pytest.raises(PermissionDenied):
        services.aftersale_approve(user=member, request_id=req.pk)
    with pytest.raises(NotFound):
        services.aftersale_cancel(user=make_user(), request_id=req.pk)
    assert AfterSaleRequest.objects.get(pk=req.pk).status == S.REQUESTED


def test_photos_are_checked_and_limited_to_six(member):
    m, sku = shop()
    order = delivered_order(member, m, [(sku, 1)])
    bad = SimpleUploadedFile("x.png", b"not an image", content_type="image/png")
    with pytest.raises(InvalidInput) as exc:
        _apply(member, order, photos=[bad])
    assert _code(exc) == "image_invalid" and not AfterSaleRequest.objects.exists()
    req = _apply(member, order, photos=[png() for _i in range(4)])
    with pytest.raises(InvalidInput) as exc:
        services.aftersale_photos_add(user=member, request_id=req.pk, photos=[png() for _i in range(3)])
    assert _code(exc) == "too_many_photos"
    services.aftersale_photos_add(user=member, request_id=req.pk, photos=[png(), png()])
    assert req.photos.count() == 6


def test_a_return_not_shipped_back_in_time_closes(member):
    m, sku = shop()
    order = delivered_order(member, m, [(sku, 1)])
    req = services.aftersale_approve(user=m.user, request_id=_apply(member, order).pk)
    AfterSaleRequest.objects.filter(pk=req.pk).update(return_deadline=timezone.now() - dt.timedelta(minutes=1))
    with pytest.raises(Conflict) as exc:
        services.aftersale_return_ship(user=member, request_id=req.pk, carrier="中通", tracking_no="ZT12345678")
    assert _code(exc) == "return_ship_expired"
    assert jobs.aftersales_sweep.call_local() == 1
    assert AfterSaleRequest.objects.get(pk=req.pk).status == S.CLOSED
    assert Order.objects.get(pk=order.pk).status == OrderStatus.DELIVERED


# --- reviews -----------------------------------------------------------------------------------------------------


def test_review_after_delivery_once_per_line(member, other):
    m, sku = shop()
    order = shipped_order(member, m, [(sku, 1)])
    line = line_of(order)
    with pytest.raises(Conflict) as exc:
        services.review_create(user=member, order_line_id=line.pk, rating=5)
    assert _code(exc) == "review_not_allowed"
    from quanzi.orders import services as orders

    orders.order_confirm_receipt(user=member, order_id=order.pk)
    with pytest.raises(NotFound):
        services.review_create(user=other, order_line_id=line.pk, rating=5)
    for bad in (0, 6):
        with pytest.raises(InvalidInput):
            services.review_create(user=member, order_line_id=line.pk, rating=bad)
    review = services.review_create(user=member, order_line_id=line.pk, rating=4, text="好用", photos=[png()])
    assert review.product_id == sku.product_id and review.photos.count() == 1
    with pytest.raises(Conflict) as exc:
        services.review_create(user=member, order_line_id=line.pk, rating=5)
    assert _code(exc) == "already_reviewed"


def _reviews(ratings: list[int]) -> tuple[int, list]:  # type: ignore[type-arg]
    m, sku = shop()
    out = []
    for r in ratings:
        buyer = make_user()
        order = delivered_order(buyer, m, [(sku, 1)])
        out.append(services.review_create(user=buyer, order_line_id=line_of(order).pk, rating=r))
    return sku.product_id, out


def test_fold_is_for_operators_with_a_reason_and_leaves_the_average(member):
    product_id, reviews = _reviews([5, 4, 4, 1])
    summary = selectors.product_rating_summary(product_id=product_id)
    assert summary.count == 4 and summary.average == Decimal("3.5") and summary.average_tenths == 35
    with pytest.raises(PermissionDenied):
        services.review_fold(actor=member, review_id=reviews[3].pk, reason="恶意差评")
    op = f.operator()
    with pytest.raises(InvalidInput):
        services.review_fold(actor=op, review_id=reviews[3].pk, reason="")
    folded = services.review_fold(actor=op, review_id=reviews[3].pk, reason="恶意差评")
    assert folded.status == ReviewStatus.FOLDED and folded.fold_reason == "恶意差评"
    summary = selectors.product_rating_summary(product_id=product_id)
    assert (summary.count, summary.folded_count, summary.average) == (3, 1, Decimal("4.3"))
    assert summary.distribution == {5: 1, 4: 2, 3: 0, 2: 0, 1: 0}
    listed = list(selectors.review_list_for_product(product_id=product_id))
    assert len(listed) == 4 and listed[-1].status == ReviewStatus.FOLDED  # still listed, last
    services.review_unfold(actor=op, review_id=reviews[3].pk)
    assert list(ReviewModeration.objects.values_list("action", flat=True)) == ["fold", "unfold"]
    assert selectors.product_rating_summary(product_id=product_id).average == Decimal("3.5")


def test_no_reviews_has_no_average():
    m, sku = shop()
    summary = selectors.product_rating_summary(product_id=sku.product_id)
    assert summary.count == 0 and summary.average is None and summary.average_tenths is None


def test_domain_errors_leave_nothing_half_written(member):
    m, sku = shop()
    order = delivered_order(member, m, [(sku, 1)])
    with pytest.raises(DomainError):
        _apply(member, order, photos=[png() for _i in range(7)])
    assert not AfterSaleRequest.objects.exists()
    assert Order.objects.get(pk=order.pk).status == OrderStatus.DELIVERED
