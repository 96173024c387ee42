"""A product view is one event, `product.view`, whether the detail is read on the page or through the API."""

import pytest
from django.test import Client

from conftest import api_client
from quanzi.catalog.tests import factories as f
from quanzi.core.models import Event

pytestmark = pytest.mark.django_db


def _views() -> list[tuple[int | None, str, int | None, dict[str, object]]]:
    return list(Event.objects.filter(name="product.view").order_by("id")
                .values_list("user_id", "object_type", "object_id", "props"))


def test_the_page_and_the_api_track_the_same_product_view(member):
    p, _sku = f.product_with_sku(f.approved_merchant())
    logged_in = Client()
    logged_in.force_login(member)
    assert logged_in.get(f"/shop/p/{p.pk}/").status_code == 200
    assert api_client(member).get(f"/api/v1/catalog/products/{p.pk}").status_code == 200
    assert Client().get(f"/api/v1/catalog/products/{p.pk}").status_code == 200  # anonymous
    assert _views() == [(member.pk, "product", p.pk, {"via": "page"}),
                        (member.pk, "product", p.pk, {"via": "api"}),
                        (None, "product", p.pk, {"via": "api"})]


def test_a_product_that_cannot_be_seen_is_not_a_view():
    p, _sku = f.product_with_sku(f.approved_merchant(), on_shelf=False)
    assert Client().get(f"/api/v1/catalog/products/{p.pk}").status_code == 404
    assert Client().get(f"/shop/p/{p.pk}/").status_code == 404
    assert _views() == []


def test_writes_that_answer_with_the_detail_are_not_views(member):
    m = f.approved_merchant(member)
    p, _sku = f.product_with_sku(m)
    r = api_client(member).patch(f"/api/v1/catalog/products/{p.pk}", {"title": "新标题"},
                                 content_type="application/json")
    assert r.status_code == 200 and _views() == []
