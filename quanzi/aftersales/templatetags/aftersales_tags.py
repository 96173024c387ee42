"""`{% product_reviews product as rv %}`: the rating summary and the latest reviews for the product page."""

from __future__ import annotations

from typing import Any

from django import template

from quanzi.aftersales import selectors

register = template.Library()


@register.simple_tag
def product_reviews(product: Any, limit: int = 10) -> dict[str, Any]:
    product_id = getattr(product, "pk", product)
    return {"summary": selectors.product_rating_summary(product_id=product_id),
            "reviews": list(selectors.review_list_for_product(product_id=product_id)[:limit])}


@register.filter
def stars(rating: Any) -> str:
    n = max(0, min(5, int(rating or 0)))
    return "★" * n + "☆" * (5 - n)
