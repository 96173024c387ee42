"""Share posters (海报): the target's picture, its title and price, the inviter's avatar and nickname, the QR code of
the invite link and the code, drawn with Pillow into a 750×1200 PNG (the width WeChat shows full-screen).

Chinese needs a CJK font: Noto Sans CJK (Debian's fonts-noto-cjk) is looked up at known paths, then through
fontconfig (`fc-match`); without one, Pillow's built-in font is used and the poster still renders (Chinese
characters then show as boxes: the QR code, prices and the code stay readable)."""

from __future__ import annotations

import functools
import io
import logging
import shutil
import subprocess
from typing import Any

from PIL import Image, ImageDraw, ImageFont, ImageOps

from quanzi.core.money import format_yuan
from quanzi.core.qr import qr_code
from quanzi.referrals.invites.targets import Target

log = logging.getLogger(__name__)

WIDTH, HEIGHT = 750, 1200
PICTURE = 750 - 2 * 40  # the square picture, inside a 40 px margin
ACCENT = (232, 64, 87)
INK = (34, 34, 34)
MUTED = (130, 130, 130)

_CANDIDATES = {
    True: ["/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
           "/usr/share/fonts/noto-cjk/NotoSansCJK-Bold.ttc"],
    False: ["/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
            "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc"],
}

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@functools.lru_cache(maxsize=4)
def font_path(bold: bool = False) -> str:
    """A CJK font file, or "" when the machine has none."""
    for path in _CANDIDATES[bold]:
        try:
            ImageFont.truetype(path, 12)
            return path
        except OSError:
            continue
    if shutil.which("fc-match"):
        pattern = "Noto Sans CJK SC:bold" if bold else "Noto Sans CJK SC"
        try:
            found = subprocess.run(["fc-match", "-f", "%{file}", f"{pattern}:lang=zh-cn"], capture_output=True,
                                   text=True, timeout=5, check=False).stdout.strip()
            if found:
                ImageFont.truetype(found, 12)
                return found
        except (OSError, subprocess.SubprocessError):
            pass
    log.warning("no CJK font found: posters use Pillow's built-in font (apt-get install fonts-noto-cjk)")
    return ""


@functools.lru_cache(maxsize=32)
def font(size: int, bold: bool = False) -> Font:
    path = font_path(bold)
    if path:
        # index 2 of the Noto CJK collection is Simplified Chinese
        return ImageFont.truetype(path, size, index=2 if path.endswith(".ttc") else 0)
    return ImageFont.load_default(size=size)


def _open_image(field: Any) -> Image.Image | None:
    """A stored picture (product, cover, avatar), or None when missing or unreadable."""
    if not field:
        return None
    try:
        with field.open("rb") as fh:
            image = Image.open(io.BytesIO(fh.read()))
            image.load()
        return image.convert("RGB")
    except (OSError, ValueError):
        return None


def _wrap(draw: ImageDraw.ImageDraw, text: str, fnt: Font, width: int, lines: int) -> list[str]:
    """Break Chinese (and Latin) text by characters to fit `width`; the last line ends with … if cut."""
    out: list[str] = []
    current = ""
    for ch in text:
        if draw.textlength(current + ch, font=fnt) <= width:
            current += ch
            continue
        out.append(current)
        current = ch
        if len(out) == lines:
            break
    else:
        if current:
            out.append(current)
        return out[:lines]
    last = out[lines - 1]
    while last and draw.textlength(last + "…", font=fnt) > width:
        last = last[:-1]
    out[lines - 1] = last + "…"
    return out[:lines]


def _picture(target: Target) -> Image.Image:
    image = _open_image(target.image)
    if image is not None:
        return ImageOps.fit(image, (PICTURE, PICTURE), method=Image.Resampling.LANCZOS)
    # no picture: a soft two-tone block with the title, so a community without a cover still gets a poster
    block = Image.new("RGB", (PICTURE, PICTURE), (255, 236, 239))
    draw = ImageDraw.Draw(block)
    draw.rectangle((0, PICTURE * 2 // 3, PICTURE, PICTURE), fill=(252, 214, 220))
    fnt = font(64, bold=True)
    for i, line in enumerate(_wrap(draw, target.title, fnt, PICTURE - 80, 3)):
        draw.text((40, 80 + i * 84), line, font=fnt, fill=ACCENT)
    return block


def _avatar(inviter: Any, size: int) -> Image.Image:
    image = _open_image(getattr(inviter, "avatar", None))
    mask = Image.new("L", (size, size), 0)
    ImageDraw.Draw(mask).ellipse((0, 0, size - 1, size - 1), fill=255)
    if image is None:  # the nickname's first character on a coloured disc
        image = Image.new("RGB", (size, size), ACCENT)
        draw = ImageDraw.Draw(image)
        initial = (getattr(inviter, "nickname", "") or "?")[:1]
        fnt = font(size // 2, bold=True)
        draw.text((size / 2, size / 2), initial, font=fnt, fill=(255, 255, 255), anchor="mm")
    else:
        image = ImageOps.fit(image, (size, size), method=Image.Resampling.LANCZOS)
    disc = Image.new("RGB", (size, size), (255, 255, 255))
    disc.paste(image, (0, 0), mask)
    return disc


def poster_png(*, target: Target, inviter: Any, url: str, code: str) -> bytes:
    """The poster for `inviter`'s invite link `url` to `target`, as PNG bytes (750×1200)."""
    from django.utils.translation import gettext as _

    canvas = Image.new("RGB", (WIDTH, HEIGHT), (255, 255, 255))
    canvas.paste(_picture(target), (40, 40))
    draw = ImageDraw.Draw(canvas)
    y = 40 + PICTURE + 28
    for line in _wrap(draw, target.title, font(36, bold=True), WIDTH - 80, 2):
        draw.text((40, y), line, font=font(36, bold=True), fill=INK)
        y += 50
    if target.price_fen is not None:
        draw.text((40, y + 4), format_yuan(target.price_fen), font=font(44, bold=True), fill=ACCENT)
    elif target.subtitle:
        for line in _wrap(draw, target.subtitle, font(26), WIDTH - 80, 1):
            draw.text((40, y + 8), line, font=font(26), fill=MUTED)

    # the bottom band: who invites, and the code to scan
    band = HEIGHT - 250
    draw.line((40, band, WIDTH - 40, band), fill=(238, 238, 238), width=2)
    canvas.paste(_avatar(inviter, 88), (40, band + 40))
    nickname = _wrap(draw, getattr(inviter, "nickname", "") or "", font(30, bold=True), 300, 1)
    draw.text((144, band + 44), nickname[0] if nickname else "", font=font(30, bold=True), fill=INK)
    draw.text((144, band + 92), _("邀请你一起逛圈子"), font=font(24), fill=MUTED)
    draw.text((40, band + 160), _("长按识别二维码 · 邀请码 %(code)s") % {"code": code}, font=font(24), fill=MUTED)

    qr = qr_code(url)
    out = io.BytesIO()
    qr.save(out, kind="png", scale=1, border=2)
    symbol = Image.open(io.BytesIO(out.getvalue())).convert("RGB")
    side = 210
    # scale by a whole number of pixels per module: no blurred edges for a scanner
    scale = max(1, side // symbol.width)
    symbol = symbol.resize((symbol.width * scale, symbol.height * scale), Image.Resampling.NEAREST)
    canvas.paste(symbol, (WIDTH - 40 - symbol.width, band + (250 - symbol.height) // 2))

    result = io.BytesIO()
    canvas.save(result, format="PNG", optimize=True)
    return result.getvalue()
