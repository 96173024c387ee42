"""/api/v1/kolmarket: the KOL directory (with its filters), listing oneself, a merchant's proposals and a KOL's
answers (accept, counter, decline), the merchant's withdrawal, the deals of each side and a deal's detail (terms,
history, deliverables, credited orders and commission, ledger). Thin: parse, call one service or selector."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate

from quanzi.api_auth import current_user, required
from quanzi.core.pagination import PageNumber
from quanzi.kolmarket import selectors, services
from quanzi.kolmarket.models import Deal, KolProfile
from quanzi.kolmarket.schemas import (
    DealDetailOut,
    DealOut,
    DeclineIn,
    KolOut,
    ProfileIn,
    ProposeIn,
    TermsIn,
)

router = Router(tags=["kolmarket 达人广场"], auth=required)


def kol_out(p: KolProfile) -> dict[str, Any]:
    return {"user_id": p.user_id, "nickname": p.user.nickname, "bio": p.bio,
            "verticals": [v for v in p.verticals.split("|") if v], "followers": p.followers,
            "posts_90d": p.posts_90d, "engagement_bp": p.engagement_bp, "favourite_bp": p.favourite_bp,
            "avg_interactions": p.avg_interactions, "orders_30d": p.orders_30d, "gmv_30d_fen": p.gmv_30d_fen,
            "audience": [(str(label), int(share)) for label, share in p.audience or []], "stats_at": p.stats_at}


def deal_out(d: Deal) -> dict[str, Any]:
    return {"id": d.pk, "merchant_id": d.merchant_id, "merchant_name": d.merchant.business_name, "kol_id": d.kol_id,
            "kol_nickname": d.kol.nickname, "status": d.status, "commission_rate": d.commission_rate,
            "fixed_fee_fen": d.fixed_fee_fen, "starts_on": d.starts_on, "ends_on": d.ends_on,
            "posts_required": d.posts_required, "lives_required": d.lives_required, "message": d.message,
            "expires_at": d.expires_at, "accepted_at": d.accepted_at,
            "product_ids": selectors.deal_product_ids(d)}


@router.get("/kols", response=list[KolOut])
@paginate(PageNumber)
def kols(request: HttpRequest, vertical: str = "", community_id: int | None = None,  # type: ignore[no-untyped-def]
         followers_min: int | None = None, followers_max: int | None = None, engagement_min_bp: int | None = None,
         audience_tag: str = "", gmv_min_fen: int | None = None, q: str = "", sort: str = "followers"):
    """The directory: listed KOLs with their figures, filtered and sorted (followers, engagement, gmv, newest)."""
    filters = selectors.DirectoryFilters(
        vertical=vertical, community_id=community_id, followers_min=followers_min, followers_max=followers_max,
        engagement_min_bp=engagement_min_bp, audience_tag=audience_tag, gmv_min_fen=gmv_min_fen, q=q, sort=sort)
    return [kol_out(p) for p in selectors.directory(filters=filters)]


@router.put("/me/profile", response=KolOut)
def join(request: HttpRequest, data: ProfileIn) -> Any:
    """List oneself in the directory (a member who may pick products in a community)."""
    return kol_out(services.profile_join(user=current_user(request), bio=data.bio,
                                         shelf_community_id=data.shelf_community_id))


@router.delete("/me/profile", response={204: None})
def leave(request: HttpRequest) -> Status:
    services.profile_leave(user=current_user(request))
    return Status(204, None)


@router.post("/deals", response={201: DealOut})
def propose(request: HttpRequest, data: ProposeIn) -> Status:
    """A merchant proposes a cooperation to a listed KOL about their own products."""
    deal = services.deal_propose(user=current_user(request), **data.dict())
    return Status(201, deal_out(deal))


@router.get("/deals", response=list[DealOut])
@paginate(PageNumber)
def my_deals(request: HttpRequest, side: str = "kol"):  # type: ignore[no-untyped-def]
    """The deals I am in: `side=kol` (proposals to me) or `side=merchant` (my shop's proposals)."""
    user = current_user(request)
    if side == "merchant":
        merchant = selectors.merchant_of(user)
        qs = selectors.deals_of_merchant(merchant_id=merchant.pk) if merchant is not None else []
    else:
        qs = selectors.deals_of_kol(user_id=user.pk)
    return [deal_out(d) for d in qs]


@router.get("/deals/{deal_id}", response=DealDetailOut)
def deal_detail(request: HttpRequest, deal_id: int) -> dict[str, Any]:
    page = selectors.deal_page(selectors.deal_for_viewer(user=current_user(request), deal_id=deal_id))
    return {"deal": deal_out(page.deal),
            "history": [{"from_status": h.from_status, "to_status": h.to_status, "note": h.note, "terms": h.terms,
                         "created_at": h.created_at} for h in page.history],
            "posts_delivered": [p.pk for p in page.deliverables.posts],
            "lives_delivered": [s.pk for s in page.deliverables.lives], "deliverables_met": page.deliverables.met,
            "credited": [vars(c) for c in page.credited], "gmv_fen": page.gmv_fen,
            "commission_fen": page.commission_fen,
            "entries": [{"kind": e.kind, "amount_fen": e.amount_fen, "base_fen": e.base_fen,
                         "created_at": e.created_at} for e in page.entries],
            "service_fee_fen": page.service_fee_fen}


@router.post("/deals/{deal_id}/accept", response=DealOut)
def accept(request: HttpRequest, deal_id: int) -> dict[str, Any]:
    """The KOL accepts a proposal, or the merchant accepts the KOL's counter."""
    return deal_out(services.deal_accept(user=current_user(request), deal_id=deal_id))


@router.post("/deals/{deal_id}/counter", response=DealOut)
def counter(request: HttpRequest, deal_id: int, data: TermsIn) -> dict[str, Any]:
    """The KOL answers with new terms (same products)."""
    return deal_out(services.deal_counter(user=current_user(request), deal_id=deal_id, **data.dict()))


@router.post("/deals/{deal_id}/decline", response=DealOut)
def decline(request: HttpRequest, deal_id: int, data: DeclineIn) -> dict[str, Any]:
    return deal_out(services.deal_decline(user=current_user(request), deal_id=deal_id, note=data.note))


@router.post("/deals/{deal_id}/withdraw", response=DealOut)
def withdraw(request: HttpRequest, deal_id: int) -> dict[str, Any]:
    return deal_out(services.deal_withdraw(user=current_user(request), deal_id=deal_id))
