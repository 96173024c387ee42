"""Walk the site as each demo role, following the links the pages show: no page may fail (5xx)."""

import re
from collections import deque

import pytest
from django.test import Client

from quanzi.accounts.models import User

pytestmark = pytest.mark.django_db

HREF = re.compile(r'href="(/[^"#]*)"')
SKIP = ("/logout/", "/admin/", "/static/", "/media/", "/api/", "/i18n/")


def _crawl(client: Client, start: list[str], limit: int) -> dict[str, int]:
    seen: dict[str, int] = {}
    queue = deque(start)
    while queue and len(seen) < limit:
        url = queue.popleft()
        if url in seen or url.startswith(SKIP):
            continue
        r = client.get(url)
        seen[url] = r.status_code
        if r.status_code == 200 and "text/html" in r.get("Content-Type", ""):
            for href in HREF.findall(r.content.decode()):
                href = href.replace("&amp;", "&")
                if href not in seen and not href.startswith(SKIP):
                    queue.append(href)
    return seen


def test_no_page_a_demo_user_can_reach_fails():
    from quanzi.web.demo.build import build

    world = build(members=30, posts=40, orders=20, log=lambda _line: None)
    start = ["/", "/discover/", "/shop/", "/search/?q=跑步", "/my/communities/", "/orders/", "/cart/",
             "/aftersales/", "/shop/merchant/", "/merchant/settlements/", "/ops/settlements/", "/notifications/",
             "/coupons/", "/coupons/mine/", "/flashsale/", "/groupbuy/mine/", "/groupbuy/manage/", "/flashsale/manage/",
             "/coupons/merchant/"]
    failures = {}
    visited = 0
    for login in world.logins:
        client = Client()
        client.force_login(User.objects.get(phone=login.login))
        seen = _crawl(client, start, limit=120)
        visited += len(seen)
        failures.update({f"{login.role} {url}": code for url, code in seen.items() if code >= 500})
    anonymous = _crawl(Client(), ["/", "/discover/", "/shop/"], limit=80)
    failures.update({f"anonymous {url}": code for url, code in anonymous.items() if code >= 500})
    assert not failures
    assert visited > 300
