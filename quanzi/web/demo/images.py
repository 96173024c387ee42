"""Small generated pictures for demo posts and covers (uploaded through the same validation as users')."""

from __future__ import annotations

import io
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

PALETTE = [(226, 72, 61), (245, 158, 11), (16, 185, 129), (59, 130, 246), (139, 92, 246), (236, 72, 153)]


def picture(rng: random.Random, name: str, size: tuple[int, int] = (480, 480)) -> SimpleUploadedFile:
    base = rng.choice(PALETTE)
    img = Image.new("RGB", size, tuple(min(255, c + 120) for c in base))
    draw = ImageDraw.Draw(img)
    for _ in range(6):
        x, y = rng.randrange(size[0]), rng.randrange(size[1])
        r = rng.randrange(30, 140)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=rng.choice(PALETTE))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=70)
    return SimpleUploadedFile(f"{name}.jpg", buf.getvalue(), content_type="image/jpeg")
