"""Persona pages: 我的画像 (a member's own tags by group, each tag and each group switchable off and on, with the
reason beside each tag), and the segment builder (人群圈选) for community owners/admins and operators: tag and
metric filters with a live count (HTMX), saved segments, a segment's page with its count and the coupon campaigns
it can limit. Thin: the services and selectors do the work."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quanzi.communities.selectors import community_by_id
from quanzi.core.errors import DomainError
from quanzi.core.pages import error_response
from quanzi.growth.coupons import selectors as coupon_selectors
from quanzi.personas import errors, segments, selectors, services
from quanzi.personas.enums import TagGroup
from quanzi.personas.tags import tag_label

FILTER_FIELDS = ("tags_all", "tags_any", "spend_days", "spend_min", "spend_max", "orders_min", "active_days",
                 "inactive_days")


@login_required
def my_persona(request: HttpRequest) -> HttpResponse:
    return render(request, "personas/me.html", {
        "groups": selectors.my_persona(request.user), "computed_at": selectors.last_computed_at(request.user),
        "nav": "me"})


@login_required
@require_POST
def my_persona_switch(request: HttpRequest) -> HttpResponse:
    """Switch one tag (`code`) or a whole group off (`on=0`) or on (`on=1`); HTMX gets the group's card back."""
    group = request.POST.get("group", "")
    try:
        services.tag_switch(user=request.user, group=group, code=request.POST.get("code", ""),
                            on=request.POST.get("on") == "1")
    except DomainError as exc:
        return error_response(request, exc)
    if request.headers.get("HX-Request"):
        view = next(g for g in selectors.my_persona(request.user) if g.group == group)
        return render(request, "personas/_group.html", {"g": view})
    return redirect("/me/persona/")


@login_required
@require_POST
def my_persona_refresh(request: HttpRequest) -> HttpResponse:
    services.persona_refresh(user_id=int(getattr(request.user, "pk", 0) or 0))
    messages.success(request, _("画像已按最新数据重新计算"))
    return redirect("/me/persona/")


# --- the segment builder ----------------------------------------------------------------------------------------


def _scope(request: HttpRequest) -> Any:
    """The community of `?community=<id>` (or the POSTed `community`), None for the platform."""
    raw = (request.POST.get("community") or request.GET.get("community") or "").strip()
    if not raw:
        return None
    community = community_by_id(community_id=int(raw)) if raw.isdigit() and len(raw) <= 12 else None
    if community is None:
        raise errors.segment_not_found()
    return community


def _raw_filters(data: Any) -> dict[str, Any]:
    raw: dict[str, Any] = {}
    for name in FILTER_FIELDS:
        if name in ("tags_all", "tags_any"):
            values = [v for v in data.getlist(name) if v]
            if values:
                raw[name] = values
        elif (data.get(name) or "").strip():
            raw[name] = data.get(name).strip()
    return raw


def _builder_context(request: HttpRequest, community: Any, raw: dict[str, Any] | None = None) -> dict[str, Any]:
    community_id = community.pk if community else None
    options = selectors.tag_options(community_id=community_id)
    groups = [(label, [o for o in options if o.group == g]) for g, label in TagGroup.choices]
    return {"community": community, "groups": [(label, opts) for label, opts in groups if opts],
            "raw": raw or {}, "segments": selectors.segment_list(user=request.user, community=community),
            "managed": selectors.managed_communities(user=request.user), "nav": "me",
            "scope_query": f"?community={community.pk}" if community else ""}


@login_required
def segment_builder(request: HttpRequest) -> HttpResponse:
    try:
        community = _scope(request)
        selectors.require_segment_manager(user=request.user, community=community)
    except DomainError as exc:
        return error_response(request, exc)
    return render(request, "personas/segments.html", _builder_context(request, community))


@login_required
@require_POST
def segment_count(request: HttpRequest) -> HttpResponse:
    """The live count (HTMX, on every change of the builder's form)."""
    try:
        community = _scope(request)
        selectors.require_segment_manager(user=request.user, community=community)
        filters = segments.parse_filters(_raw_filters(request.POST), from_form=True)
    except DomainError as exc:
        if request.headers.get("HX-Request") and exc.code == errors.ErrorCode.INVALID_FILTERS:
            return render(request, "personas/_count.html", {"error": exc.message})
        return error_response(request, exc)
    count = selectors.segment_count(community_id=community.pk if community else None, filters=filters)
    return render(request, "personas/_count.html", {"count": count})


@login_required
@require_POST
def segment_create(request: HttpRequest) -> HttpResponse:
    try:
        community = _scope(request)
    except DomainError as exc:
        return error_response(request, exc)
    raw = _raw_filters(request.POST)
    try:
        segment = services.segment_save(actor=request.user, name=request.POST.get("name", ""), filters=raw,
                                        community_id=community.pk if community else None, from_form=True)
    except DomainError as exc:
        if exc.status >= 401:
            return error_response(request, exc)
        ctx = _builder_context(request, community, raw)
        ctx["form_errors"] = [exc.message]
        ctx["name"] = request.POST.get("name", "")
        return render(request, "personas/segments.html", ctx, status=400)
    messages.success(request, _("人群「%(n)s」已保存，共 %(c)s 人") % {"n": segment.name, "c": segment.member_count})
    return redirect(f"/segments/{segment.pk}/")


def _tag_labels(codes: list[str]) -> list[str]:
    return [tag_label(c) for c in codes]


@login_required
def segment_detail(request: HttpRequest, segment_id: int) -> HttpResponse:
    try:
        segment = selectors.segment_get(user=request.user, segment_id=segment_id)
    except DomainError as exc:
        return error_response(request, exc)
    filters = segments.stored_filters(segment.filters)
    count = len(selectors.segment_member_ids(segment))
    templates = list(coupon_selectors.templates_for_operator()[:50]) if request.user.is_staff else []
    targeted = [t for t in templates if t.audience_kind == services.AUDIENCE_KIND and t.audience_ref == segment.pk]
    return render(request, "personas/segment.html", {
        "segment": segment, "filters": filters, "count": count, "templates": templates, "targeted": targeted,
        "tags_all": _tag_labels(filters.tags_all), "tags_any": _tag_labels(filters.tags_any), "nav": "me"})


@login_required
@require_POST
def segment_delete(request: HttpRequest, segment_id: int) -> HttpResponse:
    try:
        segment = selectors.segment_get(user=request.user, segment_id=segment_id)
        back = f"/segments/?community={segment.community_id}" if segment.community_id else "/segments/"
        services.segment_delete(actor=request.user, segment_id=segment_id)
    except DomainError as exc:
        return error_response(request, exc)
    messages.success(request, _("人群已删除"))
    return redirect(back)


@login_required
@require_POST
def segment_target(request: HttpRequest, segment_id: int) -> HttpResponse:
    raw = (request.POST.get("template_id") or "").strip()
    try:
        if not raw.isdigit():
            raise errors.invalid_filters(_("请选择优惠券"))
        template = services.segment_target_coupon(actor=request.user, segment_id=segment_id,
                                                  template_id=int(raw))
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect(f"/segments/{segment_id}/")
    messages.success(request, _("「%(t)s」现在仅限该人群领取") % {"t": template.name})
    return redirect(f"/segments/{segment_id}/")
