"""The task pages in a real browser at phone width (390 px, Chromium through Playwright): the task centre with
progress bars and a claim button that pays; the check-in calendar of a member on a 6-day streak who checks in and
gets the day-7 reward; badges on the profile. Nothing is wider than the screen. Screenshots in test-artifacts/
(tasks-*.png)."""

from __future__ import annotations

import datetime as dt
import importlib
import os
from typing import Any

import pytest

from conftest import ARTIFACTS, browser_login, make_user
from quanzi.content import services as content_services
from quanzi.core.timeutil import local_today
from quanzi.loyalty.tasks import services
from quanzi.loyalty.tasks.models import CheckinReward, Task, TaskClaim
from quanzi.loyalty.tasks.tests.helpers import Recorder, at, community, frozen, join

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page: Any) -> None:
    wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > 391)
        .map(e => e.tagName + '.' + e.className + '#' + e.id + ' ' + Math.round(e.getBoundingClientRect().right))
        .slice(0, 8)""")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, wide


def test_task_centre_checkin_streak_and_badges_at_phone_width(browser_page: Any, points: Recorder) -> None:
    # a transactional test runs after others that emptied the tables: the seeded tasks, badges and check-in table
    # come back the way the migration put them there (idempotent)
    from django.apps import apps as django_apps
    from playwright.sync_api import expect

    importlib.import_module("quanzi.loyalty.tasks.migrations.0002_seed").seed(django_apps, None)
    owner, member = make_user("群主"), make_user("小美")
    group = community(owner, "早起打卡团")
    join(member, group)  # the join task is done (its hook ran after the commit)
    today = local_today()
    for back in range(6, 0, -1):  # a 6-day streak up to yesterday
        d = today - dt.timedelta(days=back)
        with frozen(at(d.year, d.month, d.day)):
            content_services.checkin(user=member, community=group)
    services.task_progress(user_id=member.pk, trigger="invite_first_order", key="invite:1")
    assert points.total(member.pk) == 5 + 10  # the streak's day-1 and day-3 rewards
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})

    browser_login(page, member, "/tasks/")
    join_task = Task.objects.get(code="join_community")
    expect(page.locator(f"#task-{join_task.pk}")).to_have_attribute("data-state", "claimable")
    expect(page.locator("#section-weekly")).to_be_visible()
    _fits(page)
    page.screenshot(path=os.path.join(ARTIFACTS, "tasks-centre.png"), full_page=True)
    page.click(f"[data-claim='{join_task.pk}']")
    page.wait_for_url("**/tasks/**")
    expect(page.locator(f"#task-{join_task.pk}")).to_have_attribute("data-state", "claimed")
    assert TaskClaim.objects.filter(user=member, task=join_task).count() == 1 and points.total(member.pk) == 15 + 20

    url = f"/tasks/checkin/{group.pk}/"
    page.goto(url)
    expect(page.locator("#checkin-count")).to_have_text("6")
    expect(page.locator("#today-offer")).to_contain_text("+30")
    _fits(page)
    page.screenshot(path=os.path.join(ARTIFACTS, "tasks-checkin-before.png"), full_page=True)
    page.click("#checkin-button")
    page.wait_for_url(f"**{url}")
    expect(page.locator("#checkin-hero")).to_have_attribute("data-checked", "1")
    expect(page.locator("#today-reward")).to_contain_text("+30")
    expect(page.locator("[data-day='7']")).to_have_class("tk-step tk-reached")
    _fits(page)
    page.screenshot(path=os.path.join(ARTIFACTS, "tasks-checkin-day7.png"), full_page=True)
    assert CheckinReward.objects.get(user=member, community=group, day=today).count == 7

    page.goto(f"/u/{member.pk}/")
    expect(page.locator("[data-badge='streak_7']")).to_be_visible()
    _fits(page)
    page.screenshot(path=os.path.join(ARTIFACTS, "tasks-profile-badges.png"), full_page=True)
