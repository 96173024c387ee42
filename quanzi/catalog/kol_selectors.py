"""What a KOL (达人) has put up for sale: the product cards on their own posts and the products they picked for
community shelves. The KOL centre (web) joins these with the orders credited to them and the clicks."""

from __future__ import annotations

from typing import Any

from quanzi.catalog.models import PostProduct, ShelfItem


def kol_post_cards(*, user_id: int) -> dict[int, list[int]]:
    """{post id: [product ids carried]} for the posts this member wrote that carry product cards, newest first."""
    out: dict[int, list[int]] = {}
    for post_id, product_id in PostProduct.objects.filter(post__author_id=user_id)\
            .order_by("-post_id", "id").values_list("post_id", "product_id"):
        out.setdefault(post_id, []).append(product_id)
    return out


def kol_shelf_picks(*, user_id: int) -> list[Any]:
    """The shelf items this member picked, with their product and community, newest first."""
    return list(ShelfItem.objects.filter(picked_by_id=user_id).select_related("product", "community")
                .order_by("-id"))


def is_kol(*, user_id: int) -> bool:
    """A member with a post carrying a product card, or a product picked for a shelf."""
    return PostProduct.objects.filter(post__author_id=user_id).exists() or \
        ShelfItem.objects.filter(picked_by_id=user_id).exists()
