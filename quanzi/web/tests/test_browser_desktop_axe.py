"""The desktop layout and an automated accessibility scan, in a real browser (issue #14, items 11 and 12).

- At 1280 px the bottom tab bar is a left rail with labels, the content a column of bounded width beside it, and a
  community's panels a right column; at 390 px the phone layout is the one it always was (tab bar at the bottom,
  nothing wider than the screen). Screenshots: test-artifacts/desktop-{home,community,post}.png, phone-home.png.
- axe-core (vendored, quanzi/web/tests/vendor/README.md) is injected into the home feed, a community, a post, a
  product, the cart, an unpaid order, the cashier and the merchant console at 390 and 1280 px; any `critical` or `serious`
  violation fails the test, and each page's full results are written to test-artifacts/axe-<page>.json."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from conftest import ARTIFACTS, browser_login, make_user
from quanzi.catalog.tests import factories as f
from quanzi.communities.services import community_create, community_join
from quanzi.content import services as content
from quanzi.orders import services as orders
from quanzi.orders.tests.helpers import place

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
BLOCKING = ("critical", "serious")


def _jpeg(name: str, rgb: tuple[int, int, int]) -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (640, 480), rgb).save(buf, "JPEG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/jpeg")


def _world() -> dict[str, Any]:
    """A community with posts (one with pictures and a product card), a merchant's product, a member with the
    product in the cart and an unpaid order (its page holds the cashier), and a paid order for the console."""
    owner = make_user("林姐")
    community = community_create(owner=owner, name="每天跑五公里", slug="run-fit", vertical="fitness",
                                 tags=["跑步", "打卡"], positioning="一起坚持跑步打卡，分享训练计划和装备心得")
    community_create(owner=owner, name="周末徒步", slug="hike", vertical="fitness", positioning="城市周边的轻徒步路线")
    member = make_user("晨跑的小满")
    community_join(user=member, community=community)
    merchant = f.approved_merchant()
    product, sku = f.product_with_sku(merchant, price_fen=12900, stock=50, title="轻量缓震跑鞋")
    post = content.post_create(author=owner, community=community, kind="article", title="新手跑步入门：从三公里开始",
                               body="先跑走结合，每周三次，心率控制在有氧区间。\n跑后记得拉伸十分钟。",
                               images=[_jpeg("a.jpg", (226, 72, 61)), _jpeg("b.jpg", (60, 130, 200))])
    for i in range(5):
        content.post_create(author=member if i % 2 else owner, community=community,
                            title=f"第 {i + 1} 周打卡" if i % 2 else "",
                            body=f"今天晨跑 {3 + i} 公里，配速七分半，膝盖没疼，明天继续！")
    orders.cart_add(user=member, sku_id=sku.pk, quantity=1)
    checkout = place(member, [(sku.pk, 2)])
    unpaid = checkout.orders.get()
    paid = place(make_user("买家"), [(sku.pk, 1)]).orders.get()
    orders.order_mark_paid(order_id=paid.pk, amount_fen=paid.payable_fen, payment_ref=f"b{paid.pk}")
    return {"community": community, "member": member, "merchant": merchant, "product": product, "post": post,
            "unpaid": unpaid, "checkout": checkout}


def _settle(page: Any, url: str) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")


def _no_sideways_scroll(page: Any, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def _box(page: Any, selector: str) -> dict[str, float]:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, f"{selector} is not rendered"
    return box


def test_desktop_layout_and_phone_layout(browser_page: Any) -> None:
    from playwright.sync_api import expect

    page = browser_page
    w = _world()
    browser_login(page, w["member"], "/")

    # Phone: the tab bar along the bottom edge, the page no wider than the screen.
    page.set_viewport_size(PHONE)
    _settle(page, "/")
    bar = _box(page, "nav.tabbar")
    assert bar["y"] + bar["height"] == pytest.approx(PHONE["height"], abs=1)
    assert bar["width"] == pytest.approx(PHONE["width"], abs=1)
    _no_sideways_scroll(page, PHONE["width"])
    page.screenshot(path=os.path.join(ARTIFACTS, "phone-home.png"))

    # Desktop: the tab bar is a left rail with labels (the compose button too), the content a bounded column
    # beside it, not the phone layout stretched.
    page.set_viewport_size(DESKTOP)
    _settle(page, "/")
    rail = _box(page, "nav.tabbar")
    assert rail["x"] == 0 and rail["height"] > rail["width"] and 160 <= rail["width"] <= 260
    expect(page.locator("nav.tabbar a.compose")).to_contain_text("发帖")
    main = _box(page, "main.page")
    assert main["x"] >= rail["x"] + rail["width"], "content under the rail"
    assert main["width"] <= 1120
    feed = _box(page, ".with-side > .main-col")
    assert feed["width"] <= 760, "a feed column wider than reads well"
    _no_sideways_scroll(page, DESKTOP["width"])
    page.screenshot(path=os.path.join(ARTIFACTS, "desktop-home.png"))

    # A like on the desktop feed updates its count in place (item 12: counts that follow the action).
    first = page.locator("article.post").first
    first.locator("button[aria-pressed]", has_text="赞").click()
    expect(first.locator("button[aria-pressed=true]", has_text="赞").locator(".n")).to_have_text("1")

    # Discover: the community cards share the width in two columns.
    _settle(page, "/discover/")
    cards = page.locator("article.community-card")
    expect(cards).to_have_count(2)
    left, right = cards.nth(0).bounding_box(), cards.nth(1).bounding_box()
    assert left and right and right["x"] > left["x"] + left["width"] and abs(right["y"] - left["y"]) < 2

    # A community: its panels (check-in here) in a right column beside the feed.
    _settle(page, f"/c/{w['community'].slug}/")
    feed, side = _box(page, ".with-side > .main-col"), _box(page, ".with-side > .side")
    assert side["x"] >= feed["x"] + feed["width"] and abs(side["y"] - feed["y"]) < 2
    _no_sideways_scroll(page, DESKTOP["width"])
    page.screenshot(path=os.path.join(ARTIFACTS, "desktop-community.png"))

    # The same community on a phone: panels above the feed in one column, as before.
    page.set_viewport_size(PHONE)
    _settle(page, f"/c/{w['community'].slug}/")
    feed, side = _box(page, ".with-side > .main-col"), _box(page, ".with-side > .side")
    assert side["y"] + side["height"] <= feed["y"] + 1 and feed["width"] == pytest.approx(side["width"], abs=1)
    _no_sideways_scroll(page, PHONE["width"])

    page.set_viewport_size(DESKTOP)
    _settle(page, f"/p/{w['post'].pk}/")
    _no_sideways_scroll(page, DESKTOP["width"])
    page.screenshot(path=os.path.join(ARTIFACTS, "desktop-post.png"))


def _axe(page: Any) -> dict[str, Any]:
    return dict(page.evaluate("""() => axe.run(document, {resultTypes: ['violations']})"""))


def _summary(violations: list[dict[str, Any]]) -> list[str]:
    return [f"{v['impact']} {v['id']}: {v['help']} — " + "; ".join(n["target"][0] if isinstance(n["target"][0], str)
            else str(n["target"][0]) for n in v["nodes"][:4]) for v in violations]


def test_axe_scan_has_no_critical_or_serious_violations(browser_page: Any) -> None:
    page = browser_page
    w = _world()
    pages = [
        ("home", w["member"], "/"),
        ("community", w["member"], f"/c/{w['community'].slug}/"),
        ("post", w["member"], f"/p/{w['post'].pk}/"),
        ("product", w["member"], f"/shop/p/{w['product'].pk}/"),
        ("cart", w["member"], "/cart/"),
        ("order", w["member"], f"/orders/{w['unpaid'].pk}/"),  # the unpaid order's page, with its pay block
        ("cashier", w["member"], f"/cashier/{w['checkout'].pk}/"),  # the checkout's cashier (quanzi/web/urls.py)
        ("merchant-console", w["merchant"].user, "/shop/merchant/"),
    ]
    # An init script, not a <script> tag: the pages' Content-Security-Policy (script-src 'self') refuses inline
    # scripts, and axe must see the page exactly as it is served.
    page.add_init_script(path=str(AXE))
    failures: list[str] = []
    signed_in = None
    for name, user, url in pages:
        if user != signed_in:
            browser_login(page, user, "/")
            signed_in = user
        results: dict[str, Any] = {"url": url}
        for size in (PHONE, DESKTOP):
            page.set_viewport_size(size)
            _settle(page, url)
            assert page.url.endswith(url), f"{name}: landed on {page.url}"
            found = _axe(page)
            page.screenshot(path=os.path.join(ARTIFACTS, f"axe-{name}-{size['width']}.png"))
            results[str(size["width"])] = found
            blocking = [v for v in found["violations"] if v["impact"] in BLOCKING]
            failures += [f"{name} @{size['width']}px: {line}" for line in _summary(blocking)]
        with open(os.path.join(ARTIFACTS, f"axe-{name}.json"), "w", encoding="utf-8") as out:
            json.dump(results, out, ensure_ascii=False, indent=1)
    assert not failures, "axe found critical/serious violations:\n" + "\n".join(failures)
