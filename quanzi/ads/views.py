"""Advertising pages: the merchant's ad centre (balance, top-up, campaigns), a campaign with its report, the
ad slots HTMX fills on other apps' pages, the click redirect, and the operators' revenue mix. Thin: the services
and selectors do the work."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quanzi.ads import revenue, selectors, services
from quanzi.ads.enums import Billing, CampaignStatus, Placement
from quanzi.ads.models import AdCampaign
from quanzi.catalog import selectors as catalog_selectors
from quanzi.communities.selectors import community_list
from quanzi.core.errors import DomainError
from quanzi.core.money import format_yuan, parse_yuan
from quanzi.core.pages import call_service, error_response, page_of
from quanzi.personas.selectors import segments_for_targeting

ACTIONS = {"submit": services.campaign_submit, "pause": services.campaign_pause,
           "resume": services.campaign_resume, "end": services.campaign_end}
REVENUE_DAYS = (7, 30, 90)


def _fen(text: Any) -> int | None:
    try:
        return parse_yuan(str(text or "").strip(), symbol=True)
    except ValueError:
        return None


def _when(value: Any) -> dt.datetime | None:
    parsed = parse_datetime(str(value or "").strip())
    if parsed is None:
        return None
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


def _fields(request: HttpRequest) -> dict[str, Any]:
    data = request.POST
    target = data.get("target", "")
    return {
        "name": data.get("name", ""), "title": data.get("title", ""), "placement": data.get("placement"),
        "billing": data.get("billing"), "budget_fen": _fen(data.get("budget")), "price_fen": _fen(data.get("price")),
        "starts_at": _when(data.get("starts_at")), "ends_at": _when(data.get("ends_at")),
        "frequency_cap": data.get("frequency_cap") or None,
        "target_product_id": target[len("product:"):] if target.startswith("product:") else None,
        "target_path": data.get("target_path", "") if target == "path" else "",
        "target_community_id": data.get("community") or None, "target_segment_id": data.get("segment") or None,
        "image": request.FILES.get("image"),
    }


def _local(moment: dt.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M") if moment else ""


def _form_context(request: HttpRequest, merchant: Any, campaign: AdCampaign | None) -> dict[str, Any]:
    form: Any
    if request.method == "POST":
        form = request.POST
    elif campaign is not None:
        form = {"name": campaign.name, "title": campaign.title, "placement": campaign.placement,
                "billing": campaign.billing, "budget": f"{campaign.budget_fen / 100:.2f}".replace(".00", ""),
                "price": f"{campaign.price_fen // 100}.{campaign.price_fen % 100:02d}",
                "starts_at": _local(campaign.starts_at), "ends_at": _local(campaign.ends_at),
                "frequency_cap": campaign.frequency_cap,
                "target": f"product:{campaign.target_product_id}" if campaign.target_product_id else "path",
                "target_path": campaign.target_path, "community": campaign.target_community_id or "",
                "segment": campaign.target_segment_id or ""}
    else:
        now = timezone.now()
        form = {"starts_at": _local(now), "ends_at": _local(now + dt.timedelta(days=14)), "frequency_cap": 3,
                "billing": Billing.CPC, "placement": Placement.FEED}
    return {"form": form, "campaign": campaign, "merchant": merchant, "placements": Placement.choices,
            "billings": Billing.choices,
            "products": catalog_selectors.merchant_products(merchant=merchant).filter(on_shelf=True)[:100],
            "communities": community_list(user=request.user)[:100], "segments": segments_for_targeting(),
            "nav": "me"}


def _merchant_or_error(request: HttpRequest) -> Any:
    try:
        return services.merchant_for(request.user)
    except DomainError as exc:
        return error_response(request, exc)


@login_required
def centre(request: HttpRequest) -> HttpResponse:
    """The merchant's ad centre: balance and its ledger, top-up, the campaigns."""
    merchant = _merchant_or_error(request)
    if isinstance(merchant, HttpResponse):
        return merchant
    return render(request, "ads/centre.html", {
        "merchant": merchant, "balance_fen": services.balance_of(merchant_id=merchant.pk),
        "campaigns": selectors.campaigns_of(merchant=merchant), "ledger": selectors.ledger_of(merchant=merchant)[:10],
        "topups": selectors.topups_of(merchant=merchant)[:5], "key": uuid.uuid4().hex, "nav": "me"})


@login_required
@require_POST
def topup(request: HttpRequest) -> HttpResponse:
    """A top-up goes to the cashier: its order is the platform's virtual good at the amount."""
    errs: list[str] = []
    amount = _fen(request.POST.get("amount"))
    made = call_service(errs, services.topup_create, user=request.user, amount_fen=amount if amount else 0,
                        idempotency_key=request.POST.get("key", ""))
    if made is not None:
        return redirect(f"/orders/{made.order_id}/")
    for e in errs:
        messages.error(request, e)
    return redirect("ads-centre")


@login_required
@require_POST
def topup_refund(request: HttpRequest, topup_id: int) -> HttpResponse:
    """The unspent part of a paid top-up goes back to where it was paid from."""
    errs: list[str] = []
    amount = call_service(errs, services.topup_refund, user=request.user, topup_id=topup_id)
    if amount is not None:
        messages.success(request, _("已申请退回 %(yuan)s，到账以支付渠道为准") % {"yuan": format_yuan(amount)})
    for e in errs:
        messages.error(request, e)
    return redirect("ads-centre")


@login_required
def campaign_new(request: HttpRequest) -> HttpResponse:
    merchant = _merchant_or_error(request)
    if isinstance(merchant, HttpResponse):
        return merchant
    errs: list[str] = []
    if request.method == "POST":
        campaign = call_service(errs, services.campaign_create, user=request.user, **_fields(request))
        if campaign is not None:
            messages.success(request, _("广告计划已保存为草稿，提交审核后开始投放"))
            return redirect("ads-campaign", campaign_id=campaign.pk)
    ctx = _form_context(request, merchant, None)
    ctx["errors"] = errs
    return render(request, "ads/campaign_form.html", ctx, status=400 if errs else 200)


@login_required
def campaign_edit(request: HttpRequest, campaign_id: int) -> HttpResponse:
    try:
        campaign = services.own_campaign(request.user, campaign_id)
    except DomainError as exc:
        return error_response(request, exc)
    errs: list[str] = []
    if request.method == "POST":
        done = call_service(errs, services.campaign_update, user=request.user, campaign_id=campaign.pk,
                            **_fields(request))
        if done is not None:
            messages.success(request, _("已保存"))
            return redirect("ads-campaign", campaign_id=campaign.pk)
    ctx = _form_context(request, campaign.merchant, campaign)
    ctx["errors"] = errs
    return render(request, "ads/campaign_form.html", ctx, status=400 if errs else 200)


@login_required
def campaign_detail(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """A campaign with its creative as shown, its state and actions, and its report."""
    try:
        campaign = services.own_campaign(request.user, campaign_id)
    except DomainError as exc:
        return error_response(request, exc)
    report = selectors.campaign_report(campaign=campaign)
    return render(request, "ads/campaign.html", {
        "campaign": campaign, "report": report, "conversions": selectors.conversions_of(campaign=campaign),
        "target_url": selectors.target_url(campaign), "editable": campaign.status in services.EDITABLE,
        "statuses": CampaignStatus, "segment_name": dict(segments_for_targeting()).get(campaign.target_segment_id or 0),
        "balance_fen": services.balance_of(merchant_id=campaign.merchant_id), "nav": "me"})


@login_required
@require_POST
def campaign_action(request: HttpRequest, campaign_id: int, action: str) -> HttpResponse:
    fn = ACTIONS.get(action)
    if fn is None:
        raise Http404
    errs: list[str] = []
    if call_service(errs, fn, user=request.user, campaign_id=campaign_id) is not None:
        messages.success(request, _("已更新"))
    for e in errs:
        messages.error(request, e)
    return redirect("ads-campaign", campaign_id=campaign_id)


def slot(request: HttpRequest, placement: str) -> HttpResponse:
    """An ad slot (HTMX fills the placeholder): the best ad this viewer may see here, billed as shown; empty
    when there is none."""
    community_id = request.GET.get("community")
    user = request.user if request.user.is_authenticated else None
    candidates = selectors.ad_candidates(placement=placement, user=user,
                                         community_id=int(str(community_id)) if str(community_id).isdigit() else None)
    shown = services.ad_serve(campaigns=candidates, user=user, placement=placement) if candidates else None
    if shown is None:
        return HttpResponse("")
    campaign, impression = shown
    return render(request, "ads/_slot.html", {"campaign": campaign, "token": impression.token,
                                              "placement": placement})


def click(request: HttpRequest, token: str) -> HttpResponse:
    """A click: billed (CPC) once per impression, then on to the ad's target whatever the billing answered."""
    impression = selectors.impression_by_token(token=token)
    if impression is None:
        return redirect("/")
    try:
        services.click_record(token=token, user=request.user)
    except DomainError:
        pass  # over budget or ended since it was shown: not billed, the visitor still gets where they wanted
    return redirect(selectors.target_url(impression.campaign))


@staff_member_required(login_url="/login/")
def revenue_mix(request: HttpRequest) -> HttpResponse:
    """Operators: the platform's revenue by line per day, each line reconciled with its ledger."""
    try:
        days = int(request.GET.get("days", "30"))
    except ValueError:
        days = 30
    days = days if days in REVENUE_DAYS else 30
    mix = revenue.revenue_mix(days=days)
    return render(request, "ads/revenue.html", {"mix": mix, "chart": mix.chart(), "days": days,
                                                "day_choices": REVENUE_DAYS, "nav": "me"})


@staff_member_required(login_url="/login/")
def review_queue(request: HttpRequest) -> HttpResponse:
    """Operators: creatives waiting for review, approve or reject (the admin has the same actions)."""
    errs: list[str] = []
    if request.method == "POST":
        done = call_service(errs, services.campaign_review, operator=request.user,
                            campaign_id=int(request.POST.get("campaign") or 0),
                            approve=request.POST.get("decision") == "approve", note=request.POST.get("note", ""))
        if done is not None:
            messages.success(request, _("已审核"))
            return redirect("ads-review")
    return render(request, "ads/review.html", {"page": page_of(request, selectors.campaigns_to_review()),
                                               "errors": errs, "nav": "me"})
