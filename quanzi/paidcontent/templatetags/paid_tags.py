"""`{% paid_post_panel post %}`: on the post page, the locked part of a paid post — in full to a reader with access
(`selectors.check_access`, asked on every render), else the buy box; nothing for a free post. `{% paid_badge post %}`:
the feed card's 付费 · price badge, from one query per page (however many cards it shows). Content's templates
load this library (like catalog's `post_product_cards`): content never imports paid content."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.translation import gettext as _

from quanzi.core.money import format_yuan
from quanzi.paidcontent import selectors
from quanzi.paidcontent.enums import ItemKind

register = template.Library()

_PRICES = "_paidcontent_prices"


@register.simple_tag(takes_context=True)
def paid_post_panel(context: Any, post: Any) -> str:
    request = context.get("request")
    paid = selectors.paid_post_of(post_id=post.pk)
    if paid is None or request is None:
        return ""
    from quanzi.paidcontent.views import buy_box

    user = request.user if request.user.is_authenticated else None
    return render_to_string("paidcontent/_post_panel.html", {
        "paid": paid, "access": selectors.check_access(user, paid),
        "box": buy_box(request, kind=ItemKind.POST, item=paid, price_fen=paid.price_fen)}, request=request)


@register.simple_tag(takes_context=True)
def paid_badge(context: Any, post: Any) -> str:
    if hasattr(post, "paid_price_fen"):  # a feed's card: the price came with the post (selectors.card_annotations)
        fen = post.paid_price_fen
    else:
        request = context.get("request")
        prices = getattr(request, _PRICES, None) if request is not None else None
        if prices is None:
            prices = selectors.paid_prices()
            if request is not None:
                setattr(request, _PRICES, prices)
        fen = prices.get(post.pk)
    if fen is None:
        return ""
    # styled inline: the feed pages do not load paid content's stylesheet
    return format_html('<p class="pc-badge-row" style="margin:4px 0"><span class="pc-badge" data-paid="{}" style="'
                       'display:inline-block;background:#fff1e0;color:#a4530a;border:1px solid #f3c999;'
                       'border-radius:999px;padding:1px 8px;font-size:12px;font-weight:600">{} · {}</span></p>',
                       post.pk, _("付费"), format_yuan(fen))
