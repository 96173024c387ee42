"""The pages: the task centre with a claim button that pays once, the check-in page (check in there, the reward
shows), the community page's panel, badges on the profile and next to names on the post page."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from conftest import make_user
from quanzi.content import services as content_services
from quanzi.content.enums import PostKind
from quanzi.loyalty.tasks import services
from quanzi.loyalty.tasks.models import CheckinReward, Task, TaskClaim
from quanzi.loyalty.tasks.tests.helpers import Recorder, join

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_task_centre_and_claim(member: Any, points: Recorder) -> None:
    assert Client().get("/tasks/").status_code == 302
    c = _client(member)
    services.task_progress(user_id=member.pk, trigger="invite_first_order", key="invite:8")
    task = Task.objects.get(code="invite_one")
    page = c.get("/tasks/").content.decode()
    for section in ("section-novice", "section-daily", "section-weekly", "section-invite"):
        assert section in page
    assert f'data-claim="{task.pk}"' in page
    r = c.post(f"/tasks/{task.pk}/claim/", follow=True)
    assert "奖励已发放" in r.content.decode()
    r = c.post(f"/tasks/{task.pk}/claim/", follow=True)
    assert "已经领过了" in r.content.decode()
    assert TaskClaim.objects.count() == 1 and points.total(member.pk) == 100


def test_check_in_on_the_checkin_page(member: Any, group: Any, points: Recorder,
                                      django_capture_on_commit_callbacks: Any) -> None:
    c = _client(member)
    page = c.get(f"/tasks/checkin/{group.pk}/").content.decode()
    assert 'id="checkin-form"' in page and 'id="reward-table"' in page and 'id="today-offer"' in page
    with django_capture_on_commit_callbacks(execute=True):
        r = c.post(f"/tasks/checkin/{group.pk}/", {"note": "早起"})
    assert r.status_code == 302
    page = c.get(f"/tasks/checkin/{group.pk}/").content.decode()
    assert 'id="today-reward"' in page and 'id="checkin-form"' not in page and "data-checked=" in page
    assert CheckinReward.objects.filter(user=member, community=group).count() == 1
    r = c.post(f"/tasks/checkin/{group.pk}/reward/", follow=True)
    assert "已经发过了" in r.content.decode()
    assert points.total(member.pk) == 5
    # the community page loads the strip after the page
    assert f'hx-get="/tasks/checkin/{group.pk}/strip/"' in c.get(f"/c/{group.slug}/").content.decode()
    strip = c.get(f"/tasks/checkin/{group.pk}/strip/").content.decode()
    assert 'id="checkin-rewards-panel"' in strip and "第 1 天" in strip
    assert _client(member).get("/tasks/checkin/999999/").status_code == 404


def test_badges_on_the_profile_and_next_to_names(member: Any, group: Any, owner: Any) -> None:
    services.badge_award(user_id=member.pk, code="streak_7", key="streak:x")
    page = Client().get(f"/u/{member.pk}/").content.decode()
    assert 'data-badge="streak_7"' in page
    asker = make_user("提问的")
    join(asker, group)
    q = content_services.post_create(author=member, community=group, kind=PostKind.QUESTION, title="问个问题")
    content_services.comment_create(author=member, post=q, body="自问自答")
    page = _client(asker).get(f"/p/{q.pk}/").content.decode()
    assert page.count('class="name-badge"') == 2  # the author line and the answer
    # someone without badges: no badges section on their profile for visitors
    assert 'id="badges"' not in Client().get(f"/u/{asker.pk}/").content.decode()
