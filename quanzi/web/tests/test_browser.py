"""The whole member loop in a real browser (Debian's Chromium, headless, through Playwright):
sign up, discover a community, join it, post, comment, like (in place), check in, and a screenshot of the
community page. Skips with a reason when Chromium is missing, fails instead when QUANZI_REQUIRE_BROWSER=1."""

from __future__ import annotations

import os
import re
from typing import Any

import pytest

from conftest import ARTIFACTS, make_user
from quanzi.accounts.models import User
from quanzi.communities.enums import MembershipStatus, Role
from quanzi.communities.models import Community, Membership
from quanzi.communities.services import community_create
from quanzi.content import services as content
from quanzi.content.models import CheckIn, Comment, Post, Reaction

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = "13912345678"
PASSWORD = "run-every-day-5k"
NICK = "晨跑的小满"
POST_TITLE = "第一次跑完五公里"
POST_BODY = "配速七分半，膝盖没疼，明天继续！"
COMMENT = "恭喜！记得跑后拉伸哦"


def _world() -> Community:
    """An owner, a public community and two posts, made through the real services."""
    owner = make_user("林姐")
    community = community_create(owner=owner, name="每天跑五公里", slug="run-fit", vertical="fitness",
                                 tags=["跑步", "打卡"], positioning="一起坚持跑步打卡，分享训练计划和装备心得")
    content.post_create(author=owner, community=community, kind="article", title="新手跑步入门：从三公里开始",
                        body="先跑走结合，每周三次，心率控制在有氧区间。")
    content.post_create(author=owner, community=community, body="今天晨跑遇到好多新朋友，欢迎大家打卡！")
    return community


def _mark_page(page: Any) -> None:
    """A flag on window: it survives HTMX swaps and disappears on any full page load."""
    page.evaluate("window.__sameDocument = true")


def _same_document(page: Any) -> bool:
    return bool(page.evaluate("window.__sameDocument === true"))


def test_member_signs_up_joins_posts_comments_likes_and_checks_in(browser_page: Any) -> None:
    from playwright.sync_api import expect

    page = browser_page
    community = _world()

    # Sign up with a phone number: lands on discover, greeted.
    page.goto("/signup/")
    expect(page.get_by_role("heading", name="注册圈子")).to_be_visible()
    page.fill("input[name=login]", PHONE)
    page.fill("input[name=nickname]", NICK)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="注册").click()
    page.wait_for_url("**/discover/")
    expect(page.get_by_text("注册成功，欢迎来到圈子！")).to_be_visible()
    expect(page.get_by_role("heading", name="发现社群")).to_be_visible()

    # The community is listed on discover, with its member count; open it.
    card = page.locator("article.community-card", has_text="每天跑五公里")
    expect(card).to_be_visible()
    expect(card).to_contain_text("1 位成员")
    card.get_by_role("link", name=re.compile("每天跑五公里")).click()
    page.wait_for_url("**/c/run-fit/")
    expect(page.get_by_role("heading", name="每天跑五公里", level=1)).to_be_visible()
    expect(page.locator("h3.post-title", has_text="新手跑步入门：从三公里开始")).to_be_visible()
    expect(page.locator("#checkin-box")).to_contain_text("加入社群后可以打卡")

    # Join: the button turns into 已加入 and the page refreshes itself to count the new member and offer
    # posting and the check-in form.
    join_box = page.locator(f"#join-{community.pk}")
    join_box.get_by_role("button", name="加入").click()
    expect(page.locator(f"#join-{community.pk}")).to_contain_text("已加入")
    expect(page.locator("#community-header")).to_contain_text("2 位成员")
    expect(page.locator("#checkin-box").get_by_role("button", name="打卡")).to_be_visible()

    # Write a post through the community's compose entry: the community is preselected.
    # (the top bar's compose icon is a "发帖" link too; this is the community's own button)
    page.locator("a.btn.primary", has_text="发帖").click()
    page.wait_for_url("**/compose/?c=run-fit")
    expect(page.locator("select[name=community]")).to_have_value("run-fit")
    page.fill("input[name=title]", POST_TITLE)
    page.fill("textarea[name=body]", POST_BODY)
    page.get_by_role("button", name="发布").click()
    page.wait_for_url(re.compile(r"/p/\d+/$"))
    expect(page.get_by_text("发布成功")).to_be_visible()
    post_id = int(re.search(r"/p/(\d+)/$", page.url).group(1))  # type: ignore[union-attr]

    # The post is in the community feed; open it from there.
    page.goto("/c/run-fit/")
    page.locator(f"#post-{post_id}").get_by_role("link", name=POST_TITLE).click()
    page.wait_for_url(f"**/p/{post_id}/")
    expect(page.get_by_role("heading", name=POST_TITLE)).to_be_visible()
    expect(page.get_by_text(POST_BODY)).to_be_visible()
    expect(page.locator("#comments")).to_contain_text("还没有评论，来说两句吧")

    # Comment (HTMX): the comment appears under the post with the writer's nickname.
    _mark_page(page)
    comments = page.locator("#comments")
    comments.locator("textarea[name=body]").fill(COMMENT)
    comments.get_by_role("button", name="发表").click()
    expect(page.locator("#comments")).to_contain_text(COMMENT)
    expect(page.locator("#comments")).to_contain_text(NICK)
    expect(page.locator("#comments h3")).to_contain_text("1")
    assert _same_document(page)

    # Like (HTMX, in place): the count goes from 0 to 1 and the button shows as pressed, with no reload.
    actions = page.locator(f"#actions-{post_id}")
    like = actions.get_by_role("button", name=re.compile("赞"))
    expect(like.locator(".n")).to_have_text("0")
    expect(like).to_have_attribute("aria-pressed", "false")
    like.click()
    like = page.locator(f"#actions-{post_id}").get_by_role("button", name=re.compile("赞"))
    expect(like.locator(".n")).to_have_text("1")
    expect(like).to_have_attribute("aria-pressed", "true")
    expect(page.locator(f"#actions-{post_id} a[href$='#comments']")).to_have_text("1")  # the comment icon's count
    assert _same_document(page), "liking reloaded the page instead of swapping the buttons in place"

    # Check in on the community page: the streak shows 1 and the button becomes 今日已打卡.
    page.get_by_role("link", name="← 每天跑五公里").click()
    page.wait_for_url("**/c/run-fit/")
    expect(page.locator("#checkin-box")).to_contain_text("已连续打卡 0 天")
    _mark_page(page)
    box = page.locator("#checkin-box")
    box.locator("input[name=note]").fill("晨跑五公里")
    box.get_by_role("button", name="打卡").click()
    expect(page.locator("#checkin-box")).to_contain_text("已连续打卡 1 天")
    expect(page.locator("#checkin-box")).to_contain_text("今日已打卡")
    assert _same_document(page)
    # The member's post leads the feed, with its like and comment counts.
    mine = page.locator(f"#post-{post_id}")
    expect(mine).to_contain_text(POST_TITLE)
    expect(mine.locator(f"#actions-{post_id} a[href$='#comments']")).to_have_text("1")
    expect(mine.get_by_role("button", name=re.compile("赞")).locator(".n")).to_have_text("1")
    assert page.locator("article.post").first.get_attribute("id") == f"post-{post_id}"

    page.reload()
    expect(page.locator("#checkin-box")).to_contain_text("已连续打卡 1 天")
    shot = os.path.join(ARTIFACTS, "community.png")
    page.screenshot(path=shot, full_page=True)
    assert os.path.getsize(shot) > 10_000

    # What the database holds after the clicks.
    me = User.objects.get(phone=PHONE)
    assert me.nickname == NICK
    membership = Membership.objects.get(user=me, community=community)
    assert membership.status == MembershipStatus.ACTIVE and membership.role == Role.MEMBER
    community.refresh_from_db()
    assert community.member_count == 2
    post = Post.objects.get(pk=post_id)
    assert (post.author_id, post.community_id, post.title, post.body, post.status) == (
        me.pk, community.pk, POST_TITLE, POST_BODY, "published")
    assert list(Comment.objects.filter(post=post).values_list("author_id", "body")) == [(me.pk, COMMENT)]
    assert list(Reaction.objects.filter(post=post).values_list("user_id", "kind")) == [(me.pk, "like")]
    assert (post.like_count, post.comment_count) == (1, 1)
    checkin = CheckIn.objects.get(user=me, community=community)
    assert (checkin.streak, checkin.note) == (1, "晨跑五公里")
