"""Reporting in a real browser at 390 px (screenshots in test-artifacts/): a member reports a post from the post
page, and the community's owner opens the report in the manage page and follows its link to the post."""

from __future__ import annotations

import os
from typing import Any

import pytest

from conftest import ARTIFACTS, browser_login
from quanzi.communities.models import Report
from quanzi.communities.tests.conftest import make_crew
from quanzi.content import services as content

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_reports_a_post_and_the_owner_follows_the_link(browser_page: Any) -> None:
    from playwright.sync_api import expect

    crew = make_crew()
    post = content.post_create(author=crew.kol, community=crew.community, body="加微信领取免费代购名额，私聊")
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})

    browser_login(page, crew.member, f"/p/{post.pk}/")
    box = page.locator(f'[data-report="post-{post.pk}"]')
    box.locator("summary").click()
    box.locator("select[name=reason]").select_option(label="垃圾广告")
    box.get_by_role("button", name="提交举报").click()
    expect(box.get_by_text("已举报，管理员会尽快处理")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=os.path.join(ARTIFACTS, "report-post-390.png"), full_page=True)
    report = Report.objects.get(community=crew.community)
    assert (report.target_type, report.target_id, report.reason) == ("post", post.pk, "垃圾广告")

    browser_login(page, crew.owner, f"/c/{crew.community.slug}/manage/")
    queue = page.locator("#reports")
    expect(queue.get_by_text("垃圾广告")).to_be_visible()
    queue.locator("[data-report-target]").first.scroll_into_view_if_needed()
    page.screenshot(path=os.path.join(ARTIFACTS, "report-queue-390.png"), full_page=True)
    queue.get_by_role("link", name="查看帖子").click()
    page.wait_for_url(f"**/p/{post.pk}/")
    expect(page.get_by_text("加微信领取免费代购名额")).to_be_visible()
    # the owner acts on it from the post page (removing it is the content app's moderation) and closes the report
    page.goto(f"/c/{crew.community.slug}/manage/")
    page.locator(f"#report-{report.pk} input[name=note]").fill("已删除该帖")
    page.locator(f"#report-{report.pk}").get_by_role("button", name="已处理").click()
    expect(page.locator(f"#report-{report.pk}").get_by_text("举报已处理")).to_be_visible()
    report.refresh_from_db()
    assert report.status == "resolved"
