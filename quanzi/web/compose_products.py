"""Product cards picked while writing a post (issue #14): in the composer the author searches the shop, sees each
product's price and, when they are a KOL (达人) of the community they post to, the commission a sale through the
card would earn them, and ticks the products to carry as cards. Once the post exists they are attached through
catalog's `post_product_attach` (which checks the `pick_products` permission and that the product is sellable).

It combines content (the composer, through `content.hooks.compose_extra`), catalog (search, attach), communities
(the author's role) and referrals' distribution rates, so it lives in the top layer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from quanzi.catalog import selectors as catalog_selectors
from quanzi.catalog.services import post_product_attach
from quanzi.communities.enums import Role
from quanzi.communities.selectors import active_role, community_get, has_perm
from quanzi.core.errors import DomainError
from quanzi.referrals.distribution import rules
from quanzi.referrals.distribution.selectors import (
    community_rule,
    platform_settings,
    product_rates,
    rates_for,
)

MAX_CARDS = 10  # per post: a post is not a shop window
RESULTS = 8


@dataclass(frozen=True)
class Pick:
    id: int
    title: str
    price_fen: int | None
    image_url: str
    commission_fen: int | None  # None: the author earns none (not a KOL there, or a zero rate)


def _community(request: HttpRequest, slug: str) -> Any:
    try:
        return community_get(slug=slug, user=request.user) if slug else None
    except DomainError:
        return None


def _picks(*, product_ids: list[int], user: Any, community: Any) -> list[Pick]:
    """Cards (price, picture) of the sellable in-stock products among `product_ids`, in that order, with the
    author's commission when they are a KOL of `community`: the lowest price × the KOL rate of the product, else
    of the community, else of the platform (distribution's own rule)."""
    cards = {c.id: c for c in map(catalog_selectors.ProductCard.of_row,
                                  catalog_selectors.product_cards_query(product_ids=product_ids))}
    kol = community is not None and active_role(user=user, community=community) == Role.KOL
    conf = platform_settings() if kol else None
    rule = community_rule(community_id=community.pk) if kol else None
    own = product_rates(product_ids=list(cards)) if kol else {}
    out = []
    for pk in product_ids:
        card = cards.get(pk)
        if card is None:
            continue
        commission = None
        if conf is not None and card.price_fen:
            rate = rates_for(conf=conf, community=rule, product=own.get(pk)).kol
            commission = rules.commission_of(card.price_fen, rate) or None
        out.append(Pick(card.id, card.title, card.price_fen, card.image_url, commission))
    return out


def _ids(values: list[str]) -> list[int]:
    return list(dict.fromkeys(int(v) for v in values if v.isdigit()))[:MAX_CARDS]


@login_required
def search(request: HttpRequest) -> HttpResponse:
    """The picker's results for `q` (HTMX fragment), for the community chosen in the form."""
    q = request.GET.get("q", "").strip()[:40]
    community = _community(request, request.GET.get("community", ""))
    allowed = community is not None and has_perm(user=request.user, community=community, perm="pick_products")
    picks: list[Pick] = []
    if q and allowed:
        ids = list(catalog_selectors.product_list(search=q).prefetch_related(None)
                   .values_list("pk", flat=True)[:RESULTS * 2])
        picks = _picks(product_ids=ids, user=request.user, community=community)[:RESULTS]
    return HttpResponse(render_to_string("web/_compose_pick_results.html", {
        "picks": picks, "q": q, "allowed": allowed, "community": community}, request=request))


@login_required
def pick(request: HttpRequest) -> HttpResponse:
    """One picked product, as a ticked row the form sends with the post (HTMX fragment)."""
    community = _community(request, request.GET.get("community", ""))
    picks = _picks(product_ids=_ids(request.GET.getlist("id")), user=request.user, community=community)
    return HttpResponse(render_to_string("web/_compose_picked.html", {"picks": picks}, request=request))


def panel(request: HttpRequest, form: Any) -> str:
    """The picker in the compose form; after a refused post, the products ticked before come back ticked."""
    chosen = _ids(form.getlist("product_id")) if hasattr(form, "getlist") else []
    community = _community(request, form.get("community", "")) if chosen else None
    picks = _picks(product_ids=chosen, user=request.user, community=community) if chosen else []
    return render_to_string("web/_compose_products.html", {"picks": picks}, request=request)


def saved(request: HttpRequest, post: Any) -> list[str]:
    """Attach the ticked products to the new post; each refusal is told (the post stands)."""
    problems = []
    for product_id in _ids(request.POST.getlist("product_id")):
        try:
            post_product_attach(user=request.user, post_id=post.pk, product_id=product_id)
        except DomainError as exc:
            problems.append(_("商品卡片未挂上：%(reason)s") % {"reason": exc.message})
    return problems
