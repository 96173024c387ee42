"""Sharing a post: the share box gives the link, a copy button and the link's QR code; shared pages (post,
product, community) carry the link-card meta chat apps read, with absolute URLs."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from quanzi.content import services
from quanzi.content.models import Share
from quanzi.content.tests.conftest import png
from quanzi.core import qr

pytestmark = pytest.mark.django_db


def meta(html: str) -> dict[str, str]:
    return {m[1]: m[2] for m in re.finditer(r'<meta (?:property|name|itemprop)="([^"]+)" content="([^"]*)"', html)
            } | {m[1]: m[2] for m in re.finditer(r'<meta property="([^"]+)" content="([^"]*)"', html)}


def test_the_share_box_has_the_link_a_copy_button_and_its_qr_code(alice, community):
    post = services.post_create(author=alice, community=community, body="晨跑打卡")
    client = Client()
    client.force_login(alice)
    html = client.post(f"/p/{post.pk}/share/", HTTP_HX_REQUEST="true").content.decode()
    share = Share.objects.get(post=post, sharer=alice)
    url = f"http://testserver/s/{share.token}/"
    assert f'value="{url}"' in html
    assert f'data-copy-target="share-url-{post.pk}"' in html and f'id="share-url-{post.pk}"' in html
    assert qr.qr_svg(url, scale=4) in html  # the code of exactly this link (with the sharer's token)


def test_a_post_page_carries_its_link_card(alice, community):
    post = services.post_create(author=alice, community=community, title="周末徒步路线",
                                body="西湖 群山 十公里，  带上水和零食。\n下午三点出发", images=[png()])
    html = Client().get(f"/p/{post.pk}/").content.decode()
    card = meta(html)
    assert card["og:title"] == "周末徒步路线" and card["og:type"] == "article"
    assert card["og:description"].startswith("西湖 群山 十公里， 带上水和零食。 下午三点出发")  # whitespace folded
    assert card["og:url"] == f"http://testserver/p/{post.pk}/"
    assert card["og:image"].startswith("http://testserver/") and card["og:image"].endswith(".png")
    assert card["og:image"] == card["image"] and card["twitter:card"] == "summary_large_image"


def test_a_page_without_a_picture_uses_the_site_icon_and_escapes_text(alice, community):
    post = services.post_create(author=alice, community=community, body='说 "你好" <b>吗</b>')
    html = Client().get(f"/p/{post.pk}/").content.decode()
    card = meta(html)
    assert card["og:image"].startswith("http://testserver/") and "apple-touch-icon" in card["og:image"]
    assert "<b>" not in card["og:description"] and "&quot;你好&quot;" in card["og:description"]
    assert card["twitter:card"] == "summary"


def test_the_community_page_carries_its_link_card(community):
    html = Client().get(f"/c/{community.slug}/").content.decode()
    card = meta(html)
    assert card["og:title"] == community.name and card["og:url"] == f"http://testserver/c/{community.slug}/"
