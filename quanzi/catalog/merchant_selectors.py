"""Reads of the merchant console: one of the merchant's own products with every SKU (on sale or not) and its
pictures, the products list with their SKU figures, and the categories a merchant may file a product under."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, Max, Min, Prefetch, Q, QuerySet, Sum

from quanzi.catalog import errors
from quanzi.catalog.models import Category, Product, Sku

if TYPE_CHECKING:
    from quanzi.catalog.models import Merchant

# the platform's own virtual goods live here (catalog.services.VIRTUAL_CATEGORY); merchants do not file under it
_VIRTUAL_CATEGORY = "虚拟商品与权益"


def merchant_product(*, merchant: Merchant, product_id: int) -> Product:
    product = (Product.objects.filter(pk=product_id, merchant=merchant)
               .prefetch_related("images", Prefetch("skus", queryset=Sku.objects.order_by("id"))).first())
    if product is None:
        raise errors.product_not_found()
    return product


def merchant_product_rows(*, merchant: Merchant, search: str = "") -> QuerySet[Product]:
    """The merchant's products, newest first, with price range, stock and SKU count, and their pictures."""
    qs = Product.objects.filter(merchant=merchant, system_key="")
    if search.strip():
        qs = qs.filter(title__icontains=search.strip())
    return (qs.annotate(min_fen=Min("skus__price_fen", filter=Q(skus__is_active=True)),
                        max_fen=Max("skus__price_fen", filter=Q(skus__is_active=True)),
                        stock_total=Sum("skus__stock", filter=Q(skus__is_active=True)),
                        sku_count=Count("skus"))
            .prefetch_related("images").order_by("-id"))


def categories_for_merchants() -> QuerySet[Category]:
    return Category.objects.exclude(name=_VIRTUAL_CATEGORY, parent=None).order_by("sort", "id")
