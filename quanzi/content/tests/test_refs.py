"""#topics and @mentions: parsing (Chinese and ASCII, stopping at whitespace and punctuation, bounded), what a new
post records, the topic page, links in the post and its comments, and the favourites page."""

from __future__ import annotations

import pytest
from django.test import Client

from conftest import make_user
from quanzi.content import refs, selectors, services
from quanzi.content.models import Mention, PostTopic, Topic
from quanzi.content.tests.conftest import join, png

pytestmark = pytest.mark.django_db


# --- parsing ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "topics"), [
    ("今天 #周末探店 好开心", ["周末探店"]),
    ("今天#周末探店#和朋友一起", ["周末探店"]),  # 小红书 style: the closing # ends it, no topic "和朋友一起"
    ("#Vlog，#vlog。#好物分享！", ["vlog", "好物分享"]),  # ASCII folded; stops at Chinese punctuation
    ("学 C#语言 看 page#top 或 a&#35;", []),  # not inside an ASCII word or an entity
    ("第 #1 名 #2024", []),  # numbers are numbering
    ("#" + "长" * 21, []),  # too long: no topic at all, never a cut one
    ("#护肤_心得 #跑步\n#跑步", ["护肤_心得", "跑步"]),
    ("".join(f"#t{i} " for i in range(15)), [f"t{i}" for i in range(10)]),  # at most 10
])
def test_find_topics(text: str, topics: list[str]) -> None:
    assert refs.find_topics(text) == topics


def test_find_mentions_stop_at_punctuation_and_skip_emails() -> None:
    assert refs.find_mentions("和@小红，还有 @Tom_2 与@小明!写信 a@b.com @A·B") == ["小红", "Tom_2", "小明", "A·B"]
    assert refs.find_mentions(" ".join(f"@u{i}" for i in range(20))) == [f"u{i}" for i in range(10)]


def test_render_refs_escapes_and_links_only_known_mentions() -> None:
    html = refs.render_refs("<b>#跑步 @小红 @路人</b>", {"小红": 7})
    assert "&lt;b&gt;" in html and "<b>" not in html
    assert '<a class="topic-link" href="/t/%E8%B7%91%E6%AD%A5/">#跑步</a>' in html
    assert '<a class="mention-link" href="/u/7/">@小红</a>' in html
    assert "@路人" in html and "/u/" not in html.split("@路人")[0].rsplit("</a>", 1)[-1]


# --- recording and pages ----------------------------------------------------------------------------------------


def test_a_post_records_its_topics_and_mentions(alice, bob, community):
    post = services.post_create(author=alice, community=community, title="#晨跑 打卡",
                                body="和 @小波 一起 #晨跑 #Running @不存在的人 @爱丽丝")
    assert sorted(Topic.objects.values_list("name", flat=True)) == ["running", "晨跑"]
    assert PostTopic.objects.filter(post=post).count() == 2
    assert selectors.post_topic_names(post_id=post.pk) == ["晨跑", "running"]
    # the unknown name is not recorded; the author naming themself is recorded (a link) but never told
    assert dict(Mention.objects.filter(post=post).values_list("nickname", "user_id")) == {"小波": bob.pk,
                                                                                          "爱丽丝": alice.pk}
    # a second post reuses the topic
    services.post_create(author=bob, community=community, body="#晨跑 第二天")
    assert Topic.objects.filter(name="晨跑").count() == 1


def test_a_shared_nickname_names_the_member_of_the_community(alice, community):
    outsider = make_user("小同")
    member = join(make_user("小同"), community)
    post = services.post_create(author=alice, community=community, body="@小同 你好")
    assert Mention.objects.get(post=post).user_id == member.pk != outsider.pk


def test_topic_page_lists_public_posts_naming_it(alice, bob, owner, community):
    first = services.post_create(author=alice, community=community, body="第一篇 #周末探店")
    second = services.post_create(author=bob, community=community, body="第二篇 #周末探店", images=[png()])
    services.post_create(author=bob, community=community, body="别的话题 #跑步")
    services.post_delete_own(actor=alice, post=first)
    html = Client().get("/t/周末探店/").content.decode()
    assert "第二篇" in html and "第一篇" not in html and "别的话题" not in html
    assert "#周末探店" in html and f'id="post-{second.pk}"' in html
    assert Client().get("/t/没有这个话题/").status_code == 404


def test_post_page_links_topics_mentions_and_comment_mentions(alice, bob, community):
    post = services.post_create(author=alice, community=community, body="#探店 和 @小波 去了", images=[png()])
    services.comment_create(author=bob, post=post, body="@爱丽丝 下次还去")
    c = Client()
    c.force_login(bob)
    html = c.get(f"/p/{post.pk}/").content.decode()
    assert f'<a class="mention-link" href="/u/{bob.pk}/">@小波</a>' in html
    assert f'<a class="mention-link" href="/u/{alice.pk}/">@爱丽丝</a>' in html  # in the comment
    assert 'class="topic-chip" href="/t/%E6%8E%A2%E5%BA%97/"' in html
    assert "data-gallery" in html  # the pictures open in the viewer


def test_favourites_page_lists_my_favourites_latest_first(alice, bob, community):
    older = services.post_create(author=alice, community=community, body="先收藏的")
    newer = services.post_create(author=alice, community=community, body="后收藏的")
    services.post_create(author=alice, community=community, body="没收藏的")
    services.reaction_toggle(user=bob, post=older, kind="favourite")
    services.reaction_toggle(user=bob, post=newer, kind="favourite")
    assert [p.pk for p in selectors.favourite_posts(viewer=bob)] == [newer.pk, older.pk]
    c = Client()
    c.force_login(bob)
    html = c.get("/me/favourites/").content.decode()
    assert html.index("后收藏的") < html.index("先收藏的") and "没收藏的" not in html
    services.reaction_toggle(user=bob, post=newer, kind="favourite")  # taken back
    assert "后收藏的" not in c.get("/me/favourites/").content.decode()
    assert Client().get("/me/favourites/").status_code == 302  # members only


def test_favourites_page_is_paginated(alice, bob, community):
    for i in range(23):
        post = services.post_create(author=alice, community=community, body=f"帖子{i:02d}")
        services.reaction_toggle(user=bob, post=post, kind="favourite")
    c = Client()
    c.force_login(bob)
    first, second = c.get("/me/favourites/").content.decode(), c.get("/me/favourites/?page=2").content.decode()
    assert "帖子22" in first and "帖子02" not in first
    assert "帖子02" in second and "帖子00" in second and "帖子22" not in second


def test_home_feed_puts_picture_notes_in_two_column_blocks(alice, bob, community):
    services.post_create(author=alice, community=community, body="图文一", images=[png()])
    services.post_create(author=alice, community=community, body="图文二", images=[png()])
    article = services.post_create(author=alice, community=community, kind="article", title="一篇文章", body="正文",
                         images=[png()])
    c = Client()
    c.force_login(bob)
    html = c.get("/").content.decode()
    assert html.count('class="feed-covers"') == 1 and html.count("data-cover") == 2
    assert f'<article class="card post" id="post-{article.pk}">' in html  # the article keeps its text card
    assert html.index('class="feed-covers"') < html.index("图文一") < html.index("</article>\n</div>")
