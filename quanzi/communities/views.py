"""Community pages: discover, members, rules, manage, invite, join by code, create / edit, my communities.

The community page itself (/c/<slug>/, the feed) belongs to the content app, which includes
`communities/_header.html`. These views are thin: the services and selectors do the work.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from quanzi.accounts.selectors import user_get
from quanzi.communities import hooks, selectors, services
from quanzi.communities.enums import ReportTarget, Role, Vertical, Visibility
from quanzi.communities.errors import ErrorCode
from quanzi.communities.models import Community, Membership
from quanzi.communities.permissions import role_permissions
from quanzi.core.errors import DomainError, InvalidInput
from quanzi.core.events import track
from quanzi.core.pages import call_service, page_of


def _user(request: HttpRequest) -> Any:
    return request.user if request.user.is_authenticated else None


def _community(request: HttpRequest, slug: str) -> Community:
    return selectors.community_get(slug=slug, user=_user(request))


def _ctx(request: HttpRequest, community: Community, tab: str, **extra: Any) -> dict[str, Any]:
    user = _user(request)
    if user is not None:
        user = user_get(user_id=user.pk, include_inactive=True) or user  # fresh: memberships may just have changed
    return {"community": community, "membership": selectors.membership_get(user=user, community=community),
            "tab": tab, "nav": "", **extra}


def _attempt(fn: Callable[..., Any], /, **kwargs: Any) -> tuple[Any, DomainError | None]:
    """Run a service for an in-place (HTMX) action: the result, or the error to show with its own status."""
    try:
        return fn(**kwargs), None
    except DomainError as exc:
        return None, exc


def _fragment(request: HttpRequest, template: str, ctx: dict[str, Any], error: DomainError | None) -> HttpResponse:
    return render(request, template, {**ctx, "errors": [str(error.message)] if error else []},
                  status=error.status if error else 200)


def _attach_memberships(request: HttpRequest, communities: Any) -> None:
    user = _user(request)
    rows = list(communities)
    mine: dict[int, Membership] = {}
    if user is not None and rows:
        mine = {m.community_id: m for m in Membership.objects.filter(user=user,
                                                                     community_id__in=[c.pk for c in rows])}
    for c in rows:
        c.my_membership = mine.get(c.pk)


# --- discover and mine -----------------------------------------------------------------------------------


def discover(request: HttpRequest) -> HttpResponse:
    vertical = request.GET.get("vertical") or None
    if vertical not in Vertical.values:
        vertical = None
    page = page_of(request, selectors.community_list(user=_user(request), vertical=vertical))
    _attach_memberships(request, page.object_list)
    track("page.discover", user=request.user, vertical=vertical)
    return render(request, "communities/discover.html", {
        "page": page, "verticals": Vertical.choices, "vertical": vertical or "", "nav": "discover"})


def search(request: HttpRequest) -> HttpResponse:
    """Community results for the site search box (the content app may add post results next to these)."""
    q = request.GET.get("q", "").strip()
    page = page_of(request, selectors.community_search(user=_user(request), q=q))
    _attach_memberships(request, page.object_list)
    return render(request, "communities/search.html", {"page": page, "q": q, "nav": "discover"})


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    page = page_of(request, selectors.my_communities(user=request.user))
    _attach_memberships(request, page.object_list)
    return render(request, "communities/mine.html", {"page": page, "nav": "mine"})


# --- join / leave ----------------------------------------------------------------------------------------


def _join_response(request: HttpRequest, community: Community, error: DomainError | None) -> HttpResponse:
    if request.headers.get("HX-Request"):
        response = _fragment(request, "communities/_join_button.html", _ctx(request, community, ""), error)
        current = urlsplit(request.headers.get("HX-Current-URL", "")).path
        if error is None and current.startswith(f"/c/{community.slug}/"):
            # On the community's own pages, membership changes the whole page (count, check-in, compose).
            response["HX-Refresh"] = "true"
        return response
    if error is not None:
        messages.error(request, str(error.message))
    return redirect(f"/c/{community.slug}/")


@require_POST
def join(request: HttpRequest, slug: str) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect(f"/login/?next=/c/{slug}/")
    code = request.POST.get("code") or None
    community = selectors.community_for_join(slug=slug, user=request.user, code=code)
    m, error = _attempt(services.community_join, user=request.user, community=community, code=code,
                        apply_note=request.POST.get("apply_note", ""))
    if m is not None and not request.headers.get("HX-Request"):
        messages.success(request, _("已提交申请，等待管理员审核") if m.status == "pending" else _("欢迎加入！"))
    return _join_response(request, community, error)


@login_required
@require_POST
def leave(request: HttpRequest, slug: str) -> HttpResponse:
    community = _community(request, slug)
    _result, error = _attempt(services.community_leave, user=request.user, community=community)
    return _join_response(request, community, error)


def join_code(request: HttpRequest, code: str) -> HttpResponse:
    """An invitation link: shows the community and who invited, with a join button."""
    inv = services.invitation_get(code=code)
    community = inv.community
    errors: list[str] = []
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"/login/?next=/join/{code}/")
        m = call_service(errors, services.invitation_redeem, user=request.user, code=code)
        if m is not None:
            messages.success(request, _("欢迎加入！"))
            return redirect(f"/c/{community.slug}/")
    ctx = _ctx(request, community, "", invitation=inv, usable=selectors.invitation_is_usable(inv), errors=errors)
    return render(request, "communities/join_code.html", ctx, status=400 if errors else 200)


# --- members and rules -----------------------------------------------------------------------------------


def members(request: HttpRequest, slug: str) -> HttpResponse:
    community = _community(request, slug)
    role = request.GET.get("role") or None
    if role not in Role.values:
        role = None
    page = page_of(request, selectors.member_list(community=community, viewer=_user(request), role=role))
    return render(request, "communities/members.html",
                  _ctx(request, community, "members", page=page, role=role or "", roles=Role.choices))


def rules(request: HttpRequest, slug: str) -> HttpResponse:
    community = _community(request, slug)
    table = [(value, label, role_permissions(value)) for value, label in Role.choices]
    return render(request, "communities/rules.html", _ctx(request, community, "rules", role_table=table))


# --- create and edit -------------------------------------------------------------------------------------


def _tags(raw: str) -> list[str]:
    return [t for t in raw.replace("，", ",").replace(" ", ",").split(",") if t.strip()]


@login_required
def create(request: HttpRequest) -> HttpResponse:
    errors: list[str] = []
    if request.method == "POST":
        p = request.POST
        community = call_service(
            errors, services.community_create, owner=request.user, name=p.get("name", ""),
            slug=p.get("slug", ""), vertical=p.get("vertical", ""), tags=_tags(p.get("tags", "")),
            positioning=p.get("positioning", ""), rules=p.get("rules", ""), cover=request.FILES.get("cover"),
            visibility=p.get("visibility", Visibility.PUBLIC))
        if community is not None:
            messages.success(request, _("社群已创建"))
            return redirect(f"/c/{community.slug}/")
    return render(request, "communities/form.html", {
        "errors": errors, "form": request.POST, "verticals": Vertical.choices, "visibilities": Visibility.choices,
        "creating": True, "nav": "mine"}, status=400 if errors else 200)


@login_required
def edit(request: HttpRequest, slug: str) -> HttpResponse:
    community = _community(request, slug)
    selectors.require_perm(user=request.user, community=community, perm="edit_community")
    errors: list[str] = []
    form: Any = {"name": community.name, "slug": community.slug, "vertical": community.vertical,
                 "tags": ", ".join(community.tags), "positioning": community.positioning, "rules": community.rules,
                 "visibility": community.visibility}
    if request.method == "POST":
        p = request.POST
        form = p
        updated = call_service(
            errors, services.community_update, actor=request.user, community=community, name=p.get("name", ""),
            vertical=p.get("vertical", ""), tags=_tags(p.get("tags", "")), positioning=p.get("positioning", ""),
            rules=p.get("rules", ""), cover=request.FILES.get("cover"),
            visibility=p.get("visibility", community.visibility))
        if updated is not None:
            messages.success(request, _("已保存"))
            return redirect(f"/c/{community.slug}/")
        community.refresh_from_db()
    return render(request, "communities/form.html", _ctx(
        request, community, "", errors=errors, form=form, verticals=Vertical.choices,
        visibilities=Visibility.choices, creating=False), status=400 if errors else 200)


# --- invitations -----------------------------------------------------------------------------------------


@login_required
def invite(request: HttpRequest, slug: str) -> HttpResponse:
    community = _community(request, slug)
    selectors.require_perm(user=request.user, community=community, perm="invite")
    errors: list[str] = []
    created = None
    if request.method == "POST":
        max_uses = request.POST.get("max_uses", "").strip()
        days = request.POST.get("days", "").strip()
        if (max_uses and not max_uses.isdigit()) or (days and not days.isdigit()):
            errors.append(str(InvalidInput(ErrorCode.INVALID_NUMBER, _("请填写正整数")).message))
        else:
            expires = timezone.now() + dt.timedelta(days=int(days)) if days else None
            created = call_service(errors, services.invitation_create, actor=request.user, community=community,
                                   max_uses=int(max_uses) if max_uses else None, expires_at=expires)
    invitations = page_of(request, selectors.invitation_list(community=community, viewer=request.user), 10)
    return render(request, "communities/invite.html", _ctx(
        request, community, "", errors=errors, created=created, invitations=invitations,
        base_url=request.build_absolute_uri("/")[:-1]), status=400 if errors else 200)


# --- manage ----------------------------------------------------------------------------------------------


def _with_target_links(rows: list[Any]) -> list[Any]:
    """Give each report / moderation-log row the `target_url` of what it is about (a member's page, or the page
    the owning app registered for a post or a comment: communities.hooks), one query per kind of target."""
    wanted: dict[str, list[int]] = {}
    for row in rows:
        if row.target_type and row.target_id:
            wanted.setdefault(row.target_type, []).append(row.target_id)
    links: dict[str, dict[int, str]] = {}
    for target_type, ids in wanted.items():
        if target_type == ReportTarget.MEMBER:
            links[target_type] = {pk: f"/u/{pk}/" for pk in ids}
        elif target_type in hooks.REPORT_TARGET_LINKS:
            links[target_type] = hooks.REPORT_TARGET_LINKS[target_type](ids)
    labels = dict(ReportTarget.choices)
    for row in rows:
        row.target_url = links.get(row.target_type, {}).get(row.target_id, "")
        row.target_label = labels.get(row.target_type, row.target_type)
    return rows


@login_required
def manage(request: HttpRequest, slug: str) -> HttpResponse:
    community = _community(request, slug)
    me = request.user
    q = request.GET.get("q", "").strip()
    selectors.require_perm(user=me, community=community, perm="approve_members")
    can_moderate = selectors.has_perm(user=me, community=community, perm="moderate")
    ctx = _ctx(
        request, community, "manage",
        pending=selectors.pending_list(community=community, viewer=me)[:50],
        reports=_with_target_links(list(selectors.report_list(community=community, viewer=me, status="open")[:50]))
        if can_moderate else [],
        # one page of members, found by nickname or the end of the phone number (a big community has thousands)
        members=page_of(request, selectors.member_list(community=community, viewer=me, q=q)), q=q,
        banned=selectors.banned_list(community=community, viewer=me)[:50]
        if selectors.has_perm(user=me, community=community, perm="ban") else [],
        invitations=selectors.invitation_list(community=community, viewer=me)[:20],
        log=_with_target_links(list(selectors.moderation_log(community=community, viewer=me)[:30]))
        if can_moderate else [],
        can_set_admin=selectors.has_perm(user=me, community=community, perm="set_admin"),
        roles=[(r, label) for r, label in Role.choices if r != Role.OWNER],
        now=timezone.now())
    return render(request, "communities/manage.html", ctx)


def _int(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError as exc:
        raise InvalidInput(ErrorCode.INVALID_ID, _("参数有误")) from exc


def _mute_until(request: HttpRequest) -> dt.datetime:
    hours = request.POST.get("hours", "").strip()
    if not hours.isdigit() or not 1 <= int(hours) <= 24 * 365:
        raise InvalidInput(ErrorCode.INVALID_UNTIL, _("禁言时长需为 1 小时到 1 年"))
    return timezone.now() + dt.timedelta(hours=int(hours))


MANAGE_ACTIONS: dict[str, tuple[Callable[..., Any], Any]] = {
    "approve": (services.membership_approve, gettext_lazy("已通过")),
    "reject": (services.membership_reject, gettext_lazy("已拒绝")),
    "role": (services.role_set, gettext_lazy("角色已更新")),
    "mute": (services.member_mute, gettext_lazy("已禁言")),
    "unmute": (services.member_unmute, gettext_lazy("已解除禁言")),
    "ban": (services.member_ban, gettext_lazy("已封禁")),
    "unban": (services.member_unban, gettext_lazy("已解封")),
    "resolve": (services.report_resolve, gettext_lazy("举报已处理")),
    "dismiss": (services.report_dismiss, gettext_lazy("举报已驳回")),
    "revoke": (services.invitation_revoke, gettext_lazy("邀请码已作废")),
}


@login_required
@require_POST
def manage_action(request: HttpRequest, slug: str, action: str) -> HttpResponse:
    """One moderation action from the manage page; HTMX swaps the row's result in place."""
    community = _community(request, slug)
    if action not in MANAGE_ACTIONS:
        raise InvalidInput(ErrorCode.INVALID_ACTION, _("未知的操作"))
    fn, done = MANAGE_ACTIONS[action]
    p = request.POST
    kwargs: dict[str, Any] = {"actor": request.user, "community": community}
    error: DomainError | None = None
    try:
        if action in ("resolve", "dismiss"):
            kwargs.update(report_id=_int(p.get("report_id")), note=p.get("note", ""))
        elif action == "revoke":
            kwargs.update(invitation_id=_int(p.get("invitation_id")))
        else:
            kwargs["user_id"] = _int(p.get("user_id"))
            if action == "role":
                kwargs["role"] = p.get("role", "")
            elif action == "mute":
                kwargs.update(until=_mute_until(request), reason=p.get("reason", ""))
            elif action in ("ban", "reject"):
                kwargs["reason"] = p.get("reason", "")
    except InvalidInput as exc:
        error = exc
    if error is None:
        _result, error = _attempt(fn, **kwargs)
    if request.headers.get("HX-Request"):
        return _fragment(request, "communities/_action_result.html", {"done": done}, error)
    if error is not None:
        messages.error(request, str(error.message))
    else:
        messages.success(request, str(done))
    return redirect(f"/c/{community.slug}/manage/")


@login_required
@require_POST
def report(request: HttpRequest, slug: str) -> HttpResponse:
    """Report a post, comment or member (the content pages post here with hx-post)."""
    community = _community(request, slug)
    error: DomainError | None = None
    try:
        target_id = _int(request.POST.get("target_id"))
    except InvalidInput as exc:
        error = exc
    else:
        _result, error = _attempt(services.report_create, reporter=request.user, community=community,
                                  target_type=request.POST.get("target_type", ""), target_id=target_id,
                                  reason=request.POST.get("reason", ""))
    done = _("已举报，管理员会尽快处理")
    if request.headers.get("HX-Request"):
        return _fragment(request, "communities/_action_result.html", {"done": done}, error)
    if error is not None:
        messages.error(request, str(error.message))
    else:
        messages.success(request, done)
    return redirect(f"/c/{community.slug}/")
