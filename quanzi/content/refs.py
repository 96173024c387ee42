"""#topics and @mentions in a post's or a comment's text: finding them, and showing the text with them as links.

A topic is `#` followed by letters or digits (Chinese or ASCII, `_` too) up to whitespace, punctuation or another
`#` (so the 小红书 style `#周末探店#` reads the same as `#周末探店 `). A mention is `@` followed by the characters a
nickname may hold (letters, digits, `_`, `-`, `·`) up to whitespace or punctuation. Neither starts inside a word:
`C#`, `a@b.com` and `page#top` are text. Pure functions: no database here (the services record what was found,
the template tag `content_refs` asks the selectors once per page for who is who)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import quote

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

TOPIC_MAX_LEN = 20
MAX_TOPICS = 10  # per text: a post listing fifty tags is spam, not fifty topics
MAX_MENTIONS = 10  # per text: naming the whole community is not a way to notify it
NICKNAME_MAX_LEN = 40

# a word longer than the limit is not cut into a topic (or a nickname): it is no reference at all
# Chinese runs on without spaces (和@小红一起, 今天#探店#), so only an ASCII letter or digit before the sign makes
# it part of a word; a closing `#` is taken with its topic
TOPIC_RE = re.compile(r"(?<![A-Za-z0-9_&/#])#([^\W_]\w{0,%s})(?:#|(?!\w))".replace("%s", str(TOPIC_MAX_LEN - 1)))
MENTION_RE = re.compile(r"(?<![A-Za-z0-9_.@])@([\w\u00b7\-]{1,%s})(?![\w\u00b7\-])".replace("%s", str(NICKNAME_MAX_LEN)))
# one pass over the text for rendering: either kind, in order
_REF_RE = re.compile(f"{TOPIC_RE.pattern}|{MENTION_RE.pattern}")


def _unique(items: list[str], limit: int) -> list[str]:
    return list(dict.fromkeys(items))[:limit]


def clean_topic(name: str) -> str:
    """The topic's stored form: ASCII letters folded to lower case (#Vlog and #vlog are one topic)."""
    return name.strip().lower()


def find_topics(*texts: str) -> list[str]:
    """The distinct topics named in the texts, in order of first use, at most MAX_TOPICS. A run of digits alone
    (`#1`, `#2024`) is a numbering, not a topic."""
    found = [clean_topic(m) for text in texts for m in TOPIC_RE.findall(text or "")]
    return _unique([t for t in found if not t.isdigit()], MAX_TOPICS)


def find_mentions(*texts: str) -> list[str]:
    """The distinct nicknames named as `@nickname`, in order of first use, at most MAX_MENTIONS."""
    return _unique([m for text in texts for m in MENTION_RE.findall(text or "")], MAX_MENTIONS)


def topic_url(name: str) -> str:
    return f"/t/{quote(clean_topic(name), safe='')}/"


def render_refs(text: str, mentioned: Mapping[str, int]) -> SafeString:
    """The text escaped, with each topic a link to its page and each `@nickname` in `mentioned` (nickname -> user
    id, as recorded when the text was saved) a link to that member's profile. Other `@words` stay text."""
    out: list[str] = []
    pos = 0
    topics = set(find_topics(text))
    for m in _REF_RE.finditer(text or ""):
        topic, nickname = m.group(1), m.group(2)
        out.append(escape(text[pos:m.start()]))
        if topic is not None and clean_topic(topic) in topics:
            out.append(f'<a class="topic-link" href="{escape(topic_url(topic))}">{escape(m.group(0))}</a>')
        elif nickname is not None and nickname in mentioned:
            out.append(f'<a class="mention-link" href="/u/{int(mentioned[nickname])}/">@{escape(nickname)}</a>')
        else:
            out.append(escape(m.group(0)))
        pos = m.end()
    out.append(escape((text or "")[pos:]))
    return mark_safe("".join(out))  # noqa: S308  (every piece above is escaped)
