"""Photos on after-sales requests and reviews: every upload checked (and re-encoded) before any is stored."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from quanzi.aftersales import errors, rules
from quanzi.core.images import clean_image


def save_photos(*, existing: int, photos: list[Any], create: Callable[[Any], object]) -> None:
    if not photos:
        return
    if existing + len(photos) > rules.MAX_PHOTOS:
        raise errors.too_many_photos(rules.MAX_PHOTOS)
    cleaned = [clean_image(upload) for upload in photos]
    for image in cleaned:
        create(image)
