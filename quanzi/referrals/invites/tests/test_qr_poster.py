"""QR codes decode back to the invite link (zxing-cpp when installed; else the symbol is checked through segno),
and the poster is a 750×1200 PNG whose QR code decodes, with or without a CJK font and a picture."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from quanzi.core import qr
from quanzi.referrals.invites import poster
from quanzi.referrals.invites.targets import Target

URL = "http://testserver/i/ABCD2345/p/12/"


def _decode(image: Image.Image) -> list[str]:
    zxingcpp = pytest.importorskip("zxingcpp")
    return [r.text for r in zxingcpp.read_barcodes(image)]


class _Member:
    nickname = "小红"
    avatar = None


def _target(**kw: object) -> Target:
    values: dict[str, object] = {"kind": "product", "id": 12, "title": "云南古树普洱茶饼 357g", "subtitle": "茶铺",
                                 "price_fen": 12800, "image": None, "url": "/shop/p/12/", "community_id": None}
    values.update(kw)
    return Target(**values)  # type: ignore[arg-type]


def test_qr_png_decodes_to_the_link() -> None:
    image = Image.open(io.BytesIO(qr.qr_png(URL)))
    assert image.format == "PNG"
    try:
        texts = _decode(image.convert("RGB"))
    except pytest.skip.Exception:
        code = qr.qr_code(URL)
        assert code.designator.endswith("-M") and code.symbol_size(scale=1, border=0)[0] == 17 + 4 * code.version
        return
    assert texts == [URL]


def test_qr_svg_is_an_inline_svg() -> None:
    svg = qr.qr_svg(URL)
    assert svg.startswith("<svg") and "<?xml" not in svg


def test_poster_renders_at_the_right_size_and_its_qr_decodes() -> None:
    png = poster.poster_png(target=_target(), inviter=_Member(), url=URL, code="ABCD2345")
    image = Image.open(io.BytesIO(png))
    image.verify()
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.size == (poster.WIDTH, poster.HEIGHT) == (750, 1200)
    assert _decode(image.convert("RGB")) == [URL]


def test_poster_with_a_picture_and_without_a_cjk_font(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    class Picture:
        def __bool__(self) -> bool:
            return True

        def open(self, mode: str = "rb") -> io.BytesIO:
            out = io.BytesIO()
            Image.new("RGB", (400, 300), (20, 120, 200)).save(out, format="JPEG")
            out.seek(0)
            return out

    poster.font_path.cache_clear()
    poster.font.cache_clear()
    monkeypatch.setattr(poster, "_CANDIDATES", {True: [str(tmp_path / "none.ttc")], False: []})
    monkeypatch.setattr(poster.shutil, "which", lambda name: None)
    try:
        png = poster.poster_png(target=_target(image=Picture(), price_fen=None, kind="community"),
                                inviter=_Member(), url=URL, code="ABCD2345")
    finally:
        poster.font_path.cache_clear()
        poster.font.cache_clear()
    image = Image.open(io.BytesIO(png)).convert("RGB")
    assert image.size == (750, 1200)
    r, g, b = image.getpixel((375, 300))  # type: ignore[misc]
    assert abs(r - 20) + abs(g - 120) + abs(b - 200) < 12  # the picture (a JPEG) fills the top square
    assert _decode(image) == [URL]
