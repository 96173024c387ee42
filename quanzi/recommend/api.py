"""/api/v1/recommend: the recommendation lists (each says whether it is personalised or popular, each item why it
is there), the member's settings (the personalisation switch of E-Commerce Law art. 18, sharing purchases with
followers) and 不感兴趣. Thin: parse, call one service or selector, return a schema."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from quanzi.api_auth import current_user, optional, required, viewer
from quanzi.catalog.selectors import community_for_viewer, product_get
from quanzi.recommend import conf, errors, selectors, services
from quanzi.recommend.enums import ItemKind
from quanzi.recommend.present import list_out
from quanzi.recommend.schemas import HiddenOut, HideIn, PreferenceIn, PreferenceOut, RecListOut

router = Router(tags=["recommend 推荐"], auth=required)
MAX_LIMIT = 50


def _kinds(kinds: str) -> list[str]:
    out = [k.strip() for k in kinds.split(",") if k.strip()] or list(ItemKind.values)
    for k in out:
        if k not in ItemKind.values:
            raise errors.invalid_item_kind(k)
    return out


def _limit(limit: int) -> int:
    return max(1, min(MAX_LIMIT, limit))


@router.get("/for-you", response=RecListOut, auth=optional)
def for_you(request: HttpRequest, kinds: str = "product,post", community_id: int | None = None,
            limit: int = conf.PAGE_SIZE) -> dict[str, Any]:
    """为你推荐 (posts and products). Visitors and members who switched personalisation off get the popular list
    (`kind: popular`). With `community_id`: that community's posts only."""
    user = viewer(request)
    if community_id is not None:
        community_for_viewer(community_id=community_id, user=user)  # 404 when the viewer may not see it
    return list_out(selectors.for_you(user=user, kinds=_kinds(kinds), community_id=community_id,
                                      limit=_limit(limit)))


@router.get("/friends-bought", response=RecListOut)
def friends_bought(request: HttpRequest, limit: int = conf.PAGE_SIZE) -> dict[str, Any]:
    """好友买过: what members you follow bought lately, only from those who allow it."""
    return list_out(selectors.friends_bought(user=current_user(request), limit=_limit(limit)))


@router.get("/communities/{community_id}/hot", response=RecListOut, auth=optional)
def community_hot(request: HttpRequest, community_id: int, limit: int = conf.PAGE_SIZE) -> dict[str, Any]:
    """本社群热卖 (the same for everyone)."""
    user = viewer(request)
    community_for_viewer(community_id=community_id, user=user)
    return list_out(selectors.community_hot(community_id=community_id, user=user, limit=_limit(limit)))


@router.get("/products/{product_id}/also-bought", response=RecListOut, auth=optional)
def also_bought(request: HttpRequest, product_id: int, limit: int = 6) -> dict[str, Any]:
    """买了还买 / 看了还看 for a product page (the same for everyone)."""
    user = viewer(request)
    product_get(product_id=product_id, user=user)
    return list_out(selectors.also_bought(product_id=product_id, user=user, limit=_limit(limit)))


@router.get("/preferences", response=PreferenceOut)
def preferences(request: HttpRequest) -> Any:
    return selectors.preference_of(user=current_user(request))


@router.put("/preferences", response=PreferenceOut)
def preferences_set(request: HttpRequest, data: PreferenceIn) -> Any:
    return services.preference_set(user=current_user(request), personalised=data.personalised,
                                   share_purchases=data.share_purchases)


@router.get("/hidden", response=list[HiddenOut])
def hidden(request: HttpRequest) -> list[dict[str, Any]]:
    return [{"kind": h.item_kind, "item_id": h.item_id} for h in selectors.hidden_list(user=current_user(request))]


@router.post("/hidden", response={201: HiddenOut})
def hide(request: HttpRequest, data: HideIn) -> Status:
    """不感兴趣: never recommend this item to me again."""
    h = services.item_hide(user=current_user(request), kind=data.kind, item_id=data.item_id)
    return Status(201, {"kind": h.item_kind, "item_id": h.item_id})


@router.delete("/hidden/{kind}/{item_id}", response={204: None})
def unhide(request: HttpRequest, kind: str, item_id: int) -> Status:
    services.item_unhide(user=current_user(request), kind=kind, item_id=item_id)
    return Status(204, None)
