"""Uploaded images are checked by their real content (Pillow), their declared type and their size."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from quanzi.core.errors import InvalidInput

_PIL_TO_MIME = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}


def validate_image(upload: Any) -> str:
    """Return the image's MIME type, or raise `InvalidInput` with a clear reason."""
    max_bytes = int(settings.QUANZI["IMAGE_MAX_BYTES"])
    allowed = tuple(settings.QUANZI["IMAGE_TYPES"])
    size = getattr(upload, "size", None)
    if size is None or size == 0:
        raise InvalidInput("image_empty", _("图片为空"))
    if size > max_bytes:
        raise InvalidInput("image_too_large", _("图片不能超过 %(mb)d MB") % {"mb": max_bytes // (1024 * 1024)})
    declared = getattr(upload, "content_type", None)
    if declared and declared not in allowed:
        raise InvalidInput("image_type", _("只支持 JPEG、PNG、WebP、GIF 图片"))
    try:
        upload.seek(0)
        with Image.open(upload) as img:
            fmt = img.format or ""
            img.verify()
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        raise InvalidInput("image_invalid", _("文件不是有效的图片")) from exc
    finally:
        upload.seek(0)
    mime = _PIL_TO_MIME.get(fmt)
    if mime is None or mime not in allowed:
        raise InvalidInput("image_type", _("只支持 JPEG、PNG、WebP、GIF 图片"))
    if declared and declared != mime:
        raise InvalidInput("image_type_mismatch", _("图片内容与声明的类型不符"))
    return mime
