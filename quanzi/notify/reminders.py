"""The moments that concern a member but had no notice, told from here by plugging into the owning app's hooks
(registered in `NotifyConfig.ready()`) or by a job: a commission released when its order completed, an @mention in
a post, a coupon about to expire, a live session starting. Each goes through `accounts.services.
notification_create`, so the member's settings, the real-time push and the external channels apply as to any
other notice."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.utils import timezone

from quanzi.accounts.enums import NotificationKind
from quanzi.accounts.selectors import user_get
from quanzi.accounts.services import notification_create
from quanzi.chat.selectors import blocked_between
from quanzi.communities.selectors import active_memberships, community_by_id
from quanzi.content.hooks import ContentFact, FactKind
from quanzi.content.refs import MAX_MENTIONS as MAX_REFS
from quanzi.content.selectors import mentioned_user_ids, post_find
from quanzi.core.messages import msg
from quanzi.core.money import format_yuan
from quanzi.growth.coupons.selectors import coupons_expiring
from quanzi.notify.services import reminder_once
from quanzi.referrals.distribution.selectors import released_by_order

log = logging.getLogger(__name__)

COUPON_REMIND_BEFORE = dt.timedelta(hours=24)
MAX_MENTIONS = MAX_REFS  # per text: a post naming the whole community is not a way to notify it
LIVE_AUDIENCE_MAX = 5000


def commission_released(event: Any) -> None:
    """orders' `completed` moment, after distribution's own hook moved the commission to available (hooks run in
    name order: this one is registered as `referrals.distribution.notify`, which sorts after
    `referrals.distribution`)."""
    for user_id, fen in sorted(released_by_order(order_id=event.order_id).items()):
        notification_create(recipient=user_id, kind=NotificationKind.COMMISSION, url="/promoter/",
                            message=msg("notify.commission_released", amount=format_yuan(fen)))


def mentions_in_post(fact: ContentFact) -> None:
    """content's fact `mentioned` (a published post, or a visible comment, named members as `@nickname`; content
    recorded whom, at most 10): each named member of the post's community is told, never the author, nor a member
    who blocked the author or whom the author blocked (chat's blocks)."""
    if fact.kind != FactKind.MENTIONED:
        return
    post = post_find(post_id=fact.object_id, published_only=True)
    if post is None:
        return
    named = set(mentioned_user_ids(post_id=post.pk, comment_id=fact.comment_id)) - {fact.user_id}
    if not named:
        return
    members = set(active_memberships().filter(community_id=post.community_id, user_id__in=named)
                  .values_list("user_id", flat=True))
    actor = user_get(user_id=fact.user_id)
    if actor is None:
        return
    label = (post.title or post.body)[:20]
    url = f"/p/{post.pk}/#c{fact.comment_id}" if fact.comment_id else f"/p/{post.pk}/"
    for user_id in sorted(members)[:MAX_MENTIONS]:
        if blocked_between(actor.pk, user_id):
            continue
        notification_create(recipient=user_id, actor=actor, kind=NotificationKind.MENTION, url=url,
                            message=msg("notify.mention", n=actor.nickname, t=label))


def coupons_expiring_remind(*, now: dt.datetime | None = None) -> int:
    """Tell each holder of an unused coupon that expires within COUPON_REMIND_BEFORE, once per coupon."""
    now = now or timezone.now()
    told = 0
    for row in coupons_expiring(after=now, before=now + COUPON_REMIND_BEFORE):
        if not reminder_once(key=f"coupon-expiring:{row['id']}"):
            continue
        until = timezone.localtime(row["valid_until"]).strftime("%m-%d %H:%M")
        notification_create(recipient=row["user_id"], kind=NotificationKind.COUPON, url="/coupons/mine/",
                            message=msg("notify.coupon_expiring", name=row["name"], until=until))
        told += 1
    return told


def live_started(*, session_id: int, community_id: int, title: str, host_id: int | None = None) -> int:
    """A live session went on air: every active member of its community (up to LIVE_AUDIENCE_MAX) is told once
    (the host is not), with a link to the live page. Run by `jobs.live_started_task`, queued from the live app's
    session-start hook (see `NotifyConfig.ready`)."""
    community = community_by_id(community_id=community_id)
    if community is None:
        return 0
    user_ids = list(active_memberships().filter(community_id=community_id).order_by("user_id")
                    .values_list("user_id", flat=True)[:LIVE_AUDIENCE_MAX])
    told = 0
    for user_id in user_ids:
        if user_id == host_id or not reminder_once(key=f"live-start:{session_id}:{user_id}"):
            continue
        notification_create(recipient=user_id, kind=NotificationKind.LIVE, url=f"/live/{session_id}/",
                            message=msg("notify.live_starting", c=community.name, t=title))
        told += 1
    return told


def live_session_started(*, session_id: int, community_id: int, title: str, host_id: int | None = None) -> None:
    """The live app's `session started` hook (after the commit of the start): queue the telling of the community
    (a job: a community may have thousands of members). The job module is imported lazily (jobs call this module)."""
    from quanzi.notify import jobs

    jobs.live_started_task(session_id, community_id, title, host_id)


def connect_live() -> bool:
    """Register `live_session_started` with the live app's hook registry (run after the commit of a start)."""
    from quanzi.live import hooks as live_hooks

    live_hooks.on_session_started("notify", live_session_started)
    return True
