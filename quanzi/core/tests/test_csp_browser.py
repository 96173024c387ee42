"""The Content-Security-Policy in a real browser (Debian's Chromium at 390 px): htmx loads and works, and the page
behaviours that used to be inline handlers (js/behaviours.js) still work — showing the poll fields when the post
kind changes, asking before deleting a post, switching the language from the footer select — with not one CSP
violation reported by the browser. Screenshot: test-artifacts/csp-compose.png."""

from __future__ import annotations

import os
from typing import Any

import pytest

from conftest import ARTIFACTS, browser_login, make_user
from quanzi.catalog.tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WATCH = """window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"""


def _violations(page: Any) -> list[str]:
    return list(page.evaluate("window.__csp || []"))


def test_htmx_and_page_behaviours_work_under_the_csp(browser_page: Any) -> None:
    from playwright.sync_api import expect

    member = make_user("会员")
    community = f.community()
    f.add_member(community, member)
    post = f.post(community, member)
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    page.add_init_script(WATCH)
    console: list[str] = []
    page.on("console", lambda msg: console.append(msg.text) if "Content Security Policy" in msg.text else None)

    browser_login(page, member, f"/p/{post.pk}/")
    assert page.evaluate("typeof window.htmx") == "object"
    # data-confirm: dismissing the question keeps the post
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.click("form[data-confirm] button[type=submit]")
    page.wait_for_timeout(300)
    assert page.url.endswith(f"/p/{post.pk}/")
    assert _violations(page) == []

    page.goto("/compose/")
    poll = page.locator("fieldset[data-kind=poll]")
    expect(poll).to_be_hidden()
    page.select_option("select#kind", "poll")
    expect(poll).to_be_visible()
    page.screenshot(path=os.path.join(ARTIFACTS, "csp-compose.png"), full_page=True)
    assert _violations(page) == []

    page.select_option("select[name=language]", "en")  # data-autosubmit: the form posts, the page comes back
    page.wait_for_load_state("load")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert _violations(page) == [] and console == []
