"""Search (quanzi/core/search.py, web/search_views.py): Chinese partial matching over posts, products and
communities, with a tab per kind. 跑步 finds posts and products with 跑步 inside a longer word first, then those
with part of it (晨跑, 跑鞋); hidden, removed and scheduled posts, posts of a community the reader may not see and
off-shelf products never appear."""

from __future__ import annotations

import threading

import pytest
from django.test import Client

from conftest import make_user
from quanzi.catalog import selectors as catalog_selectors
from quanzi.catalog import services as catalog_services
from quanzi.catalog.tests import factories as f
from quanzi.communities.enums import Visibility
from quanzi.content import selectors as content_selectors
from quanzi.content import services as content_services
from quanzi.content.enums import PostKind
from quanzi.content.tests.conftest import fresh, join, later, make_community
from quanzi.core.search import search_plan, warm_up

pytestmark = pytest.mark.django_db


def note(author, community, body, **kw):  # type: ignore[no-untyped-def]
    return content_services.post_create(author=author, community=community, kind=PostKind.NOTE, body=body, **kw)


def test_the_plan_keeps_words_and_their_characters():
    plan = search_plan("跑步")
    assert (plan.terms, plan.chars, plan.min_chars) == (("跑步",), ("跑", "步"), 1)
    plan = search_plan("母婴推荐")
    assert plan.terms == ("母婴", "推荐", "母婴推荐") and plan.chars == ("母", "婴", "推", "荐")
    assert plan.min_chars == 2  # a row with no whole word needs half of the characters
    assert search_plan("猫").chars == ()  # one character: nothing partial about it
    assert "的" not in search_plan("我的跑步").chars  # function characters never count alone
    assert search_plan("？！").terms == ()


@pytest.fixture
def world():  # type: ignore[no-untyped-def]
    owner = make_user("群主")
    run = make_community(owner, name="每天跑五公里")
    other = make_community(owner, name="美食日记")
    secret = make_community(owner, name="私密跑团", visibility=Visibility.INVITE)
    runner = join(make_user("跑者"), run)
    inside = note(runner, run, "新买的跑步机到了，坡度很好用")
    partial = note(runner, run, "今天晨跑打卡，配速六分")
    unrelated = note(runner, run, "减脂餐分享：鸡胸肉沙拉")
    cook = join(make_user("厨子"), other)
    note(cook, other, "红烧肉的做法")
    secret_post = note(fresh(owner), secret, "私密跑步路线")
    removed = note(runner, run, "跑步鞋转让")
    content_services.post_remove(actor=fresh(owner), post=removed, reason="广告")
    scheduled = note(runner, run, "明天的跑步计划", publish_at=later(hours=2))
    m = f.approved_merchant()
    jacket, _s = f.product_with_sku(m, title="防风跑步夹克")
    shoes, _s = f.product_with_sku(m, title="缓震跑鞋 Pro")
    f.product_with_sku(m, title="保湿面霜")
    tagged, _s = f.product_with_sku(m, title="运动腰包", tags=["跑步", "马拉松"])
    off, _s = f.product_with_sku(m, title="跑步手臂包", on_shelf=False)
    return {"owner": owner, "run": run, "secret": secret, "inside": inside, "partial": partial,
            "unrelated": unrelated, "secret_post": secret_post, "removed": removed, "scheduled": scheduled,
            "jacket": jacket, "shoes": shoes, "tagged": tagged, "off": off, "merchant": m}


def test_posts_with_the_word_inside_a_longer_one_first_then_partial_matches(world):  # type: ignore[no-untyped-def]
    found = [p.pk for p in content_selectors.search_posts(q="跑步", viewer=None)]
    assert found == [world["inside"].pk, world["partial"].pk]  # 跑步机, then 晨跑; not 减脂餐, removed, scheduled
    # a private community's posts only for its members (the owner is one)
    member_found = [p.pk for p in content_selectors.search_posts(q="跑步", viewer=fresh(world["owner"]))]
    assert world["secret_post"].pk in member_found[:3] and world["removed"].pk not in member_found
    assert world["scheduled"].pk not in member_found
    # a whole word the text does not contain, and no half of the characters: nothing
    assert list(content_selectors.search_posts(q="瑜伽", viewer=None)) == []


def test_products_by_title_and_tags_never_off_shelf_or_of_a_suspended_merchant(world):  # type: ignore[no-untyped-def]
    found = [p.pk for p in catalog_selectors.product_search(q="跑步")]
    assert set(found[:2]) == {world["jacket"].pk, world["tagged"].pk}  # whole word in the title or a tag
    assert found[2:] == [world["shoes"].pk]  # 跑鞋: a partial match, after them
    assert world["off"].pk not in found
    catalog_services.merchant_suspend(operator=f.operator(), merchant_id=world["merchant"].pk, reason="违规")
    assert list(catalog_selectors.product_search(q="跑步")) == []


def test_search_page_tabs_filter_the_kinds(world):  # type: ignore[no-untyped-def]
    c = Client()
    html = c.get("/search/", {"q": "跑步"}).content.decode()
    assert "新买的跑步机到了" in html and "防风跑步夹克" in html and "每天跑五公里" in html
    assert "私密跑步路线" not in html and "跑步鞋转让" not in html and "跑步手臂包" not in html
    assert 'aria-current="page" data-tab="all"' in html

    posts = c.get("/search/", {"q": "跑步", "tab": "posts"}).content.decode()
    assert "新买的跑步机到了" in posts and "今天晨跑打卡" in posts
    assert "防风跑步夹克" not in posts and "每天跑五公里</strong>" not in posts
    products = c.get("/search/", {"q": "跑步", "tab": "products"}).content.decode()
    assert "防风跑步夹克" in products and "缓震跑鞋 Pro" in products and "新买的跑步机到了" not in products
    communities = c.get("/search/", {"q": "跑步", "tab": "communities"}).content.decode()
    assert "每天跑五公里" in communities and "防风跑步夹克" not in communities
    assert "新买的跑步机到了" not in communities

    assert 'data-tab="all"' in c.get("/search/", {"q": "跑步", "tab": "nonsense"}).content.decode()
    empty = c.get("/search/", {"q": "火星探险"}).content.decode()
    assert "没有找到与「火星探险」相关的内容" in empty
    assert c.get("/search/").status_code == 200


def test_the_dictionary_loads_in_the_background_at_start():
    import jieba

    thread = warm_up()
    assert isinstance(thread, threading.Thread) and thread.daemon
    thread.join(timeout=60)
    assert jieba.dt.initialized
