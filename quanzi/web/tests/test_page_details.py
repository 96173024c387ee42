"""Details every page shares: the favicon, icons that need no emoji font, HTMX buttons with a loading state, counts
that follow an action, and state buttons that say what they are (joined) apart from what they do (leave)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from conftest import make_user
from quanzi.communities.tests.conftest import new_community

pytestmark = pytest.mark.django_db
STATIC = Path(settings.BASE_DIR) / "quanzi" / "static"


def test_favicon_is_linked_and_served():
    html = Client().get("/discover/").content.decode()
    assert 'rel="icon" href="/static/favicon.svg"' in html and "/static/js/busy.js" in html
    r = Client().get("/favicon.ico")
    assert r.status_code == 301 and r["Location"] == "/static/favicon.ico"
    assert (STATIC / "favicon.ico").read_bytes()[:4] == b"\x00\x00\x01\x00"  # a real .ico file
    assert (STATIC / "favicon.svg").read_text().startswith("<svg")


def test_nav_and_action_icons_are_inline_svg_not_emoji():
    user = make_user("读者")
    c = Client()
    c.force_login(user)
    html = c.get("/discover/").content.decode()
    assert "🔔" not in html and "＋" not in html and 'class="icon"' in html


def test_following_updates_the_counts_and_joined_is_not_a_leave_button():
    me, star = make_user("我"), make_user("博主")
    c = Client()
    c.force_login(me)
    r = c.post(f"/u/{star.pk}/follow/", HTTP_HX_REQUEST="true").content.decode()
    assert f'id="follow-counts-{star.pk}" hx-swap-oob="true"' in r and "1 粉丝" in r
    assert "hx-confirm" in r  # unfollowing asks first
    community = new_community(name="跑步圈")
    joined = c.post(f"/c/{community.slug}/join/", HTTP_HX_REQUEST="true").content.decode()
    assert 'class="btn joined"' in joined and "退出圈子" in joined and 'class="btn on"' not in joined
