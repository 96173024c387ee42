"""@mentions tell the members named (content records whom; notify tells them): in posts when published and in
comments when visible, never the author, never an unknown name, never across a block, at most 10 per text."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import make_user
from quanzi.accounts.models import Notification
from quanzi.catalog.tests import factories as f
from quanzi.chat.services import block
from quanzi.content.models import Post
from quanzi.content.services import comment_approve, comment_create, post_approve, post_create

pytestmark = pytest.mark.django_db


def _mentions(user: Any) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, kind="mention").order_by("pk"))


def test_a_comment_mention_tells_the_member_with_a_link_to_the_comment(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    author, named, writer = make_user("楼主"), make_user("小红"), make_user("评论者")
    c = f.community(author)
    f.add_member(c, named)
    f.add_member(c, writer)
    with django_capture_on_commit_callbacks(execute=True):
        post = post_create(author=author, community=c, title="周末探店", body="去了一家咖啡馆")
        comment = comment_create(author=writer, post=post, body="@小红 你也来看看，@评论者 @查无此人")
    (notice,) = _mentions(named)
    assert notice.url == f"/p/{post.pk}/#c{comment.pk}" and notice.actor_id == writer.pk
    assert notice.display_text == "评论者 在「周末探店」中提到了你"
    assert _mentions(writer) == []  # self-mention


def test_blocks_stop_mentions_both_ways(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    author, blocker, blocked_by_author = make_user("作者"), make_user("拉黑者"), make_user("被拉黑")
    c = f.community(author)
    f.add_member(c, blocker)
    f.add_member(c, blocked_by_author)
    block(user=blocker, target_id=author.pk)
    block(user=author, target_id=blocked_by_author.pk)
    with django_capture_on_commit_callbacks(execute=True):
        post_create(author=author, community=c, body="@拉黑者 @被拉黑 看这里")
    assert _mentions(blocker) == [] and _mentions(blocked_by_author) == []


def test_at_most_ten_members_are_told_per_text(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    author = make_user("点名的人")
    c = f.community(author)
    people = [make_user(f"成员{i:02d}") for i in range(12)]
    for p in people:
        f.add_member(c, p)
    with django_capture_on_commit_callbacks(execute=True):
        post_create(author=author, community=c, body=" ".join(f"@{p.nickname}" for p in people))
    told = [p for p in people if _mentions(p)]
    assert told == people[:10]


def test_held_texts_tell_only_once_they_pass_review(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    from quanzi.content.services import sensitive_word_create

    operator = f.operator()
    sensitive_word_create(actor=operator, word="违禁")
    author, named = make_user("发帖人"), make_user("被提到")
    c = f.community(author)
    f.add_member(c, named)
    with django_capture_on_commit_callbacks(execute=True):
        post = post_create(author=author, community=c, body="@被提到 违禁 内容")
    assert post.status == "held" and _mentions(named) == []
    with django_capture_on_commit_callbacks(execute=True):
        post_approve(actor=operator, post=Post.objects.get(pk=post.pk))
    assert len(_mentions(named)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        comment = comment_create(author=author, post=Post.objects.get(pk=post.pk), body="违禁 @被提到")
    assert comment.status == "held" and len(_mentions(named)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        comment_approve(actor=operator, comment=comment)
    assert len(_mentions(named)) == 2
