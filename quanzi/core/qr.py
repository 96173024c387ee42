"""QR codes of share and invite links, made by segno (pure Python, no dependencies, well kept; ISO/IEC 18004)."""

from __future__ import annotations

import io

import segno

# Error correction "M" (15 %): the code on a poster survives a crease or a thumb; the links are short, so the
# symbol stays small (version 3-4 for an https URL with a path)
ERROR = "m"


def qr_code(url: str) -> segno.QRCode:
    return segno.make_qr(url, error=ERROR, boost_error=False)


def qr_png(url: str, *, scale: int = 8, border: int = 2) -> bytes:
    out = io.BytesIO()
    qr_code(url).save(out, kind="png", scale=scale, border=border, dark="#111111", light="#ffffff")
    return out.getvalue()


def qr_svg(url: str, *, scale: int = 6) -> str:
    """An inline SVG (crisp on any screen), without the XML declaration."""
    return str(qr_code(url).svg_inline(scale=scale, border=2, dark="#111111", light="#ffffff"))
