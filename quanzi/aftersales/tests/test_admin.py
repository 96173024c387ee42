import pytest
from django.test import Client

from quanzi.aftersales import services
from quanzi.aftersales.models import AfterSaleRequest, Review, ReviewModeration
from quanzi.aftersales.tests.helpers import delivered_order, line_of, shop
from quanzi.catalog.tests import factories as f
from quanzi.orders.models import Order
from quanzi.payments.models import Refund

pytestmark = pytest.mark.django_db


def _admin() -> Client:
    op = f.operator()
    op.is_superuser = True
    op.save(update_fields=["is_superuser"])
    c = Client()
    c.force_login(op)
    return c


def test_fold_action_folds_with_an_audit_row_and_never_deletes(member):
    m, sku = shop()
    order = delivered_order(member, m, [(sku, 1)])
    review = services.review_create(user=member, order_line_id=line_of(order).pk, rating=1, text="加微信买更便宜")
    c = _admin()
    r = c.post("/admin/aftersales/review/", {"action": "fold", "_selected_action": [review.pk]})
    assert r.status_code == 302
    review.refresh_from_db()
    assert review.status == "folded" and review.fold_reason
    assert ReviewModeration.objects.filter(review=review, action="fold").count() == 1
    assert c.get(f"/admin/aftersales/review/{review.pk}/delete/").status_code == 403
    assert Review.objects.filter(pk=review.pk).exists()
    assert c.get("/admin/aftersales/aftersalerequest/").status_code == 200


def test_a_refused_refund_is_resubmitted_under_the_same_number(member, settings,
                                                                django_capture_on_commit_callbacks):
    m, sku = shop(price_fen=3000)
    order = delivered_order(member, m, [(sku, 1)])
    req = services.aftersale_request_create(user=member, order_id=order.pk, kind="refund_only", reason="damaged",
                                            lines=[(line_of(order).pk, 1)], amount_fen=3000)
    settings.QUANZI_PAYMENTS = {"SANDBOX_REFUND_FAIL": True}
    with django_capture_on_commit_callbacks(execute=True):
        services.aftersale_approve(user=m.user, request_id=req.pk)
    req.refresh_from_db()
    assert req.status == "refunding" and Refund.objects.get(refund_no=req.refund_no).status == "failed"
    settings.QUANZI_PAYMENTS = {"SANDBOX_REFUND_FAIL": False}
    with django_capture_on_commit_callbacks(execute=True):
        r = _admin().post("/admin/aftersales/aftersalerequest/",
                          {"action": "refund_again", "_selected_action": [req.pk]})
    assert r.status_code == 302
    assert AfterSaleRequest.objects.get(pk=req.pk).status == "refunded"
    assert Refund.objects.filter(order=order).count() == 1
    assert Order.objects.get(pk=order.pk).refunded_fen == 3000
