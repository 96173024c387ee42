"""/api/v1/ads: the merchant's ad account (balance, top-ups and their refunds, the ledger), campaigns (draft,
picture, submit, pause, resume, end, report) and the operators' review queue and revenue mix. The same services
as the pages (/ads/); a top-up is paid at the cashier like any order (`order_id`). Thin: each handler calls one
service or selector."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import File, Router
from ninja.files import UploadedFile

from quanzi.ads import revenue, selectors, services
from quanzi.ads.models import AdCampaign, AdTopUp
from quanzi.ads.schemas import (
    AccountOut,
    CampaignIn,
    CampaignOut,
    RefundOut,
    ReportOut,
    RevenueMixOut,
    ReviewIn,
    TopUpIn,
    TopUpOut,
)
from quanzi.api_auth import current_user, required

router = Router(tags=["ads 广告"])


def _topup_out(topup: AdTopUp) -> dict[str, Any]:
    return {"id": topup.pk, "amount_fen": topup.amount_fen, "status": topup.status, "order_id": topup.order_id,
            "refunded_fen": services.topup_refunded_fen(topup=topup), "created_at": topup.created_at,
            "paid_at": topup.paid_at}


def _campaign_out(campaign: AdCampaign) -> dict[str, Any]:
    out = {f: getattr(campaign, f) for f in (
        "merchant_id", "name", "title", "placement", "billing", "budget_fen", "price_fen", "spent_fen", "starts_at",
        "ends_at", "frequency_cap", "target_product_id", "target_path", "target_community_id", "target_segment_id",
        "status", "review_note", "created_at")}
    return {"id": campaign.pk, **out, "image_url": campaign.image.url if campaign.image else ""}


@router.get("/account", response=AccountOut, auth=required)
def account(request: HttpRequest) -> dict[str, Any]:
    """The merchant's ad balance, their top-ups and the last 50 movements of the ledger."""
    merchant = services.merchant_for(current_user(request))
    return {"merchant_id": merchant.pk, "balance_fen": services.balance_of(merchant_id=merchant.pk),
            "topups": [_topup_out(t) for t in selectors.topups_of(merchant=merchant)[:50]],
            "ledger": [{"id": e.pk, "kind": e.kind, "amount_fen": e.amount_fen, "reference": e.reference,
                        "campaign_id": e.campaign_id, "created_at": e.created_at}
                       for e in selectors.ledger_of(merchant=merchant)[:50]]}


@router.post("/topups", response={201: TopUpOut}, auth=required)
def topup_create(request: HttpRequest, data: TopUpIn) -> tuple[int, dict[str, Any]]:
    """Order a top-up; pay its `order_id` at the cashier (/api/v1/payments). The same key returns the same one."""
    topup = services.topup_create(user=current_user(request), amount_fen=data.amount_fen,
                                  idempotency_key=data.idempotency_key)
    return 201, _topup_out(topup)


@router.post("/topups/{topup_id}/refund", response=RefundOut, auth=required)
def topup_refund(request: HttpRequest, topup_id: int) -> dict[str, Any]:
    """Take back the unspent part of a paid top-up (at most the free balance)."""
    user = current_user(request)
    amount = services.topup_refund(user=user, topup_id=topup_id)
    merchant = services.merchant_for(user)
    return {"refunded_fen": amount, "balance_fen": services.balance_of(merchant_id=merchant.pk)}


@router.get("/campaigns", response=list[CampaignOut], auth=required)
def campaign_list(request: HttpRequest) -> list[dict[str, Any]]:
    merchant = services.merchant_for(current_user(request))
    return [_campaign_out(c) for c in selectors.campaigns_of(merchant=merchant).order_by("-id")[:100]]


@router.post("/campaigns", response={201: CampaignOut}, auth=required)
def campaign_create(request: HttpRequest, data: CampaignIn) -> tuple[int, dict[str, Any]]:
    """A draft; upload its picture next (`POST /campaigns/{id}/image`), then submit it for review."""
    campaign = services.campaign_create(user=current_user(request), image_required=False, **data.model_dump())
    return 201, _campaign_out(campaign)


@router.get("/campaigns/{campaign_id}", response=CampaignOut, auth=required)
def campaign_get(request: HttpRequest, campaign_id: int) -> dict[str, Any]:
    return _campaign_out(services.own_campaign(current_user(request), campaign_id))


@router.put("/campaigns/{campaign_id}", response=CampaignOut, auth=required)
def campaign_update(request: HttpRequest, campaign_id: int, data: CampaignIn) -> dict[str, Any]:
    """Change a draft or a rejected campaign (every field, as on creation)."""
    return _campaign_out(services.campaign_update(user=current_user(request), campaign_id=campaign_id,
                                                  **data.model_dump()))


@router.post("/campaigns/{campaign_id}/image", response=CampaignOut, auth=required)
def campaign_image(request: HttpRequest, campaign_id: int,
                   image: UploadedFile = File(...)) -> dict[str, Any]:  # noqa: B008
    return _campaign_out(services.campaign_image_set(user=current_user(request), campaign_id=campaign_id,
                                                     image=image))


@router.post("/campaigns/{campaign_id}/submit", response=CampaignOut, auth=required)
def campaign_submit(request: HttpRequest, campaign_id: int) -> dict[str, Any]:
    """Send to review, reserving the budget from the balance."""
    return _campaign_out(services.campaign_submit(user=current_user(request), campaign_id=campaign_id))


@router.post("/campaigns/{campaign_id}/pause", response=CampaignOut, auth=required)
def campaign_pause(request: HttpRequest, campaign_id: int) -> dict[str, Any]:
    return _campaign_out(services.campaign_pause(user=current_user(request), campaign_id=campaign_id))


@router.post("/campaigns/{campaign_id}/resume", response=CampaignOut, auth=required)
def campaign_resume(request: HttpRequest, campaign_id: int) -> dict[str, Any]:
    return _campaign_out(services.campaign_resume(user=current_user(request), campaign_id=campaign_id))


@router.post("/campaigns/{campaign_id}/end", response=CampaignOut, auth=required)
def campaign_end(request: HttpRequest, campaign_id: int) -> dict[str, Any]:
    """End it now; the unspent budget goes back to the balance."""
    return _campaign_out(services.campaign_end(user=current_user(request), campaign_id=campaign_id))


@router.get("/campaigns/{campaign_id}/report", response=ReportOut, auth=required)
def campaign_report(request: HttpRequest, campaign_id: int, days: int = 14) -> dict[str, Any]:
    """Impressions, clicks, CTR, spend (= the sum of the billed events), credited orders and sales, ROI, by day."""
    campaign = services.own_campaign(current_user(request), campaign_id)
    report = selectors.campaign_report(campaign=campaign, days=min(max(days, 1), 90))
    return {"campaign_id": campaign.pk, "impressions": report.impressions, "clicks": report.clicks,
            "ctr_percent": None if report.ctr_percent is None else str(report.ctr_percent),
            "spent_fen": report.spent_fen, "billed_fen": report.billed_fen, "orders": report.orders,
            "gmv_fen": report.gmv_fen, "roi": None if report.roi is None else str(report.roi),
            "days": [{"day": d.day, "impressions": d.impressions, "clicks": d.clicks, "spent_fen": d.spent_fen}
                     for d in report.days]}


@router.get("/review", response=list[CampaignOut], auth=required)
def review_queue(request: HttpRequest) -> list[dict[str, Any]]:
    """Operators: the campaigns waiting for review, oldest first."""
    services.check_operator(current_user(request))
    return [_campaign_out(c) for c in selectors.campaigns_to_review()[:100]]


@router.post("/campaigns/{campaign_id}/review", response=CampaignOut, auth=required)
def campaign_review(request: HttpRequest, campaign_id: int, data: ReviewIn) -> dict[str, Any]:
    """Operators: approve the creative (it runs in its schedule) or reject it (the budget goes back)."""
    return _campaign_out(services.campaign_review(operator=current_user(request), campaign_id=campaign_id,
                                                  approve=data.approve, note=data.note))


@router.get("/revenue", response=RevenueMixOut, auth=required)
def revenue_mix(request: HttpRequest, days: int = 30) -> dict[str, Any]:
    """Operators: the platform's revenue per line per day, each line with its ledger's total."""
    services.check_operator(current_user(request))
    mix = revenue.revenue_mix(days=min(max(days, 1), 366))
    return {"days": mix.days, "window_fen": mix.window_fen, "all_time_fen": mix.all_time_fen,
            "lines": [{"key": ln.key, "label": ln.label, "days": ln.days, "window_fen": ln.window_fen,
                       "all_time_fen": ln.all_time_fen, "ledger_fen": ln.ledger_fen} for ln in mix.lines]}
