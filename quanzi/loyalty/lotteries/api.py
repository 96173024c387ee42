"""/api/v1/loyalty/lotteries: list, create (organisers), read one with its odds, my numbers, the winners and the
verification data, take my number, draw by hand. Thin: parse, call one service or selector, return a schema."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate

from quanzi.api_auth import current_user, optional, required, viewer
from quanzi.core.pagination import PageNumber
from quanzi.loyalty.lotteries import errors, selectors, services
from quanzi.loyalty.lotteries.models import Lottery
from quanzi.loyalty.lotteries.schemas import EntryOut, LotteryBriefOut, LotteryIn, LotteryOut, PublishedOut

router = Router(tags=["lotteries 抽奖"], auth=required)


def _entry_out(e: Any) -> dict[str, Any]:
    return {"lottery_id": e.lottery_id, "number": e.number, "source": e.source, "order_id": e.order_id,
            "status": e.status, "created_at": e.created_at}


def _out(lottery: Lottery, user: Any) -> dict[str, Any]:
    v = selectors.lottery_view(lottery=lottery, user=user)
    return {
        "id": lottery.pk, "title": lottery.title, "campaign": lottery.campaign, "rules_text": lottery.rules_text,
        "community_id": lottery.community_id, "eligibility": lottery.eligibility, "min_streak": lottery.min_streak,
        "product_id": lottery.product_id, "opens_at": lottery.opens_at, "closes_at": lottery.closes_at,
        "draw_at": lottery.draw_at, "status": lottery.status, "state": v.state, "seed_hash": lottery.seed_hash,
        "seed": lottery.seed_public, "entries": v.entries,
        "prizes": [{"tier": p.prize.tier, "name": p.prize.name, "count": p.prize.count, "kind": p.prize.kind,
                    "amount": p.prize.amount, "value_fen": p.prize.value_fen, "odds": p.odds} for p in v.prizes],
        "my_numbers": [_entry_out(e) for e in v.mine],
        "winners": [{"rank": w.rank, "tier": w.prize.tier, "prize": w.prize.name, "number": w.entry.number,
                     "member": selectors.masked_name(w.user), "fulfilment": w.fulfilment} for w in v.winners],
        "data_url": f"/lotteries/{lottery.pk}/data.json"}


def _visible(lottery_id: int, user: Any) -> Lottery:
    lottery = selectors.lottery_get(lottery_id=lottery_id)
    if lottery is None or not selectors.lottery_visible(lottery=lottery, user=user):
        raise errors.lottery_not_found()
    return lottery


@router.get("", response=list[LotteryBriefOut], auth=optional)
@paginate(PageNumber)
def lottery_list(request: HttpRequest, community_id: int | None = None, status: str | None = None):  # type: ignore[no-untyped-def]
    return selectors.lottery_list(user=viewer(request), community_id=community_id, status=status)


@router.post("", response={201: LotteryOut})
def lottery_create(request: HttpRequest, data: LotteryIn) -> Status:
    user = current_user(request)
    lottery = services.lottery_create(
        actor=user, title=data.title, eligibility=data.eligibility, opens_at=data.opens_at,
        closes_at=data.closes_at, draw_at=data.draw_at, community_id=data.community_id, campaign=data.campaign,
        rules_text=data.rules_text, min_streak=data.min_streak, product_id=data.product_id,
        prizes=[services.PrizeSpec(name=p.name, count=p.count, kind=p.kind, amount=p.amount, value_fen=p.value_fen)
                for p in data.prizes])
    return Status(201, _out(_visible(lottery.pk, user), user))


@router.get("/{lottery_id}", response=LotteryOut, auth=optional)
def lottery_detail(request: HttpRequest, lottery_id: int) -> dict[str, Any]:
    user = viewer(request)
    return _out(_visible(lottery_id, user), user)


@router.get("/{lottery_id}/data", response=PublishedOut, auth=optional)
def lottery_data(request: HttpRequest, lottery_id: int) -> dict[str, Any]:
    """Everything needed to recompute the winners (seed null before the draw): run `verify.py` on it."""
    return selectors.published_data(lottery=_visible(lottery_id, viewer(request)))


@router.post("/{lottery_id}/enter", response={201: EntryOut})
def lottery_enter(request: HttpRequest, lottery_id: int) -> Status:
    entry = services.lottery_enter(user=current_user(request), lottery_id=lottery_id)
    return Status(201, _entry_out(entry))


@router.post("/{lottery_id}/draw", response=LotteryOut)
def lottery_draw(request: HttpRequest, lottery_id: int) -> dict[str, Any]:
    user = current_user(request)
    services.lottery_draw(lottery_id=lottery_id, actor=user)
    return _out(_visible(lottery_id, user), user)
