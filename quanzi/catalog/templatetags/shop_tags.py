"""`{{ amount_fen|yuan }}` → ¥12.34 (rounding lives in core.money), and `{% post_product_cards post %}`: the
product cards of a post on content's post page (content does not import catalog; its template loads this tag)."""

from __future__ import annotations

from typing import Any

from django import template

from quanzi.catalog import selectors
from quanzi.communities.selectors import has_perm
from quanzi.core.money import format_yuan

register = template.Library()


@register.filter
def yuan(amount_fen: Any) -> str:
    if amount_fen is None or amount_fen == "":
        return ""
    return format_yuan(int(amount_fen))


@register.inclusion_tag("catalog/_post_products.html", takes_context=True)
def post_product_cards(context: template.Context, post: Any) -> dict[str, Any]:
    """The post's sellable product cards; its author, when they may pick products in the post's community, also
    gets the form to hang one from the community's shelf (and to take one down)."""
    request = context.get("request")
    user = request.user if request is not None and request.user.is_authenticated else None
    community = post.community
    products = list(selectors.post_products(post_id=post.pk))
    can_attach = (user is not None and post.author_id == user.pk
                  and has_perm(user=user, community=community, perm="pick_products"))
    attached = {p.pk for p in products}
    card_choices = ([p for p in selectors.community_shelf(community=community) if p.pk not in attached]
                    if can_attach else [])
    return {"post": post, "community": community, "products": products, "can_attach": can_attach,
            "card_choices": card_choices, "share": context.get("share"), "request": request,
            "csrf_token": context.get("csrf_token")}


@register.simple_tag(takes_context=True)
def product_panels(context: Any, product: Any) -> str:
    """The panels higher apps registered for the product page (catalog.hooks.PRODUCT_PANELS), in name order."""
    from django.utils.safestring import mark_safe

    from quanzi.catalog.hooks import PRODUCT_PANELS

    request = context.get("request")
    return mark_safe("".join(fn(request, product) or "" for _name, fn in sorted(PRODUCT_PANELS.items())))
