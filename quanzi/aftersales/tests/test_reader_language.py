"""After-sales history, the order's history and the refund's reason are shown in the reader's language: an
English-browsing merchant's decisions read in Chinese to a Chinese buyer; the buyer's chosen reason is stored as
its value and shown as its label in the reader's language; the refund is sent to the gateway in Chinese."""

from __future__ import annotations

import pytest
from django.test import Client

from conftest import api_client
from quanzi.aftersales import services
from quanzi.aftersales.models import AfterSaleStatusChange
from quanzi.aftersales.tests.helpers import line_of, paid_order, shop
from quanzi.payments.models import Refund, RefundStatusChange

pytestmark = pytest.mark.django_db
BASE = "/api/v1/aftersales"


def test_an_english_merchants_refund_reads_in_the_buyers_language(member, django_capture_on_commit_callbacks):
    merchant, sku = shop(price_fen=5000)
    order = paid_order(member, [(sku, 1)])
    line = line_of(order)
    req = services.aftersale_request_create(user=member, order_id=order.pk, kind="refund_only", reason="quality",
                                            lines=[(line.pk, 1)], amount_fen=line.payable_fen)
    first = AfterSaleStatusChange.objects.filter(request=req).first()
    assert first is not None and (first.message_id, first.params) == ("aftersale.requested", {"reason": "quality"})

    with django_capture_on_commit_callbacks(execute=True):  # the sandbox refund runs after commit
        r = api_client(merchant.user).post(f"{BASE}/merchant/requests/{req.pk}/approve", HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 200

    buyer = api_client(member)
    zh = buyer.get(f"{BASE}/requests/{req.pk}", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert zh["status"] == "refunded"
    assert [h["note"] for h in zh["history"]] == ["申请售后：质量问题", "商家同意", "发起退款", "退款成功"]
    en = buyer.get(f"{BASE}/requests/{req.pk}", HTTP_ACCEPT_LANGUAGE="en").json()
    assert en["history"][0]["note"].endswith("Quality issue")
    assert en["history"][1]["note"] == "Approved by merchant"
    assert not any("商家" in h["note"] or "退款" in h["note"] for h in en["history"])

    c = Client()
    c.force_login(member)
    page = c.get(f"/aftersales/{req.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "商家同意" in page and "申请售后：质量问题" in page
    assert "Approved by merchant" in c.get(f"/aftersales/{req.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    # the order's history: opened and ended by the request, in the reader's language
    reasons = [h["reason"] for h in buyer.get(f"/api/v1/orders/{order.pk}", HTTP_ACCEPT_LANGUAGE="zh-hans")
               .json()["history"]]
    assert f"售后申请 {req.number}" in reasons
    # the refund: its reason goes to the gateway in the site's language, and reads in the reader's
    req.refresh_from_db()
    refund = Refund.objects.get(refund_no=req.refund_no)
    assert (refund.reason, refund.reason_message_id) == (f"售后 {req.number}", "refund.aftersale")
    refunds = f"/api/v1/payments/orders/{order.pk}/refunds"
    [zh_refund] = buyer.get(refunds, HTTP_ACCEPT_LANGUAGE="zh-hans").json()["items"]
    [en_refund] = buyer.get(refunds, HTTP_ACCEPT_LANGUAGE="en").json()["items"]
    assert zh_refund["reason"] == f"售后 {req.number}" and "售后" not in en_refund["reason"]
    assert en_refund["reason"].endswith(req.number)
    notes = RefundStatusChange.objects.filter(refund=refund).values_list("message_id", flat=True)
    assert "refund.gateway_succeeded" in notes


def test_a_merchants_typed_reject_reason_is_kept_as_typed(member):
    merchant, sku = shop(price_fen=5000)
    order = paid_order(member, [(sku, 1)])
    line = line_of(order)
    req = services.aftersale_request_create(user=member, order_id=order.pk, kind="refund_only", reason="no_reason",
                                            lines=[(line.pk, 1)], amount_fen=line.payable_fen)
    api_client(merchant.user).post(f"{BASE}/merchant/requests/{req.pk}/reject", {"reason": "Already shipped"},
                                   content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    last = AfterSaleStatusChange.objects.filter(request=req).last()
    assert last is not None and (last.note, last.message_id) == ("Already shipped", "")
    zh = api_client(member).get(f"{BASE}/requests/{req.pk}", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert zh["history"][-1]["note"] == "Already shipped"
