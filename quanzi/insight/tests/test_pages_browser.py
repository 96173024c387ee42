"""The community dashboard in a real browser at phone width (390 px, Debian's Chromium through Playwright): the
owner opens it, filters a date range, and the daily-active chart renders (ECharts from our static file).
Screenshot in test-artifacts/insight-community.png."""

from __future__ import annotations

import os
from typing import Any

import pytest

from conftest import ARTIFACTS, browser_login
from quanzi.catalog.tests import factories as f
from quanzi.insight.tests.helpers import ev, put

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_owner_filters_the_community_dashboard_and_a_chart_renders(browser_page: Any, lake_root: Any) -> None:
    from playwright.sync_api import expect

    c = f.community()
    put(lake_root, "events", [ev("post.view", u, f"2026-11-{d:02d}", community_id=c.pk)
                              for d in range(1, 11) for u in range(1, 2 + d % 4)])
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    browser_login(page, c.owner, f"/insight/c/{c.pk}/")
    page.fill("input[name=from]", "2026-11-03")
    page.fill("input[name=to]", "2026-11-08")
    page.click("#board-filter button[type=submit]")
    page.wait_for_url("**from=2026-11-03**")
    chart = page.locator("#chart-dau")
    expect(chart).to_have_attribute("data-ready", "1")
    expect(chart.locator("svg")).to_have_count(1)
    expect(page.locator("#panel-dau")).to_contain_text("每天至少有一条行为事件")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    chart.scroll_into_view_if_needed()
    page.screenshot(path=os.path.join(ARTIFACTS, "insight-community.png"), full_page=False)
    # the chart draws the filtered days only (ECharts may skip axis labels for room; its data is exact)
    days = page.evaluate("""() => JSON.parse(document.getElementById('dau').textContent).x""")
    assert days == [f"2026-11-{d:02d}" for d in range(3, 9)]
    labels = page.evaluate("""() => [...document.querySelectorAll('#chart-dau svg text')].map(t => t.textContent)""")
    assert "2026-11-03" in labels and "2026-11-02" not in labels
