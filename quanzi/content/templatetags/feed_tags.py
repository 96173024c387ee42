"""Feed helpers for content's templates: picture posts grouped into two-column cover blocks, and texts shown with
their #topics and @mentions as links."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django import template
from django.utils.safestring import SafeString

from quanzi.content.enums import PostKind
from quanzi.content.refs import render_refs, topic_url

register = template.Library()


@dataclass
class Run:
    covers: bool  # a block of cover cards (two columns), or text cards one under the other
    posts: list[Any] = field(default_factory=list)


def is_cover(post: Any) -> bool:
    """A note with pictures shows as a cover card; articles, questions, polls and events keep the text layout
    (their title and text are the point, and polls and events carry their own controls)."""
    return post.kind == PostKind.NOTE and bool(post.images.all())  # images are prefetched by the feed selectors


@register.filter
def feed_runs(posts: Iterable[Any]) -> list[Run]:
    """The page's posts in order, cut into runs: two or more picture notes in a row make a two-column block of
    cover cards; every other post (and a lone picture note) is a full-width card. The feed's order is kept, so a
    mixed page alternates deliberately between picture blocks and text cards."""
    runs: list[Run] = []
    for post in posts:
        cover = is_cover(post)
        if runs and runs[-1].covers == cover:
            runs[-1].posts.append(post)
        else:
            runs.append(Run(covers=cover, posts=[post]))
    out: list[Run] = []
    for run in runs:
        if run.covers and len(run.posts) < 2:
            run = Run(covers=False, posts=run.posts)
        if out and not out[-1].covers and not run.covers:
            out[-1].posts.extend(run.posts)
        else:
            out.append(run)
    return out


@register.simple_tag
def refs(text: str, maps: Mapping[int, Mapping[str, int]] | None, key: int = 0) -> SafeString:
    """The text with its topics and mentions as links; `maps` is `selectors.mention_maps` (key 0: the post, else
    a comment's id)."""
    return render_refs(text, (maps or {}).get(key or 0, {}))


@register.filter(name="topic_url")
def topic_url_filter(name: str) -> str:
    return topic_url(name)
