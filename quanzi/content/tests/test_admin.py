from __future__ import annotations

import pytest
from django.test import Client

from conftest import make_user
from quanzi.communities.models import ModerationAction
from quanzi.content import services
from quanzi.content.enums import PostStatus
from quanzi.content.models import Post, SensitiveWord

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator():  # type: ignore[no-untyped-def]
    user = make_user("运营")
    user.is_staff = user.is_superuser = True
    user.save()
    client = Client()
    client.force_login(user)
    return client


def test_admin_pages_open(operator, alice, community):
    post = services.post_create(author=alice, community=community, body="后台可见")
    for path in ("/admin/content/post/", f"/admin/content/post/{post.pk}/change/", "/admin/content/comment/",
                 "/admin/content/sensitiveword/", "/admin/content/checkin/", "/admin/content/share/",
                 "/admin/content/offlineevent/", "/admin/content/poll/"):
        assert operator.get(path).status_code == 200, path


def test_admin_remove_needs_a_reason_and_audits(operator, alice, community):
    post = services.post_create(author=alice, community=community, body="违规内容")
    r = operator.post("/admin/content/post/", {"action": "remove", "_selected_action": [post.pk], "reason": ""},
                      follow=True)
    assert "请填写理由" in r.content.decode()
    assert Post.objects.get(pk=post.pk).status == PostStatus.PUBLISHED
    operator.post("/admin/content/post/", {"action": "remove", "_selected_action": [post.pk], "reason": "违法广告"})
    post.refresh_from_db()
    assert post.status == PostStatus.REMOVED and post.status_reason == "违法广告"
    assert ModerationAction.objects.filter(target_id=post.pk, reason="违法广告").exists()


def test_admin_approves_held_posts_and_edits_words(operator, alice, community):
    operator.post("/admin/content/sensitiveword/add/", {"word": " 高仿 ", "is_active": "on"})
    assert SensitiveWord.objects.get().word == "高仿"
    post = services.post_create(author=alice, community=community, body="高仿鞋")
    assert post.status == PostStatus.HELD
    operator.post("/admin/content/post/", {"action": "approve", "_selected_action": [post.pk]})
    assert Post.objects.get(pk=post.pk).status == PostStatus.PUBLISHED
