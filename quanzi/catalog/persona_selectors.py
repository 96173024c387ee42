"""Product facts for personas' "needs" tags: each product's category and brand (ids and names), and each SKU's
product, in bulk."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from quanzi.catalog.models import Product, Sku


@dataclass(frozen=True)
class ProductFacts:
    category_id: int
    category_name: str
    brand_id: int | None
    brand_name: str


def product_facts(*, product_ids: Iterable[int]) -> dict[int, ProductFacts]:
    rows = Product.objects.filter(pk__in=list(product_ids)).values_list(
        "pk", "category_id", "category__name", "brand_id", "brand__name")
    return {pk: ProductFacts(c, cn or "", b, bn or "") for pk, c, cn, b, bn in rows}


def sku_products(*, sku_ids: Iterable[int]) -> dict[int, int]:
    """{sku id: product id}."""
    return dict(Sku.objects.filter(pk__in=list(sku_ids)).values_list("pk", "product_id"))
