"""The picture-community feed in a real browser at phone width (390 px): picture notes as cover cards in two
columns between the text cards, a topic page, the image viewer, and the composer with a product card picked.
Screenshots: test-artifacts/feed-two-column.png, topic-page.png, compose-product.png."""

from __future__ import annotations

import io
import os
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from conftest import ARTIFACTS, browser_login, make_user
from quanzi.catalog import services as catalog_services
from quanzi.catalog.models import PostProduct
from quanzi.catalog.tests import factories as f
from quanzi.communities.enums import Role
from quanzi.content import services
from quanzi.content.models import Post

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COLOURS = ["#f4a7b9", "#a7d8f4", "#c3f4a7", "#f4e1a7", "#d1a7f4", "#a7f4e4"]


def picture(i: int, size: tuple[int, int]) -> SimpleUploadedFile:
    """A soft two-tone picture (heights differ, as photos do)."""
    img = Image.new("RGB", size, COLOURS[i % len(COLOURS)])
    draw = ImageDraw.Draw(img)
    draw.ellipse((size[0] // 4, size[1] // 4, size[0] * 3 // 4, size[1] * 3 // 4), fill=COLOURS[(i + 2) % 6])
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return SimpleUploadedFile(f"p{i}.png", buf.getvalue(), content_type="image/png")


def _feed(community: Any, authors: list[Any]) -> list[Post]:
    notes = [("周末去了一家超赞的咖啡馆 #周末探店", (300, 400)), ("晨跑十公里打卡 #晨跑", (300, 300)),
             ("新入手的玫瑰面霜，质地很轻薄 #好物分享", (300, 380)), ("今天的早餐 #周末探店", (300, 260)),
             ("阳台的花开了 #生活记录", (300, 420)), ("海边日落 #周末探店", (300, 320))]
    posts = [services.post_create(author=authors[0], community=community, kind="question",
                                  title="油皮夏天用什么防晒？", body="求推荐清爽不闷痘的")]
    for i, (body, size) in enumerate(notes[:4]):
        posts.append(services.post_create(author=authors[i % len(authors)], community=community, body=body,
                                          images=[picture(i, size), picture(i + 1, (300, 300))]))
    posts.append(services.post_create(author=authors[1], community=community, kind="article", title="新手跑步指南",
                                      body="第一周：每天慢跑 20 分钟，注意心率。#晨跑"))
    for i, (body, size) in enumerate(notes[4:], start=4):
        posts.append(services.post_create(author=authors[i % len(authors)], community=community, body=body,
                                          images=[picture(i, size)]))
    return posts


def _no_overflow(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_home_feed_shows_picture_notes_in_two_columns(browser_page: Any) -> None:
    from playwright.sync_api import expect

    expect.set_options(timeout=30_000)  # a loaded CI machine

    reader = make_user("读者")
    community = f.community()
    authors = [make_user("小红"), make_user("跑步的阿杰"), make_user("Lily")]
    for u in [reader, *authors]:
        f.add_member(community, u)
    posts = _feed(community, authors)
    services.reaction_toggle(user=reader, post=posts[2], kind="like")
    page = browser_page
    page.set_default_timeout(60_000)
    page.set_viewport_size({"width": 390, "height": 844})
    browser_login(page, reader, "/")
    covers = page.locator(".feed-covers .post[data-cover]")
    expect(covers).to_have_count(6)
    first, second = covers.nth(0).bounding_box(), covers.nth(1).bounding_box()
    assert first and second
    # two columns: cards side by side (different x), each about half the screen, none past the right edge
    xs = {round(covers.nth(i).bounding_box()["x"]) for i in range(4)}  # type: ignore[index]
    assert len(xs) == 2, xs
    assert 150 <= first["width"] <= 190
    for i in range(6):
        box = covers.nth(i).bounding_box()
        assert box and box["x"] + box["width"] <= 390
    # the question and the article keep their full-width text cards
    text_card = page.locator(f"#post-{posts[0].pk}")
    assert (text_card.bounding_box() or {"width": 0})["width"] > 340
    expect(page.locator(f"#post-{posts[2].pk} .cover-likes.on")).to_have_text("1")
    for img in page.locator(".feed-covers img").all():
        img.scroll_into_view_if_needed()
        assert img.evaluate("el => el.complete && el.naturalWidth > 0"), "broken cover image"
    page.evaluate("window.scrollTo(0, 0)")
    _no_overflow(page)
    page.screenshot(path=os.path.join(ARTIFACTS, "feed-two-column.png"), full_page=True)

    # a cover opens the post; its pictures open full size in the viewer, next / previous, then close
    page.locator(f"#post-{posts[1].pk} .cover-img").click()  # a note with two pictures
    page.wait_for_url(f"**/p/{posts[1].pk}/")
    page.locator("[data-gallery] img").first.click()
    box = page.locator(".lightbox")
    expect(box).to_be_visible()
    expect(box.locator(".lb-count")).to_have_text("1 / 2")
    box.locator(".lb-next").click()
    expect(box.locator(".lb-count")).to_have_text("2 / 2")
    page.screenshot(path=os.path.join(ARTIFACTS, "post-image-viewer.png"))
    page.keyboard.press("Escape")
    expect(box).to_be_hidden()


def test_topic_page(browser_page: Any) -> None:
    from playwright.sync_api import expect

    expect.set_options(timeout=30_000)  # a loaded CI machine

    reader = make_user("读者")
    community = f.community()
    authors = [make_user("小红"), make_user("跑步的阿杰")]
    for u in [reader, *authors]:
        f.add_member(community, u)
    _feed(community, authors)
    page = browser_page
    page.set_default_timeout(60_000)
    page.set_viewport_size({"width": 390, "height": 844})
    browser_login(page, reader, "/")
    # from a post: its topic chip leads to the topic page
    page.goto(f"/p/{Post.objects.get(body__startswith='周末去了').pk}/")
    page.locator(".topic-chip", has_text="#周末探店").click()
    page.wait_for_url("**/t/**")
    expect(page.locator(".topic-name")).to_have_text("#周末探店")
    expect(page.locator(".topic-head")).to_contain_text("3 篇帖子")
    expect(page.locator(".post[data-cover]")).to_have_count(3)
    _no_overflow(page)
    page.screenshot(path=os.path.join(ARTIFACTS, "topic-page.png"), full_page=True)


def test_composer_picks_a_product_card(browser_page: Any) -> None:
    from playwright.sync_api import expect

    expect.set_options(timeout=30_000)  # a loaded CI machine

    kol = make_user("达人小美")
    community = f.community()
    f.add_member(community, kol, role=Role.KOL)
    merchant = f.approved_merchant()
    cream, _sku = f.product_with_sku(merchant, price_fen=12800, title="玫瑰保湿面霜 50ml")
    catalog_services.product_image_add(user=merchant.user, product_id=cream.pk, image=picture(0, (300, 300)))
    f.product_with_sku(merchant, price_fen=6900, title="玫瑰精华水")
    page = browser_page
    page.set_default_timeout(60_000)
    page.set_viewport_size({"width": 390, "height": 844})
    browser_login(page, kol, f"/compose/?c={community.slug}")
    page.fill("textarea[name=body]", "最近爱用的面霜，推荐给干皮姐妹 #好物分享")
    page.fill("#pick-q", "玫瑰")
    results = page.locator("#pick-results .pick-row")
    expect(results).to_have_count(2)
    row = results.filter(has_text="玫瑰保湿面霜")
    expect(row).to_contain_text("¥128.00")
    expect(row).to_contain_text("佣金 ¥15.36")
    row.locator("button").click()
    picked = page.locator("#picked .picked-row")
    expect(picked).to_have_count(1)
    expect(picked.locator("input[name=product_id]")).to_be_checked()
    page.locator("#product-picker").scroll_into_view_if_needed()
    _no_overflow(page)
    page.screenshot(path=os.path.join(ARTIFACTS, "compose-product.png"), full_page=True)
    page.click("form[action='/compose/'] button[type=submit]")
    page.wait_for_url("**/p/*/")
    post = Post.objects.get(author=kol)
    assert list(PostProduct.objects.filter(post=post).values_list("product_id", flat=True)) == [cream.pk]
    expect(page.locator("#post-products")).to_contain_text("玫瑰保湿面霜")
