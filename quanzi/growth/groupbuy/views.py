"""Group-buy pages: the group page (members, places left, countdown, share), "my group-buys", and the merchant's
and operator's campaign pages (create, pause, resume, end, watch groups, figures, Excel). Opening and joining go
through the normal checkout page with the group-buy options, so the buyer sees the price waterfall and pays at
the normal cashier. Thin: the services and selectors do the work."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quanzi.catalog import selectors as catalog_selectors
from quanzi.core.errors import DomainError
from quanzi.core.events import track
from quanzi.core.money import parse_yuan
from quanzi.core.pages import call_service, error_response, page_of
from quanzi.growth.groupbuy import errors as groupbuy_errors
from quanzi.growth.groupbuy import excel, rules, selectors, services
from quanzi.growth.groupbuy.enums import CampaignPhase, GroupStatus
from quanzi.growth.groupbuy.links import checkout_url
from quanzi.growth.groupbuy.models import DEFAULT_FILL_MINUTES, GroupBuyCampaign
from quanzi.growth.groupbuy.panels import fill_text


def _share_url(request: HttpRequest, group_id: int, token: str) -> str:
    return request.build_absolute_uri(f"/groupbuy/g/{group_id}/" + (f"?t={token}" if token else ""))


def group_page(request: HttpRequest, group_id: int) -> HttpResponse:
    try:
        group = selectors.group_get(group_id=group_id, viewer=request.user)
    except DomainError as exc:
        return error_response(request, exc)
    token = (request.GET.get("t") or "")[:32]
    share = services.group_visit(viewer=request.user, group=group, token=token, via="page")
    view = selectors.group_view(group=group, viewer=request.user)
    campaign = view.campaign
    image = campaign.product.images.first() if hasattr(campaign.product, "images") else None
    return render(request, "groupbuy/group.html", {
        "v": view, "group": group, "campaign": campaign, "image": image, "sharer": share.sharer if share and share.sharer_id != request.user.pk else None,
        "join_url": checkout_url(sku_id=campaign.sku_id, group_id=group.pk, token=token),
        "open_url": checkout_url(sku_id=campaign.sku_id, campaign_id=campaign.pk),
        "campaign_running": selectors.campaign_phase_now(campaign) == CampaignPhase.RUNNING,
        "share_url": _share_url(request, group.pk, view.share_token) if view.share_token else "",
        "deadline_iso": group.deadline.isoformat(), "nav": ""})


@login_required
@require_POST
def group_share(request: HttpRequest, group_id: int) -> HttpResponse:
    try:
        share = services.group_share(user=request.user, group_id=group_id)
    except DomainError as exc:
        return error_response(request, exc)
    return redirect(f"/groupbuy/g/{group_id}/?t={share.token}&shared=1#share")


@login_required
def my_groups(request: HttpRequest) -> HttpResponse:
    page = page_of(request, selectors.member_groups(user=request.user))
    now = timezone.now()
    for m in page:
        m.status_now = rules.group_status_now(m.group, now)  # type: ignore[attr-defined]
    return render(request, "groupbuy/mine.html", {"page": page, "nav": "me"})


# --- merchants and operators -------------------------------------------------------------------------------------


def _manager_campaigns(request: HttpRequest) -> Any:
    try:
        return selectors.campaigns_for_manager(user=request.user)
    except DomainError as exc:
        return error_response(request, exc)


@login_required
def manage(request: HttpRequest) -> HttpResponse:
    campaigns = _manager_campaigns(request)
    if isinstance(campaigns, HttpResponse):
        return campaigns
    page = page_of(request, campaigns)
    figures = selectors.campaign_figures(campaign_ids=[c.pk for c in page])
    now = timezone.now()
    for c in page:
        c.figures = figures[c.pk]  # type: ignore[attr-defined]
        c.phase_label = CampaignPhase(rules.campaign_phase(c, now)).label  # type: ignore[attr-defined]
    return render(request, "groupbuy/manage_list.html", {"page": page, "nav": ""})


def _int(value: Any) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def _fen(value: Any) -> int | None:
    """A yuan amount typed in the form, in fen; None when empty; -1 (refused by the service) when unreadable."""
    text = str(value or "").strip()
    if not text:
        return None
    try:
        return parse_yuan(text, symbol=True)
    except (ValueError, DomainError):
        return -1


def _when(value: Any) -> dt.datetime | None:
    parsed = parse_datetime(str(value or "").strip())
    if parsed is None:
        return None
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


@login_required
def manage_new(request: HttpRequest) -> HttpResponse:
    errors: list[str] = []
    merchant = catalog_selectors.merchant_get_for_user(user=request.user)
    skus = []
    if merchant is not None:
        for product in catalog_selectors.merchant_products(merchant=merchant):
            skus += [(s, product) for s in product.skus.all() if s.is_active]
    if merchant is None and not request.user.is_staff:
        return error_response(request, groupbuy_errors.not_campaign_owner())
    if request.method == "POST":
        data = request.POST
        sku_id = _int(data.get("sku_id"))
        fill_hours = _int(data.get("fill_hours"))
        campaign = call_service(
            errors, services.campaign_create, user=request.user, sku_id=sku_id if sku_id is not None else -1,
            group_price_fen=_fen(data.get("group_price")), leader_price_fen=_fen(data.get("leader_price")),
            group_size=_int(data.get("group_size")),
            fill_minutes=fill_hours * 60 if fill_hours is not None else DEFAULT_FILL_MINUTES,
            member_limit=_int(data.get("member_limit") or 0), community_id=_int(data.get("community_id") or ""),
            starts_at=_when(data.get("starts_at")), ends_at=_when(data.get("ends_at")),
            succeed_at_expiry=data.get("succeed_at_expiry") == "1", title=data.get("title", ""))
        if campaign is not None:
            messages.success(request, _("拼团活动已创建"))
            return redirect("groupbuy-manage-campaign", campaign_id=campaign.pk)
    now = timezone.localtime()
    return render(request, "groupbuy/manage_new.html", {
        "skus": skus, "errors": errors, "form": request.POST,
        "default_start": now.strftime("%Y-%m-%dT%H:%M"),
        "default_end": (now + dt.timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"), "nav": ""},
        status=400 if errors else 200)


def _campaign_for(request: HttpRequest, campaign_id: int) -> GroupBuyCampaign | HttpResponse:
    try:
        return selectors.campaign_for_manager(user=request.user, campaign_id=campaign_id)
    except DomainError as exc:
        return error_response(request, exc)


@login_required
def manage_campaign(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = _campaign_for(request, campaign_id)
    if isinstance(campaign, HttpResponse):
        return campaign
    status = request.GET.get("status", "")
    if status not in GroupStatus.values:
        status = ""
    page = page_of(request, selectors.groups_of_campaign(campaign=campaign, status=status))
    now = timezone.now()
    phase = rules.campaign_phase(campaign, now)
    for g in page:
        g.status_now = rules.group_status_now(g, now)  # type: ignore[attr-defined]
    return render(request, "groupbuy/manage_campaign.html", {
        "campaign": campaign, "figures": selectors.campaign_figures(campaign_ids=[campaign.pk])[campaign.pk],
        "phase": phase, "phase_label": CampaignPhase(phase).label, "fill": fill_text(campaign.fill_minutes),
        "page": page, "status": status,
        "statuses": GroupStatus.choices, "nav": ""})


_ACTIONS = {"pause": services.campaign_pause, "resume": services.campaign_resume, "end": services.campaign_end}


@login_required
@require_POST
def manage_action(request: HttpRequest, campaign_id: int, action: str) -> HttpResponse:
    fn = _ACTIONS.get(action)
    if fn is None:
        raise Http404
    errors: list[str] = []
    call_service(errors, fn, user=request.user, campaign_id=campaign_id)
    if errors:
        messages.error(request, errors[0])
    return redirect("groupbuy-manage-campaign", campaign_id=campaign_id)


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=excel.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def manage_export(request: HttpRequest) -> HttpResponse:
    campaigns = _manager_campaigns(request)
    if isinstance(campaigns, HttpResponse):
        return campaigns
    rows = list(campaigns)
    track("groupbuy.export", user=request.user, rows=len(rows))
    return _xlsx(excel.campaigns_xlsx(rows), "groupbuy-campaigns.xlsx")


@login_required
def manage_campaign_export(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = _campaign_for(request, campaign_id)
    if isinstance(campaign, HttpResponse):
        return campaign
    content, rows = excel.campaign_xlsx(campaign)
    track("groupbuy.export", user=request.user, obj=campaign, rows=rows)
    return _xlsx(content, f"groupbuy-{campaign.pk}.xlsx")
