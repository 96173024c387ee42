"""clean_image: uploads are bounded before decoding, re-encoded without metadata and renamed (issue 6, 3 and 5)."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageFile, PngImagePlugin

from quanzi.core import images
from quanzi.core.errors import InvalidInput
from quanzi.core.images import CleanImageField, clean_image

RANDOM_NAME = re.compile(r"^[0-9a-f]{32}\.(jpg|png|webp|gif)$")


def encode(img: Image.Image, fmt: str, **options: Any) -> bytes:
    buf = io.BytesIO()
    img.save(buf, fmt, **options)
    return buf.getvalue()


def upload(data: bytes, name: str = "a.png", content_type: str | None = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)  # type: ignore[arg-type]


def gif_with_script() -> bytes:
    return encode(Image.new("P", (16, 16), 3), "GIF") + b"<script>alert(document.cookie)</script>"


def huge_png(side: int = 12000) -> bytes:
    """A `side`×`side` picture a few KB on disk: one bit per pixel, one colour, deflated."""
    return encode(Image.new("1", (side, side), 0), "PNG", optimize=True)


def code_of(fn: Any, *args: Any, **kwargs: Any) -> str:
    with pytest.raises(InvalidInput) as exc:
        fn(*args, **kwargs)
    return exc.value.code


def test_html_named_gif_comes_back_as_a_gif_under_a_random_name():
    out = clean_image(upload(gif_with_script(), "x.html", "image/gif"))
    assert RANDOM_NAME.match(out.name) and out.name.endswith(".gif") and "html" not in out.name
    data = out.read()
    assert b"<script>" not in data and data.startswith(b"GIF8")
    with Image.open(io.BytesIO(data)) as img:
        assert img.format == "GIF" and img.size == (16, 16)


@pytest.mark.parametrize(("fmt", "mime", "ext"), [("JPEG", "image/jpeg", ".jpg"), ("PNG", "image/png", ".png"),
                                                   ("WEBP", "image/webp", ".webp"), ("GIF", "image/gif", ".gif")])
def test_each_format_is_re_encoded_in_its_own_format(fmt, mime, ext):
    data = encode(Image.new("RGB", (40, 30), "red"), fmt)
    out = clean_image(upload(data, "photo.bin", mime))
    assert RANDOM_NAME.match(out.name) and out.name.endswith(ext)
    with Image.open(io.BytesIO(out.read())) as img:
        assert img.format == fmt and img.size == (40, 30)


def test_names_never_repeat_and_ignore_the_uploaded_name():
    names = {clean_image(upload(encode(Image.new("RGB", (4, 4)), "PNG"), "../../etc/passwd.png")).name
             for _i in range(5)}
    assert len(names) == 5 and all(RANDOM_NAME.match(n) for n in names)


def test_the_error_codes_stay_the_same(settings):
    png = encode(Image.new("RGB", (8, 8)), "PNG")
    assert code_of(clean_image, upload(b"")) == "image_empty"
    assert code_of(clean_image, upload(b"not an image at all")) == "image_invalid"
    assert code_of(clean_image, upload(png[: len(png) // 2])) == "image_invalid"  # truncated
    assert code_of(clean_image, upload(png, content_type="text/html")) == "image_type"
    assert code_of(clean_image, upload(png, content_type="image/jpeg")) == "image_type_mismatch"
    assert code_of(clean_image, upload(encode(Image.new("RGB", (8, 8)), "BMP"))) == "image_type"
    settings.QUANZI = {**settings.QUANZI, "IMAGE_MAX_BYTES": 100}
    assert code_of(clean_image, upload(encode(Image.new("RGB", (64, 64)), "PNG", compress_level=0))) \
        == "image_too_large"


def test_a_lying_size_does_not_get_past_the_byte_limit(settings):
    settings.QUANZI = {**settings.QUANZI, "IMAGE_MAX_BYTES": 1000}
    f = upload(encode(Image.new("RGB", (64, 64)), "PNG", compress_level=0))
    f.size = 10  # what a client claims
    assert code_of(clean_image, f) == "image_too_large"


def test_a_decompression_bomb_is_refused_from_its_header_without_decoding(monkeypatch):
    data = huge_png()
    assert len(data) < 64 * 1024  # 12000×12000, yet small on disk: exactly the attack

    def no_decoding(self: Any) -> Any:
        raise AssertionError("the pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    with pytest.raises(InvalidInput) as exc:
        clean_image(upload(data))
    assert exc.value.code == "image_too_large" and exc.value.status == 400
    assert "8000" in str(exc.value.message)


def test_the_side_and_pixel_bounds_come_from_settings(settings):
    wide = encode(Image.new("1", (8001, 10)), "PNG")
    assert code_of(clean_image, upload(wide)) == "image_too_large"
    settings.QUANZI = {**settings.QUANZI, "IMAGE_MAX_PIXELS": 399}
    assert code_of(clean_image, upload(encode(Image.new("RGB", (20, 20)), "PNG"))) == "image_too_large"
    assert clean_image(upload(encode(Image.new("RGB", (19, 21)), "PNG"))).name.endswith(".png")


def test_pillows_own_bomb_limits_are_a_4xx_too(settings, monkeypatch):
    # Our bounds out of the way: Pillow's DecompressionBombError (past 2 × MAX_IMAGE_PIXELS) ...
    settings.QUANZI = {**settings.QUANZI, "IMAGE_MAX_SIDE": 10**9, "IMAGE_MAX_PIXELS": 10**15}
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    assert code_of(clean_image, upload(encode(Image.new("RGB", (50, 50)), "PNG"))) == "image_too_large"
    # ... and its DecompressionBombWarning (past MAX_IMAGE_PIXELS), which is only a warning to Pillow.
    assert code_of(clean_image, upload(encode(Image.new("RGB", (40, 40)), "PNG"))) == "image_too_large"


def _jpeg_with_gps_and_orientation() -> bytes:
    img = Image.new("RGB", (60, 20), "white")
    img.paste((255, 0, 0), (0, 0, 10, 20))  # a red band on the left
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: the camera was turned, show it rotated 90° clockwise
    exif[0x010F] = "PhoneMaker"
    exif[0xA431] = "SERIAL-123456"  # BodySerialNumber
    gps = {1: "N", 2: (31.0, 14.0, 0.0), 3: "E", 4: (121.0, 28.0, 0.0)}
    exif[0x8825] = gps
    return encode(img, "JPEG", exif=exif.tobytes(), comment=b"taken at home")


def test_jpeg_exif_and_gps_are_dropped_and_the_orientation_applied():
    data = _jpeg_with_gps_and_orientation()
    with Image.open(io.BytesIO(data)) as original:
        assert original.getexif().get_ifd(0x8825)  # the upload does carry a location
    out = clean_image(upload(data, "IMG_0001.JPG", "image/jpeg")).read()
    assert b"Exif" not in out and b"SERIAL-123456" not in out and b"PhoneMaker" not in out
    assert b"taken at home" not in out
    with Image.open(io.BytesIO(out)) as img:
        assert img.format == "JPEG" and img.size == (20, 60)  # turned upright
        assert not img.getexif() and not img.getexif().get_ifd(0x8825)
        r, g, b = img.convert("RGB").getpixel((10, 2))  # the red band is now on top
        assert r > 200 and g < 80 and b < 80


def test_png_text_chunks_are_dropped():
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "<script>alert(1)</script>")
    data = encode(Image.new("RGBA", (10, 10), (0, 0, 0, 0)), "PNG", pnginfo=info)
    out = clean_image(upload(data)).read()
    assert b"<script>" not in out
    with Image.open(io.BytesIO(out)) as img:
        assert img.mode == "RGBA" and img.getpixel((0, 0))[3] == 0  # transparency kept


def test_large_pictures_are_shrunk_to_the_display_bound():
    out = clean_image(upload(encode(Image.new("RGB", (5000, 1000), "blue"), "JPEG"), "a.jpg", "image/jpeg"))
    with Image.open(out) as img:
        assert img.size == (images.DISPLAY_SIDE, 512)
    out = clean_image(upload(encode(Image.new("P", (3000, 3000)), "PNG")), max_side=images.AVATAR_SIDE)
    with Image.open(out) as img:
        assert img.size == (images.AVATAR_SIDE, images.AVATAR_SIDE)
    small = clean_image(upload(encode(Image.new("RGB", (30, 20)), "PNG")), max_side=images.AVATAR_SIDE)
    with Image.open(small) as img:
        assert img.size == (30, 20)  # never scaled up


def _animation(n: int, size: tuple[int, int] = (40, 30), fmt: str = "GIF") -> bytes:
    frames = [Image.new("RGB", size, (i * 40 % 256, 0, 0)) for i in range(n)]
    return encode(frames[0], fmt, save_all=True, append_images=frames[1:], duration=80, loop=0)


@pytest.mark.parametrize(("fmt", "mime"), [("GIF", "image/gif"), ("WEBP", "image/webp"), ("PNG", "image/png")])
def test_animations_keep_their_frames(fmt, mime):
    out = clean_image(upload(_animation(4, fmt=fmt), "a", mime))
    with Image.open(out) as img:
        assert img.format == fmt and img.n_frames == 4


def test_a_too_long_animation_keeps_its_first_frame(monkeypatch):
    monkeypatch.setattr(images, "ANIMATION_MAX_PIXELS", 40 * 30 * 3)
    out = clean_image(upload(_animation(5), "a.gif", "image/gif"))
    with Image.open(out) as img:
        assert img.format == "GIF" and getattr(img, "n_frames", 1) == 1


class AvatarForm(forms.Form):
    avatar = CleanImageField()


def test_the_back_office_form_field_cleans_uploads_too():
    form = AvatarForm(files={"avatar": upload(gif_with_script(), "x.html", "image/gif")})
    assert form.is_valid(), form.errors
    cleaned = form.cleaned_data["avatar"]
    assert RANDOM_NAME.match(cleaned.name) and cleaned.name.endswith(".gif") and b"<script>" not in cleaned.read()
    bomb = AvatarForm(files={"avatar": upload(huge_png())})
    assert not bomb.is_valid() and bomb.errors.as_data()["avatar"][0].code == "image_too_large"
