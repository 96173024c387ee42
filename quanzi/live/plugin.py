"""How live sessions plug into orders (registered in apps.py; orders never imports this):

- pricing (`CAMPAIGN_ADJUSTERS`): with `options.campaign_kind == "live"` and `options.campaign_id` naming a pin,
  the pinned SKU's line is charged the live price while the session is live and the product pinned (a campaign
  adjustment, source `live:<pin id>`: no coupon on top, as for other campaign prices); otherwise the checkout is
  refused with `live_price_unavailable` (the page then shows the list price);
- at checkout (`on_checkout`): each line whose last touch is the session's buy button (`order_attribution` gives
  the session's token) is written as a `LiveOrderLine` — the session's orders;
- moments: `paid`, `cancelled` and `refunded` keep those rows' state, so the replay's orders and GMV are paid
  orders only;
- `share_token_owner`: the host is the sharer of the session's links (the credit's sharer on the order line).
"""

from __future__ import annotations

from django.db.models import F
from django.db.models.functions import Least
from django.utils import timezone

from quanzi.core import personal_data
from quanzi.live import errors, selectors
from quanzi.live.enums import SessionStatus
from quanzi.live.models import LiveComment, LiveOrderLine, LiveViewer
from quanzi.orders import hooks, pricing
from quanzi.orders.selectors import order_attribution

KIND = "live"


def live_price(ctx: pricing.PricingContext) -> list[pricing.Adjustment]:
    if ctx.options.get("campaign_kind") != KIND or not ctx.options.get("campaign_id"):
        return []
    pin = selectors.pin_for_price(pin_id=int(ctx.options["campaign_id"]))
    if pin is None or pin.live_price_fen is None:
        raise errors.price_unavailable()
    if pin.session.status != SessionStatus.LIVE or not pin.active:
        raise errors.price_unavailable()
    out = []
    for line in ctx.lines:
        if line.sku_id != pin.sku_id:
            continue
        # from what the line costs after a member price: a member price below the live price stays
        off = line.list_fen - line.member_discount_fen - pin.live_price_fen * line.quantity
        if off > 0:
            out.append(pricing.Adjustment(stage="campaign", amount_fen=off, label=str(pin.session.title)[:40],
                                          sku_ids=frozenset({line.sku_id}), source=f"live:{pin.pk}"))
    return out


def record_credit(ctx: hooks.CheckoutContext) -> None:
    """Inside the checkout: the lines credited to a session (last touch: its buy button) become its order lines."""
    product_ids = [line.product_id for order in ctx.orders for line in order.lines]
    credits = order_attribution(user_id=ctx.user.pk, product_ids=product_ids)
    tokens = {c.share_token for c in credits.values() if c.share_token.startswith("lv")}
    if not tokens:
        return
    sessions = selectors.sessions_by_token(tokens=tokens)
    rows = []
    for order in ctx.orders:
        for line in order.lines:
            credit = credits.get(line.product_id)
            session = sessions.get(credit.share_token) if credit is not None else None
            if session is None:
                continue
            rows.append(LiveOrderLine(
                session=session, order_id=order.order_id, order_line_id=line.line_id, buyer_id=ctx.user.pk,
                product_id=line.product_id, quantity=line.quantity, goods_payable_fen=line.goods_payable_fen,
                live_priced=any(s.startswith("live:") for s in line.adjustments), created_at=timezone.now()))
    LiveOrderLine.objects.bulk_create(rows)


def on_paid(event: hooks.OrderMomentEvent) -> None:
    LiveOrderLine.objects.filter(order_id=event.order_id).update(paid=True)


def on_cancelled(event: hooks.OrderMomentEvent) -> None:
    LiveOrderLine.objects.filter(order_id=event.order_id, paid=False).update(cancelled=True)


def on_refunded(event: hooks.OrderMomentEvent) -> None:
    for line_id, fen in event.lines.items():
        LiveOrderLine.objects.filter(order_line_id=line_id).update(
            refunded_fen=Least(F("refunded_fen") + fen, F("goods_payable_fen")))


def _export(user_id: int) -> list[dict[str, object]]:
    return [{"session_id": c.session_id, "body": c.body, "status": c.status, "created_at": c.created_at.isoformat()}
            for c in LiveComment.objects.filter(user_id=user_id).order_by("id")]


def _erase(user_id: int) -> None:
    """A deleted member's comments and room visits go; the sessions' counts stay (figures, not personal data);
    the order lines credited to a session keep the money but are anonymised with the orders themselves."""
    LiveComment.objects.filter(user_id=user_id).delete()
    LiveViewer.objects.filter(user_id=user_id).delete()


def register() -> None:
    if live_price not in pricing.CAMPAIGN_ADJUSTERS:
        pricing.CAMPAIGN_ADJUSTERS.append(live_price)
    hooks.on_checkout("live.credit", record_credit)
    hooks.on_paid("live.paid", on_paid)
    hooks.on_cancelled("live.cancelled", on_cancelled)
    hooks.on_refunded("live.refunded", on_refunded)
    hooks.share_token_owner("live", selectors.share_owners)
    personal_data.register("live_comments", export=_export, erase=_erase,
                           models=("live.LiveComment", "live.LiveViewer"))
