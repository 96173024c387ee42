"""Task-centre pages: the task centre (`/tasks/`, claim buttons), a community's check-in calendar with its streak
and reward table (`/tasks/checkin/<community_id>/`, where members can also check in). Thin: the services and
selectors do the work; the badges are a panel on the profile (plugins.py)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from quanzi.communities.selectors import can_view, community_by_id, has_perm, my_communities
from quanzi.content import services as content_services
from quanzi.core.events import track
from quanzi.core.pages import call_service, error_response
from quanzi.loyalty.tasks import errors, selectors, services
from quanzi.loyalty.tasks.enums import Section


@login_required
def task_centre(request: HttpRequest) -> HttpResponse:
    board = selectors.task_board(user=request.user)
    sections = [(s, str(Section(s).label), board[s]) for s in Section.values if board[s]]
    track("page.tasks", user=request.user)
    return render(request, "tasks/centre.html", {
        "sections": sections, "communities": list(my_communities(user=request.user)[:6]),
        "badges": selectors.badges_of(user_id=request.user.pk or 0), "nav": "me"})


@login_required
@require_POST
def task_claim(request: HttpRequest, task_id: int) -> HttpResponse:
    errs: list[str] = []
    claim = call_service(errs, services.task_claim, user=request.user, task_id=task_id)
    if claim is not None:
        messages.success(request, _("奖励已发放：%(t)s") % {"t": claim.task.title})
    for e in errs:
        messages.error(request, e)
    return redirect(f"/tasks/#task-{task_id}")


def checkin_page(request: HttpRequest, community_id: int) -> HttpResponse:
    """The check-in calendar of one community: this month's days, the count the rule reads, the reward table, and
    the check-in button (a POST here checks in through content's service; the reward follows at once)."""
    community = community_by_id(community_id=community_id)
    if community is None or not can_view(user=request.user, community=community):
        return error_response(request, errors.community_not_found())
    target = f"/tasks/checkin/{community_id}/"
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"/login/?next={target}")
        errs: list[str] = []
        row = call_service(errs, content_services.checkin, user=request.user, community=community,
                           note=request.POST.get("note", ""))
        if row is not None:
            messages.success(request, _("打卡成功，已连续 %(n)s 天") % {"n": row.streak})
        for e in errs:
            messages.error(request, e)
        return redirect(target)
    panel = selectors.checkin_panel(user=request.user, community=community)
    track("page.checkin_rewards", user=request.user, community_id=community.pk)
    return render(request, "tasks/checkin.html", {
        "p": panel, "community": community, "nav": "mine",
        "weekdays": [pgettext("weekday", "一"), pgettext("weekday", "二"), pgettext("weekday", "三"),
                     pgettext("weekday", "四"), pgettext("weekday", "五"), pgettext("weekday", "六"),
                     pgettext("weekday", "日")],
        "can_post": has_perm(user=request.user, community=community, perm="post")})


@login_required
@require_POST
def checkin_reward(request: HttpRequest, community_id: int) -> HttpResponse:
    """Pay today's reward when it was not paid at check-in (a reward that could not be paid then)."""
    errs: list[str] = []
    row = call_service(errs, services.checkin_reward_grant, user_id=request.user.pk, community_id=community_id)
    if row is not None:
        messages.success(request, _("打卡奖励已发放"))
    for e in errs:
        messages.error(request, e)
    return redirect(f"/tasks/checkin/{community_id}/")


def checkin_strip(request: HttpRequest, community_id: int) -> HttpResponse:
    """The check-in reward strip of the community page (an HTMX fragment; empty when no rule applies)."""
    community = community_by_id(community_id=community_id)
    if community is None or not can_view(user=request.user, community=community):
        return HttpResponse("")
    strip = selectors.checkin_strip(user=request.user, community=community)
    if strip is None:
        return HttpResponse("")
    return render(request, "tasks/_panel_community.html", {"p": strip, "community": community})
