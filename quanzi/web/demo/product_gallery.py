"""Demo: product pages to buy from (#14). The commerce builder gives half the products one picture; here every
product gets a small gallery (two to four pictures) and, where its SKUs differ by colour or size, each SKU its own
picture, so the product page's gallery swipes and its chips turn it. Through the catalog services only, with its
own random source so the rest of the demo stays as it was."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.db import transaction

from quanzi.catalog import services as catalog
from quanzi.web.demo.images import picture

if TYPE_CHECKING:
    from quanzi.web.demo.commerce import Shop


def build_product_gallery(shop: Shop, log: Callable[[str], None]) -> None:
    rng = random.Random(1414)
    added = linked = 0
    with transaction.atomic():
        for product in shop.products:
            user = product.merchant.user
            have = list(product.images.all())
            skus = shop.skus.get(product.pk, [])
            wanted = max(len(have), min(4, rng.randint(2, 3) + (1 if len(skus) > 2 else 0)))
            for i in range(wanted - len(have)):
                have.append(catalog.product_image_add(user=user, product_id=product.pk,
                                                      image=picture(rng, f"product-{product.pk}-{i}", (600, 600))))
                added += 1
            if len(skus) > 1:  # a SKU per picture, in order, while pictures last (the first shows the product)
                for sku, image in zip(skus, have[1:] or have, strict=False):
                    catalog.sku_set_image(user=user, sku_id=sku.pk, image_id=image.pk)
                    linked += 1
    log(f"  product galleries: {added} more pictures, {linked} SKU pictures")
