"""Uploaded images: checked by their real content, bounded before they are decoded, and re-encoded.

An upload is never stored as it came. `clean_image` reads the header first (Pillow's `Image.open` is lazy)
and refuses a picture whose sides or pixel count pass `settings.QUANZI["IMAGE_MAX_SIDE"]` /
`["IMAGE_MAX_PIXELS"]` before a single pixel is decoded (a 17 KB PNG can claim 12000×12000 and cost every
viewer ~576 MB). Only then does it decode the image and write it out again with Pillow, in the format it really
is, dropping everything that is not pixels (EXIF with GPS and camera serials, comments, text chunks, bytes
appended after the image such as `<script>`), turning JPEGs upright by their EXIF orientation and shrinking
pictures larger than a display bound. The result carries a fresh random name with the extension of the
decoded format: nothing of the uploaded file name reaches the disk, so `x.html` cannot come back as HTML.
"""

from __future__ import annotations

import io
import logging
import struct
import uuid
import warnings
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import models
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from quanzi.core.errors import InvalidInput

log = logging.getLogger(__name__)

# Longest side of a stored picture; larger uploads are shrunk on re-encode (a phone photo is 4000+ px wide).
DISPLAY_SIDE = 2560
AVATAR_SIDE = 1024
JPEG_QUALITY = 88
WEBP_QUALITY = 88
# Animated GIF / WebP / PNG keep their frames while all frames together stay within this many decoded pixels
# (about 100 frames of 480×320) and MAX_FRAMES; beyond that only the first frame is kept, as a still picture.
ANIMATION_MAX_PIXELS = 16_000_000
MAX_FRAMES = 300


@dataclass(frozen=True)
class _Format:
    mime: str
    ext: str
    save_as: str


# MPO is how Pillow names the multi-picture JPEGs many phones write; it is stored as a plain JPEG (first picture).
_FORMATS = {
    "JPEG": _Format("image/jpeg", ".jpg", "JPEG"),
    "MPO": _Format("image/jpeg", ".jpg", "JPEG"),
    "PNG": _Format("image/png", ".png", "PNG"),
    "WEBP": _Format("image/webp", ".webp", "WEBP"),
    "GIF": _Format("image/gif", ".gif", "GIF"),
}
# Pillow raises these from its own checks on malformed files; each one means "not a usable image".
_BROKEN = (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, struct.error, IndexError,
           TypeError, KeyError, ZeroDivisionError)


def _type_error() -> InvalidInput:
    return InvalidInput("image_type", _("只支持 JPEG、PNG、WebP、GIF 图片"))


def _too_large() -> InvalidInput:
    side = int(settings.QUANZI["IMAGE_MAX_SIDE"])
    pixels = int(settings.QUANZI["IMAGE_MAX_PIXELS"])
    return InvalidInput("image_too_large", _("图片尺寸过大：最长边不超过 %(side)d 像素，总像素不超过 %(wan)d 万")
                        % {"side": side, "wan": pixels // 10_000})


def _read(upload: Any) -> bytes:
    max_bytes = int(settings.QUANZI["IMAGE_MAX_BYTES"])
    size = getattr(upload, "size", None)
    if size is None or size == 0:
        raise InvalidInput("image_empty", _("图片为空"))
    too_big = InvalidInput("image_too_large", _("图片不能超过 %(mb)d MB") % {"mb": max_bytes // (1024 * 1024)})
    if size > max_bytes:
        raise too_big
    upload.seek(0)
    data = upload.read(max_bytes + 1)  # the declared size is the client's word; the bytes read are not
    upload.seek(0)
    if not data:
        raise InvalidInput("image_empty", _("图片为空"))
    if len(data) > max_bytes:
        raise too_big
    return bytes(data)


def _check_dimensions(width: int, height: int) -> None:
    side = int(settings.QUANZI["IMAGE_MAX_SIDE"])
    pixels = int(settings.QUANZI["IMAGE_MAX_PIXELS"])
    if Image.MAX_IMAGE_PIXELS:  # never above Pillow's own bomb limit, even if configured higher
        pixels = min(pixels, int(Image.MAX_IMAGE_PIXELS))
    if width <= 0 or height <= 0:
        raise InvalidInput("image_invalid", _("文件不是有效的图片"))
    if width > side or height > side or width * height > pixels:
        raise _too_large()


def _shrink(img: Image.Image, side: int) -> Image.Image:
    """`img` scaled down (never up) so that its longest side is at most `side`."""
    if max(img.size) <= side:
        return img
    if img.mode == "P":  # palette images would only resize by nearest neighbour
        img = img.convert("RGBA" if img.has_transparency_data else "RGB")
    elif img.mode == "1":
        img = img.convert("L")
    img = img.copy() if img.readonly else img
    img.thumbnail((side, side), Image.Resampling.LANCZOS)
    return img


def _still(img: Image.Image, fmt: _Format, side: int) -> Image.Image:
    if fmt.save_as == "JPEG":
        img = ImageOps.exif_transpose(img)  # upright by its EXIF orientation; the EXIF itself is not kept
        if img.mode not in ("L", "RGB"):
            img = img.convert("RGB")  # CMYK, YCbCr, 16-bit ...
    return _shrink(img, side)


def _metadata_free(img: Image.Image, source: Image.Image, *keys: str) -> Image.Image:
    """`img` with only the listed `info` keys of `source` (transparency, frame duration ...): no comments, text
    chunks, EXIF or XMP are carried over. A palette's transparency index is dropped once the mode changed."""
    same_mode = img.mode == source.mode
    img.info = {k: source.info[k] for k in keys
                if k in source.info and (same_mode or k not in ("transparency", "background"))}
    return img


def _frames(img: Image.Image, side: int) -> list[Image.Image]:
    """Every frame of an animation (decoded, shrunk), or [] when it is too long to keep: then the caller keeps
    the first frame only. Decoding stops as soon as the budget is spent, so a long animation costs no more."""
    frames: list[Image.Image] = []
    spent = 0
    for index in range(MAX_FRAMES + 1):
        try:
            img.seek(index)
        except EOFError:
            return frames
        if index == MAX_FRAMES:
            return []
        img.load()
        spent += img.size[0] * img.size[1]
        if spent > ANIMATION_MAX_PIXELS:
            return []
        frames.append(_metadata_free(_shrink(img.copy(), side), img, "duration", "transparency"))
    return []


def _encode(img: Image.Image, fmt: _Format, side: int) -> bytes:
    """Decode `img` fully and write it again in its own format.

    Animations (GIF, WebP, APNG) keep their frames, timing and loop count while they fit ANIMATION_MAX_PIXELS
    and MAX_FRAMES; a longer one is kept as its first frame. JPEGs are always one still picture."""
    img.load()
    loop = img.info.get("loop")
    animated = fmt.save_as != "JPEG" and bool(getattr(img, "is_animated", False))
    frames = _frames(img, side) if animated else []
    options: dict[str, Any] = {}
    if len(frames) > 1:
        first = frames[0]
        options.update(save_all=True, append_images=frames[1:],
                       duration=[int(f.info.get("duration") or 100) for f in frames])
        if loop is not None:
            options["loop"] = loop
        if fmt.save_as == "GIF":
            options["disposal"] = 2  # the frames are whole pictures: clear before drawing the next one
    else:
        if getattr(img, "is_animated", False):
            img.seek(0)
            img.load()
        icc = img.info.get("icc_profile")
        first = _metadata_free(_still(img, fmt, side), img, "transparency", "background")
        if icc and first.mode == img.mode:
            options["icc_profile"] = icc  # colour data, kept so that colours look the same
    if fmt.save_as == "JPEG":
        options.update(quality=JPEG_QUALITY, optimize=True)
    elif fmt.save_as == "WEBP":
        options.update(quality=WEBP_QUALITY)
    buf = io.BytesIO()
    first.save(buf, fmt.save_as, **options)
    return buf.getvalue()


def clean_image(upload: Any, *, max_side: int = DISPLAY_SIDE) -> ContentFile:
    """Check an uploaded image and return it re-encoded under a random name, ready for an ImageField.

    `max_side` is the display bound: a larger picture is shrunk to fit it. Raises `InvalidInput` with
    `image_empty`, `image_too_large` (bytes, dimensions or a decompression bomb), `image_type`,
    `image_type_mismatch` (the declared Content-Type is not what the bytes are) or `image_invalid`."""
    allowed = tuple(settings.QUANZI["IMAGE_TYPES"])
    data = _read(upload)
    declared = getattr(upload, "content_type", None)
    if declared and declared not in allowed:
        raise _type_error()
    try:
        with warnings.catch_warnings():
            # Pillow warns past MAX_IMAGE_PIXELS and raises past twice that; both are refusals here. (The filter
            # is process-wide while it lasts; _check_dimensions enforces the same limit in case another thread
            # restores the filters in between.)
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as img:  # reads the header only
                fmt = _FORMATS.get(img.format or "")
                if fmt is None or fmt.mime not in allowed:
                    raise _type_error()
                if declared and declared != fmt.mime:
                    raise InvalidInput("image_type_mismatch", _("图片内容与声明的类型不符"))
                _check_dimensions(*img.size)
                encoded = _encode(img, fmt, max_side)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_large() from exc
    except _BROKEN as exc:
        log.info("image rejected as invalid: %r", exc)
        raise InvalidInput("image_invalid", _("文件不是有效的图片")) from exc
    return ContentFile(encoded, name=f"{uuid.uuid4().hex}{fmt.ext}")


class CleanImageField(forms.ImageField):
    """A form field (the back office) whose new uploads go through `clean_image` like every other upload."""

    def to_python(self, data: Any) -> Any:
        # FileField's checks only (a file came, with a name): forms.ImageField's own Pillow pass would open the
        # picture a second time, without the bounds.
        uploaded = forms.FileField.to_python(self, data)
        if uploaded is None:
            return None
        try:
            return clean_image(uploaded)
        except InvalidInput as exc:
            raise forms.ValidationError(str(exc.message), code=exc.code) from exc


# For the back office: `formfield_overrides = CLEAN_IMAGE_FORMFIELDS` on a ModelAdmin or inline.
CLEAN_IMAGE_FORMFIELDS: dict[type[models.Field], dict[str, Any]] = {models.ImageField: {"form_class": CleanImageField}}
