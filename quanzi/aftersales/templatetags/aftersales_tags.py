"""`{% product_reviews product as rv %}`: the rating summary, the latest reviews and the latest buyers' photos for
the product page; `{% product_rating product as summary %}`: the summary alone (the line under the title). The
page uses both: the summary is read once per product and kept on it."""

from __future__ import annotations

from typing import Any

from django import template

from quanzi.aftersales import selectors

register = template.Library()


@register.simple_tag
def product_rating(product: Any) -> selectors.RatingSummary:
    summary = getattr(product, "_rating_summary", None)
    if summary is None:
        summary = selectors.product_rating_summary(product_id=getattr(product, "pk", product))
        if hasattr(product, "pk"):
            product._rating_summary = summary
    return summary


@register.simple_tag
def product_reviews(product: Any, limit: int = 10, photos: int = 8) -> dict[str, Any]:
    product_id = getattr(product, "pk", product)
    return {"summary": product_rating(product),
            "reviews": list(selectors.review_list_for_product(product_id=product_id)[:limit]),
            "photos": list(selectors.review_photos_for_product(product_id=product_id)[:photos])}


@register.filter
def stars(rating: Any) -> str:
    n = max(0, min(5, int(rating or 0)))
    return "★" * n + "☆" * (5 - n)
