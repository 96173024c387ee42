"""Link cards and QR codes for shared pages.

`{% link_card title description image %}` fills the page's <head> with what chat apps read to draw a link card
(标题、摘要、缩略图) when a member pastes a link: Open Graph (QQ, Telegram, Slack, iMessage, Weibo and most
others), schema.org `itemprop` (what WeChat's link preview reads when the page is not opened through its JS-SDK)
and Twitter's card. Every URL in them is absolute, as the crawlers need. `{% qr_svg url %}` draws a link as an
inline QR code for a phone camera or WeChat's 扫一扫.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.templatetags.static import static
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from quanzi.core import qr

register = template.Library()

SITE_NAME = "圈子"
DESCRIPTION_CHARS = 120  # what a card shows (WeChat cuts near 60, others near 150)


def _absolute(request: Any, url: str) -> str:
    if not url:
        return ""
    if url.startswith(("http://", "https://")):
        return url
    return str(request.build_absolute_uri(url)) if request is not None else url


@register.simple_tag(takes_context=True)
def link_card(context: dict[str, Any], title: str, description: str = "", image: Any = None,
              kind: str = "website") -> SafeString:
    """The link-card meta of this page. `image`: an ImageField file, a URL, or nothing (the site's icon)."""
    request = context.get("request")
    image_url = getattr(image, "url", image) if image else static("apple-touch-icon.png")
    image_url = _absolute(request, str(image_url))
    page_url = _absolute(request, request.path) if request is not None else ""
    text = Truncator(" ".join(str(description or "").split())).chars(DESCRIPTION_CHARS)
    title = " ".join(str(title or "").split()) or SITE_NAME
    tags = [
        ("property", "og:site_name", SITE_NAME), ("property", "og:type", kind), ("property", "og:title", title),
        ("property", "og:description", text), ("property", "og:url", page_url), ("property", "og:image", image_url),
        ("itemprop", "name", title), ("itemprop", "description", text), ("itemprop", "image", image_url),
        ("name", "twitter:card", "summary_large_image" if image else "summary"), ("name", "description", text),
    ]
    return format_html_join("\n", '<meta {}="{}" content="{}">', ((a, n, v) for a, n, v in tags if v))


@register.simple_tag
def qr_svg(url: str, scale: int = 4) -> SafeString:
    """An inline QR code of `url` (segno's own SVG: no user text in it but the encoded modules)."""
    if not url:
        return format_html("")
    return mark_safe(qr.qr_svg(str(url), scale=int(scale)))  # noqa: S308 - segno's own SVG markup
