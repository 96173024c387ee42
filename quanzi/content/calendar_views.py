"""The content calendar page (发布计划): scheduled posts by day; move them or publish them at once."""

from __future__ import annotations

import datetime as dt
from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quanzi.communities.selectors import can_view, community_get, membership_get
from quanzi.content import selectors, services
from quanzi.core.errors import DomainError
from quanzi.core.timeutil import SHANGHAI, local_date


@login_required
def calendar(request: HttpRequest, slug: str) -> HttpResponse:
    community = community_get(slug=slug, user=request.user)
    posts = list(selectors.content_calendar(community=community, viewer=request.user))
    days = [(day, list(items)) for day, items in groupby(posts, key=lambda p: local_date(p.publish_at or p.created_at))]
    return render(request, "content/calendar.html", {
        "community": community, "membership": membership_get(user=request.user, community=community),
        "tab": "feed", "days": days, "moderator": selectors.can_moderate(user=request.user, community=community),
    })


def _local(value: str) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat((value or "").strip()).replace(tzinfo=SHANGHAI)
    except ValueError:
        return None


def _back(request: HttpRequest, post_id: int) -> HttpResponse:
    post = selectors.post_get_plain(post_id=post_id)
    if not can_view(user=request.user, community=post.community):
        return redirect("/")  # never reveal an invite-only community's address
    return redirect(f"/c/{post.community.slug}/calendar/")


@login_required
@require_POST
def reschedule(request: HttpRequest, post_id: int) -> HttpResponse:
    post = selectors.post_get_plain(post_id=post_id)
    try:
        services.post_reschedule(actor=request.user, post=post,  # type: ignore[arg-type]
                                 publish_at=_local(request.POST.get("publish_at", "")))
        messages.success(request, _("发布时间已更新"))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return _back(request, post_id)


@login_required
@require_POST
def publish_now(request: HttpRequest, post_id: int) -> HttpResponse:
    post = selectors.post_get_plain(post_id=post_id)
    try:
        services.post_publish_now(actor=request.user, post=post)  # type: ignore[arg-type]
        messages.success(request, _("已立即发布"))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return _back(request, post_id)
