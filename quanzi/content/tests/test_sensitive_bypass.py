"""The sensitive-word filter sees through the usual disguises: a zero-width character inside the word, spaces or
punctuation between its characters, traditional characters, full-width letters. Each one holds the post and
the comment for review exactly as the plain word does (through `post_create` and `comment_create`)."""

from __future__ import annotations

import pytest

from quanzi.accounts.models import User
from quanzi.communities.models import Community
from quanzi.content import services
from quanzi.content.enums import CommentStatus, PostKind, PostStatus
from quanzi.content.models import SensitiveWord
from quanzi.content.sensitive import _build, find_words, normalise, scan

pytestmark = pytest.mark.django_db

WORD = "刷单返利"
DISGUISES = [
    pytest.param("刷\u200b单返利", id="zero-width-space"),
    pytest.param("刷\u200d单\u2060返\ufeff利", id="zero-width-joiner-word-joiner-bom"),
    pytest.param("刷 单 返 利", id="spaces"),
    pytest.param("刷\u3000单\u00a0返\t利", id="ideographic-and-no-break-spaces"),
    pytest.param("刷.单-返*利", id="punctuation"),
    pytest.param("刷😀单返利", id="emoji"),
    pytest.param("刷單返利", id="traditional"),
    pytest.param("刷 單\u200b返 利", id="traditional-spaced-zero-width"),
    pytest.param("刷\ufe0f单\u034f返利", id="variation-selector-and-grapheme-joiner"),
]


def _post_and_comment(author: User, community: Community, text: str) -> tuple[str, str]:
    post = services.post_create(author=author, community=community, kind=PostKind.NOTE,
                                body=f"兼职{text}，日结")
    target = services.post_create(author=author, community=community, kind=PostKind.NOTE, body="今天的穿搭分享")
    comment = services.comment_create(author=author, post=target, body=f"私信我{text}")
    return post.status, comment.status


@pytest.mark.parametrize("text", DISGUISES)
def test_a_disguised_word_holds_the_post_and_the_comment(alice: User, community: Community, text: str) -> None:
    SensitiveWord.objects.create(word=WORD)
    post_status, comment_status = _post_and_comment(alice, community, text)
    assert (post_status, comment_status) == (PostStatus.HELD, CommentStatus.HELD)
    assert find_words(text) == [WORD]


def test_the_plain_word_is_held_the_same_way(alice: User, community: Community) -> None:
    SensitiveWord.objects.create(word=WORD)
    assert _post_and_comment(alice, community, WORD) == (PostStatus.HELD, CommentStatus.HELD)


def test_clean_text_is_not_held(alice: User, community: Community) -> None:
    SensitiveWord.objects.create(word=WORD)
    assert _post_and_comment(alice, community, "刷牙返回") == (PostStatus.PUBLISHED, CommentStatus.VISIBLE)


def test_listed_words_are_normalised_too(alice: User, community: Community) -> None:
    # an operator who lists the traditional or full-width form catches the simplified / plain one, and the
    # reason names the word as it was listed
    SensitiveWord.objects.create(word="刷單返利")
    SensitiveWord.objects.create(word="ＶＸ")
    post = services.post_create(author=alice, community=community, kind=PostKind.NOTE, body="加我 v x 刷单返利")
    assert post.status == PostStatus.HELD and "刷單返利" in post.status_reason and "ＶＸ" in post.status_reason
    assert find_words("加我V.X") == ["ＶＸ"]


def test_normalise() -> None:
    assert normalise("ＶＸ：Ab") == "vxab"  # full width folded, case folded, punctuation gone
    assert normalise("刷\u200b單 返。利！") == "刷单返利"
    assert normalise("Ⓥⓧ ① ™") == "vx1tm"  # compatibility forms become letters / digits before symbols go
    assert normalise("衞生 乾燥") == "卫生干燥"
    assert normalise("!!! ...") == ""


def test_the_automaton_keeps_every_listed_form_and_skips_empty_words() -> None:
    auto = _build(["刷单", "刷單", " 刷单 ", "!!!", "高仿"])
    assert scan(auto, "刷 单", "高\u200b仿") == ["刷单", "刷單", "高仿"]
    assert _build(["!!!", "  "]) is None
