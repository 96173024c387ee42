"""Access to paid content follows the order: nothing opens without a verified payment, the `paid` moment opens it,
a refund closes it again — in the services, the pages and the API."""

from __future__ import annotations

import pytest
from django.test import Client

from quanzi.paidcontent import selectors
from quanzi.paidcontent.enums import ItemKind, PurchaseStatus
from quanzi.paidcontent.models import Purchase
from quanzi.paidcontent.tests.helpers import (
    TEXT,
    buy_and_pay,
    course,
    order_of,
    paid_post,
    pay,
    refund,
    world,
)

pytestmark = pytest.mark.django_db(transaction=True)


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


def test_paid_post_opens_only_after_payment_and_closes_on_refund() -> None:
    w = world()
    paid = paid_post(w)
    reader = w["reader"]
    assert paid.post.body == TEXT.split("\n---付费---\n")[0]  # only the preview is in the content post
    assert "氨基酸" not in paid.post.body and "氨基酸" in paid.body
    assert not selectors.check_access(reader, paid).allowed
    page = _client(reader)
    html = page.get(f"/p/{paid.post_id}/").content.decode()
    assert "氨基酸" not in html and 'id="paid-buy"' in html and "¥9.90" in html
    api = page.get(f"/api/v1/paid/posts/{paid.post_id}/body")
    assert api.status_code == 403 and api.json()["code"] == "paid_content_locked"

    order = order_of(reader, ItemKind.POST, paid.post_id)
    assert not selectors.check_access(reader, paid).allowed  # ordered, not paid: still locked
    assert page.get(f"/api/v1/paid/posts/{paid.post_id}/body").status_code == 403
    pay(reader, order)
    assert selectors.check_access(reader, paid).allowed
    assert "氨基酸" in page.get(f"/p/{paid.post_id}/").content.decode()
    body = page.get(f"/api/v1/paid/posts/{paid.post_id}/body")
    assert body.status_code == 200 and "氨基酸" in body.json()["body"]

    refund(order)
    purchase = Purchase.objects.get(order_id=order.pk)
    assert purchase.status == PurchaseStatus.REFUNDED
    assert not selectors.check_access(reader, paid).allowed
    assert "氨基酸" not in page.get(f"/p/{paid.post_id}/").content.decode()
    api = page.get(f"/api/v1/paid/posts/{paid.post_id}/body")
    assert api.status_code == 403 and api.json()["code"] == "paid_content_locked"


def test_course_lessons_trial_free_rest_after_payment_progress_and_refund() -> None:
    w = world()
    c = course(w)
    trial, second = list(c.lessons.order_by("position"))
    reader = w["reader"]
    page = _client(reader)
    assert page.get(f"/api/v1/paid/lessons/{trial.pk}").status_code == 200
    locked = page.get(f"/api/v1/paid/lessons/{second.pk}")
    assert locked.status_code == 403 and locked.json()["code"] == "paid_content_locked"
    html = page.get(f"/paid/lessons/{second.pk}/").content.decode()
    assert "妆前乳" not in html and 'id="paid-buy"' in html
    assert selectors.progress(user=reader, course=c).read == 1  # the trial counted, the locked one did not

    order = buy_and_pay(reader, ItemKind.COURSE, c.pk)
    assert "妆前乳" in page.get(f"/paid/lessons/{second.pk}/").content.decode()
    assert page.get(f"/api/v1/paid/lessons/{second.pk}").json()["body"] == "妆前乳、粉底、定妆"
    assert selectors.progress(user=reader, course=c).read == 2
    outline = page.get(f"/api/v1/paid/courses/{c.pk}").json()
    assert outline["unlocked"] and outline["progress"] == {"read": 2, "total": 2}

    refund(order)
    assert page.get(f"/api/v1/paid/lessons/{second.pk}").status_code == 403
    assert "妆前乳" not in page.get(f"/paid/lessons/{second.pk}/").content.decode()


def test_cancelled_unpaid_order_grants_nothing_and_frees_a_new_order() -> None:
    from quanzi.orders import services as orders

    w = world()
    paid = paid_post(w)
    order = order_of(w["reader"], ItemKind.POST, paid.post_id)
    orders.order_cancel(user=w["reader"], order_id=order.pk)
    assert Purchase.objects.get(order_id=order.pk).status == PurchaseStatus.CANCELLED
    assert not selectors.check_access(w["reader"], paid).allowed
    again = order_of(w["reader"], ItemKind.POST, paid.post_id)
    assert again.pk != order.pk
