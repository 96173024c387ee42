"""The content calendar: plan, move and publish scheduled posts."""

import pytest
from django.test import Client

from conftest import api_client, make_user
from quanzi.content import selectors, services
from quanzi.content.enums import PostStatus
from quanzi.content.tests.conftest import fresh, join, later, make_community
from quanzi.core.errors import Conflict, InvalidInput, PermissionDenied

pytestmark = pytest.mark.django_db


def _plan(author, community, hours: int, title: str):  # type: ignore[no-untyped-def]
    return services.post_create(author=fresh(author), community=community, kind="article", title=title,
                                body="正文", publish_at=later(hours=hours))


def test_members_see_their_own_plan_and_moderators_the_whole_plan(owner):
    c = make_community(owner)
    a, b = join(make_user("甲"), c), join(make_user("乙"), c)
    pa, pb = _plan(a, c, 5, "甲的文章"), _plan(b, c, 2, "乙的文章")
    assert list(selectors.content_calendar(community=c, viewer=fresh(a))) == [pa]
    assert list(selectors.content_calendar(community=c, viewer=fresh(owner))) == [pb, pa]  # soonest first


def test_reschedule_and_publish_now(owner):
    c = make_community(owner)
    author = join(make_user("作者"), c)
    post = _plan(author, c, 5, "周末活动预告")
    moved = services.post_reschedule(actor=fresh(author), post=post, publish_at=later(days=2))
    assert moved.publish_at > later(days=1) and moved.status == PostStatus.SCHEDULED
    with pytest.raises(InvalidInput):
        services.post_reschedule(actor=fresh(author), post=post, publish_at=later(hours=-1))
    with pytest.raises(PermissionDenied):
        services.post_reschedule(actor=join(make_user("路人"), c), post=post, publish_at=later(days=3))
    services.post_publish_now(actor=fresh(owner), post=post)  # a moderator may publish it early
    post.refresh_from_db()
    c.refresh_from_db()
    assert post.status == PostStatus.PUBLISHED and c.post_count == 1
    assert post in selectors.community_feed(community=c, viewer=None)
    with pytest.raises(Conflict):
        services.post_publish_now(actor=fresh(author), post=post)  # twice does nothing


def test_calendar_page_and_api(owner):
    c = make_community(owner)
    author = join(make_user("作者"), c)
    post = _plan(author, c, 30, "下周直播预告")
    web = Client()
    web.force_login(author)
    html = web.get(f"/c/{c.slug}/calendar/").content.decode()
    assert "下周直播预告" in html and f'action="/p/{post.pk}/reschedule/"' in html
    r = web.post(f"/p/{post.pk}/reschedule/", {"publish_at": "2000-01-01T08:00"})
    assert r.status_code == 302
    post.refresh_from_db()
    assert post.publish_at > later(hours=29)  # a past time is refused, nothing changed
    api = api_client(author)
    body = api.get(f"/api/v1/content/communities/{c.slug}/calendar").json()
    assert body["count"] == 1 and body["items"][0]["id"] == post.pk
    r = api.post(f"/api/v1/content/posts/{post.pk}/publish-now")
    assert r.status_code == 200 and r.json()["status"] == "published"
    assert api_client(make_user("外人")).post(f"/api/v1/content/posts/{post.pk}/publish-now").status_code in (
        403, 409)
    assert Client().get(f"/c/{c.slug}/calendar/").status_code == 302  # visitors are sent to log in
