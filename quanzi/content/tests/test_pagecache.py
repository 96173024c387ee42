"""Visitors' cached feed pages (core.pagecache on the home and community pages): served from the cache until a
write, never stale after one, never holding one member's data for another, never a visitor's flash message."""

from __future__ import annotations

import re

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpRequest, HttpResponse
from django.test import Client

from quanzi.accounts.services import profile_update
from quanzi.communities.services import community_update
from quanzi.content import services
from quanzi.content.models import Post
from quanzi.content.tests.conftest import fresh

pytestmark = pytest.mark.django_db


def visit(client: Client, path: str = "/") -> tuple[str, str]:
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode(), response.get("X-Page-Cache", "")


def logged_in(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


def test_visitor_home_is_served_from_the_cache_until_a_post_is_written(alice, community):
    services.post_create(author=alice, community=community, body="第一帖")
    html, state = visit(Client())
    assert "第一帖" in html and state == "miss"
    html, state = visit(Client())
    assert "第一帖" in html and state == "hit"
    services.post_create(author=alice, community=community, body="刚写的第二帖")
    html, state = visit(Client())
    assert "刚写的第二帖" in html and state == "miss"


def test_counters_and_moderation_show_at_once(alice, bob, owner, community):
    post = services.post_create(author=alice, community=community, body="会被点赞的帖子")
    visit(Client(), f"/c/{community.slug}/?order=hot")
    assert visit(Client(), f"/c/{community.slug}/?order=hot")[1] == "hit"
    services.reaction_toggle(user=bob, post=post, kind="like")
    html, state = visit(Client(), f"/c/{community.slug}/?order=hot")
    assert state == "miss" and "赞 1" in html.replace("\n", " ").replace("  ", " ")
    services.post_remove(actor=fresh(owner), post=Post.objects.get(pk=post.pk), reason="广告")
    assert "会被点赞的帖子" not in visit(Client())[0]


def test_names_of_authors_and_communities_show_at_once(alice, community):
    services.post_create(author=alice, community=community, body="看名字")
    assert "爱丽丝" in visit(Client())[0]
    visit(Client())
    profile_update(user=fresh(alice), nickname="新名字的爱丽丝")
    community_update(actor=fresh(community.owner), community=community, name="改过名的社群")
    html = visit(Client())[0]
    assert "新名字的爱丽丝" in html and "改过名的社群" in html


def test_members_pages_are_never_cached_nor_shown_to_others(alice, bob, community):
    post = services.post_create(author=alice, community=community, body="大家来点赞")
    services.reaction_toggle(user=bob, post=post, kind="like")
    bob_client = logged_in(fresh(bob))
    bob_html, state = visit(bob_client)
    assert state == "" and 'aria-pressed="true"' in bob_html  # bob's own like, rendered for bob only
    alice_html, state = visit(logged_in(fresh(alice)))
    assert state == "" and 'aria-pressed="true"' not in alice_html and "小波" not in alice_html.split("<main")[0]
    visitor_html, _state = visit(Client())
    assert 'aria-pressed' not in visitor_html and 'id="signup-prompt"' in visitor_html
    assert visit(bob_client)[1] == ""  # bob never gets the visitors' cached page
    assert 'aria-pressed="true"' in visit(bob_client)[0]


def test_a_visitor_with_a_flash_message_gets_a_fresh_page_that_is_not_kept(alice, community):
    services.post_create(author=alice, community=community, body="消息测试")
    storage = CookieStorage(HttpRequest())
    response = HttpResponse()
    storage.add(constants.SUCCESS, "只给这一位访客看的消息")
    storage.update(response)
    with_message = Client()
    with_message.cookies["messages"] = response.cookies["messages"].value
    html, state = visit(with_message)
    assert state == "" and "只给这一位访客看的消息" in html
    html, state = visit(Client())
    assert state == "miss" and "只给这一位访客看的消息" not in html


def test_each_visitor_gets_their_own_csrf_token_from_a_cached_page(alice, community):
    services.post_create(author=alice, community=community, body="表单")
    token = re.compile(r'<meta name="csrf-token" content="([^"]+)">')
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    html_1, state_1 = visit(first)
    html_2, state_2 = visit(second)
    assert (state_1, state_2) == ("miss", "hit")
    token_1, token_2 = token.search(html_1).group(1), token.search(html_2).group(1)  # type: ignore[union-attr]
    assert token_1 != token_2 and token_1 not in html_2 and "__quanzi_csrf_token__" not in html_2
    assert html_2.count(token_2) == 3  # the meta tag, HTMX's header, the language form
    assert "csrftoken" in second.cookies  # the cookie that goes with the token, set on the cached answer
    # the second visitor's token works with their cookie, the first visitor's does not
    ok = second.post("/i18n/setlang/", {"language": "en", "next": "/", "csrfmiddlewaretoken": token_2})
    assert ok.status_code == 302
    refused = second.post("/i18n/setlang/", {"language": "en", "next": "/",
                                             "csrfmiddlewaretoken": "x" * 64})
    assert refused.status_code == 403


def test_a_pending_message_in_the_session_is_not_cached(alice, community):
    services.post_create(author=alice, community=community, body="会话消息")
    visitor = Client()
    session = visitor.session
    session["_messages"] = "x"
    session.save()
    visitor.cookies["sessionid"] = session.session_key
    assert visit(visitor)[1] == ""


def test_members_cached_post_cards_follow_every_change(alice, bob, owner, community):
    # the cards' fragments are cached under what they show: a new name, count or status is a new fragment
    post = services.post_create(author=alice, community=community, body="卡片缓存")
    reader = logged_in(fresh(bob))
    html = visit(reader)[0]
    assert "爱丽丝" in html and 'aria-pressed="true"' not in html
    profile_update(user=fresh(alice), nickname="改名后的作者")
    services.reaction_toggle(user=fresh(bob), post=post, kind="like")
    html = visit(reader)[0]
    assert "改名后的作者" in html and 'aria-pressed="true"' in html and '<span class="n">1</span>' in html
    other = logged_in(fresh(owner))
    assert 'aria-pressed="true"' not in visit(other)[0]  # bob's like is not the owner's
    services.post_remove(actor=fresh(owner), post=Post.objects.get(pk=post.pk), reason="广告")
    assert "卡片缓存" not in visit(reader)[0]
