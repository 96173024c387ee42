"""Notifications and status reasons are shown in the reader's language, not in the actor's: an English-browsing
member replying to a Chinese member's comment sends a message id and its parameters, which the Chinese reader
reads in Chinese (page and API) and an English reader in English."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from conftest import api_client, make_user
from quanzi.accounts.models import Notification
from quanzi.catalog.tests import factories as f
from quanzi.content import services
from quanzi.content.enums import CommentStatus
from quanzi.content.models import Comment, SensitiveWord

pytestmark = pytest.mark.django_db

ZH = "Tom 回复了你：Nice one!"
EN = "Tom replied to you: Nice one!"


def _page(user, lang: str) -> str:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c.get("/notifications/", HTTP_ACCEPT_LANGUAGE=lang).content.decode()


def _api_texts(user, lang: str) -> list[str]:  # type: ignore[no-untyped-def]
    body = api_client(user).get("/api/v1/accounts/notifications", HTTP_ACCEPT_LANGUAGE=lang).json()
    return [n["text"] for n in body["items"]]


def test_an_english_reply_reaches_a_chinese_reader_in_chinese() -> None:
    reader, tom = make_user("小红"), make_user("Tom")
    c = f.community(reader)
    f.add_member(c, tom)
    post = f.post(c, reader)
    comment = services.comment_create(author=reader, post=post, body="大家觉得怎么样？")

    r = api_client(tom).post(f"/api/v1/content/posts/{post.pk}/comments",
                             {"body": "Nice one!", "parent_id": comment.pk}, content_type="application/json",
                             HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 201

    n = Notification.objects.get(recipient=reader)
    assert (n.kind, n.message_id, n.params) == ("reply", "notify.reply", {"n": "Tom", "b": "Nice one!"})
    assert n.text == ZH  # kept in the site's language, whatever the actor browsed in
    assert ZH in _page(reader, "zh-hans") and EN not in _page(reader, "zh-hans")
    assert _api_texts(reader, "zh-hans") == [ZH]
    # the same row, read in English
    assert EN in _page(reader, "en")
    assert _api_texts(reader, "en") == [EN]


def test_a_moderators_typed_reason_stays_as_typed_inside_the_readers_language() -> None:
    author, mod = make_user("小红"), make_user("Mod")
    c = f.community(mod)
    f.add_member(c, author)
    post = f.post(c, author, title="面霜")
    with translation.override("en"):  # the moderator browses in English and types an English reason
        services.post_remove(actor=mod, post=post, reason="spam")
    n = Notification.objects.get(recipient=author)
    assert n.message_id == "notify.post_removed" and n.params == {"t": "面霜", "r": "spam"}
    assert _api_texts(author, "zh-hans") == ["你的帖子「面霜」已被管理员删除：spam"]
    assert _api_texts(author, "en") == ["Your post “面霜” was deleted by an admin: spam"]


def test_a_held_comments_reason_reads_in_the_moderators_language() -> None:
    owner, tom = make_user("群主"), make_user("Tom")
    c = f.community(owner)
    f.add_member(c, tom)
    post = f.post(c, owner)
    SensitiveWord.objects.create(word="加微信")
    with translation.override("en"):
        held = services.comment_create(author=tom, post=post, body="加微信 for a discount")
    held = Comment.objects.get(pk=held.pk)
    assert held.status == CommentStatus.HELD and held.status_message_id == "content.comment_held"
    assert held.status_reason.startswith("评论包含敏感词（加微信）")  # stored in the site's language
    owner_api = api_client(owner)
    [zh] = owner_api.get(f"/api/v1/content/communities/{c.slug}/held-comments",
                         HTTP_ACCEPT_LANGUAGE="zh-hans").json()["items"]
    assert zh["status_reason"] == held.status_reason
    [en] = owner_api.get(f"/api/v1/content/communities/{c.slug}/held-comments",
                         HTTP_ACCEPT_LANGUAGE="en").json()["items"]
    assert en["status_reason"].startswith("Your comment contains sensitive words (加微信)")
