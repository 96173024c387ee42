"""#topics and @mentions of a post or a comment, recorded when it is written (`content.refs` finds them): the
topic page lists posts through `PostTopic`, the text links each `@nickname` to the member it named then, and the
members named are told once the text is out for everyone to read (the fact `mentioned`, which notify turns into
notices: it knows the member's settings and blocks)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from quanzi.accounts.selectors import user_ids_by_nickname
from quanzi.communities.selectors import active_memberships
from quanzi.content.hooks import ContentFact, FactKind, fact_happened
from quanzi.content.models import Mention, PostTopic, Topic
from quanzi.content.refs import find_mentions, find_topics

if TYPE_CHECKING:
    from quanzi.content.models import Comment, Post


def _resolve(nicknames: list[str], community_id: int) -> dict[str, int]:
    """nickname -> the member it names. Nicknames are not unique: a member of the post's community wins (they
    are who the author most likely means), then the oldest account."""
    by_name = user_ids_by_nickname(nicknames=nicknames)
    if not by_name:
        return {}
    everyone = {pk for ids in by_name.values() for pk in ids}
    members = set(active_memberships().filter(community_id=community_id, user_id__in=everyone)
                  .values_list("user_id", flat=True))
    out: dict[str, int] = {}
    for name in nicknames:
        ids = by_name.get(name)
        if ids:
            out[name] = next((pk for pk in ids if pk in members), ids[0])
    return out


def _mentions_record(*, post: Post, comment: Comment | None, text: str) -> list[int]:
    resolved = _resolve(find_mentions(text), post.community_id)
    Mention.objects.bulk_create([Mention(post=post, comment=comment, user_id=user_id, nickname=name)
                                 for name, user_id in resolved.items()])
    return sorted(set(resolved.values()))


def post_refs_record(*, post: Post) -> tuple[list[str], list[int]]:
    """Record the topics and mentions of a new post (its title and body). Returns (topics, mentioned user ids)."""
    names = find_topics(post.title, post.body)
    if names:
        existing = set(Topic.objects.filter(name__in=names).values_list("name", flat=True))
        Topic.objects.bulk_create([Topic(name=n) for n in names if n not in existing], ignore_conflicts=True)
        topics = {t.name: t for t in Topic.objects.filter(name__in=names)}  # again: a parallel post made one first?
        PostTopic.objects.bulk_create([PostTopic(topic=topics[n], post=post) for n in names if n in topics],
                                      ignore_conflicts=True)  # in the order the post names them
    return names, _mentions_record(post=post, comment=None, text=f"{post.title}\n{post.body}")


def comment_refs_record(*, comment: Comment) -> list[int]:
    """Record the mentions of a new comment (topics in a comment link, but only posts are listed under them)."""
    return _mentions_record(post=comment.post, comment=comment, text=comment.body)


def mentions_announce(*, post: Post, comment: Comment | None = None, author_id: int) -> None:
    """The post (or comment) is now visible to its community's readers: the members it names may be told (after
    the commit). Called once per text, when it is published or passes review."""
    fact_happened(ContentFact(kind=FactKind.MENTIONED, user_id=author_id, community_id=post.community_id,
                              object_id=post.pk, comment_id=comment.pk if comment is not None else 0))
