"""What this app plugs into the lower apps' registries (wired in `TasksConfig.ready`): each adapter turns a lower
app's moment into a task fact with a key naming that business fact, so a hook that runs twice counts once.

| lower app | registry | fact (trigger, key) |
|---|---|---|
| accounts | `hooks.on_profile_updated` | profile_completed, `profile` (once nickname, avatar and bio are all set) |
| communities | `hooks.on_member_joined` | community_joined, `community:<id>` |
| content | `hooks.on_fact` | checkin `checkin:<day>` (+ streak badges, the day's reward); post_created `post:<id>`; answer_created / answer_accepted `answer:<comment id>` |
| orders | `hooks.on_paid` | order_paid, `order:<id>` |
| aftersales | `hooks.on_review_with_photos` | review_photos, `review:<id>` |
| referrals (calls us) | `services.task_progress` | invite_first_order, `invite:<invitee id>` |
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils.html import format_html, format_html_join

from quanzi.accounts.selectors import user_get
from quanzi.aftersales.hooks import on_review_with_photos
from quanzi.content.hooks import ContentFact, FactKind
from quanzi.loyalty.tasks import selectors, services
from quanzi.loyalty.tasks.enums import Trigger
from quanzi.orders.hooks import OrderMomentEvent

CONTENT_TRIGGERS = {FactKind.POST_CREATED: (Trigger.POST_CREATED, "post"),
                    FactKind.ANSWER_CREATED: (Trigger.ANSWER_CREATED, "answer"),
                    FactKind.ANSWER_ACCEPTED: (Trigger.ANSWER_ACCEPTED, "answer")}


def on_content_fact(fact: ContentFact) -> None:
    if fact.kind == FactKind.CHECKED_IN and fact.day is not None:
        services.on_checked_in(user_id=fact.user_id, community_id=fact.community_id, day=fact.day,
                               streak=fact.streak)
        return
    if fact.kind in CONTENT_TRIGGERS:
        trigger, prefix = CONTENT_TRIGGERS[fact.kind]
        services.task_progress(user_id=fact.user_id, trigger=trigger, key=f"{prefix}:{fact.object_id}")


def on_member_joined(user_id: int, community_id: int) -> None:
    services.task_progress(user_id=user_id, trigger=Trigger.COMMUNITY_JOINED, key=f"community:{community_id}")


def on_order_paid(event: OrderMomentEvent) -> None:
    services.task_progress(user_id=event.buyer_id, trigger=Trigger.ORDER_PAID, key=f"order:{event.order_id}")


def on_review_photos(user_id: int, review_id: int) -> None:
    services.task_progress(user_id=user_id, trigger=Trigger.REVIEW_PHOTOS, key=f"review:{review_id}")


def on_profile_updated(user_id: int) -> None:
    """A complete profile: a nickname, an avatar and a short bio."""
    user = user_get(user_id=user_id)
    if user is not None and user.nickname and user.avatar and user.bio.strip():
        services.task_progress(user_id=user_id, trigger=Trigger.PROFILE_COMPLETED, key="profile")


# --- panels on other apps' pages --------------------------------------------------------------------------------------


def community_panel(request: Any, community: Any) -> str:
    """The check-in reward strip on a community's page (today's count, what checking in pays), loaded by HTMX
    after the page: the community page's query count stays what content's own test holds it to."""
    return format_html('<div id="checkin-rewards-slot" hx-get="/tasks/checkin/{}/strip/" hx-trigger="load" '
                       'hx-swap="outerHTML"></div>', community.pk)


def profile_panel(request: Any, member: Any) -> str:
    awards = selectors.badges_of(user_id=member.pk)
    mine = getattr(getattr(request, "user", None), "pk", None) == member.pk
    if not awards and not mine:
        return ""
    return render_to_string("tasks/_panel_profile.html", {"awards": awards, "mine": mine, "member": member},
                            request=request)


def name_badge(request: Any, user_id: int) -> str:
    """The member's badge icons next to their name; one query per member per request (cached on the request)."""
    cache: dict[int, str] = getattr(request, "_loyalty_badges", None) or {}
    if request is not None and not hasattr(request, "_loyalty_badges"):
        request._loyalty_badges = cache
    if user_id not in cache:
        awards = selectors.badges_of(user_id=user_id)[:3]
        cache[user_id] = format_html('<span class="name-badges">{}</span>', format_html_join(
            "", '<span class="name-badge" title="{}">{}</span>', ((a.badge.name, a.badge.icon) for a in awards))) \
            if awards else ""
    return cache[user_id]


def register() -> None:
    from quanzi.accounts import hooks as account_hooks
    from quanzi.communities import hooks as community_hooks
    from quanzi.content import hooks as content_hooks
    from quanzi.orders import hooks as order_hooks

    content_hooks.on_fact("loyalty.tasks", on_content_fact)
    community_hooks.on_member_joined("loyalty.tasks", on_member_joined)
    community_hooks.community_panel("loyalty.tasks", community_panel)
    order_hooks.on_paid("loyalty.tasks", on_order_paid)
    on_review_with_photos("loyalty.tasks", on_review_photos)
    account_hooks.on_profile_updated("loyalty.tasks", on_profile_updated)
    account_hooks.profile_panel("loyalty.tasks", profile_panel)
    account_hooks.name_badge("loyalty.tasks", name_badge)
