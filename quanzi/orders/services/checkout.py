"""Checkout: one call that prices the cart (or given items), splits it into one order per merchant, reserves stock
by conditional updates and records the closed-loop credit on every line — all in one transaction, idempotent by
the buyer's key."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quanzi.catalog import selectors as catalog_selectors
from quanzi.catalog.enums import Fulfilment
from quanzi.catalog.services import stock_reserve
from quanzi.core.errors import NotAuthenticated
from quanzi.core.events import track
from quanzi.core.messages import message_columns, msg
from quanzi.core.money import allocate, percent_of
from quanzi.orders import errors, hooks, rules
from quanzi.orders.enums import OrderStatus
from quanzi.orders.errors import ErrorCode
from quanzi.orders.models import (
    Address,
    CartItem,
    CheckoutSession,
    Order,
    OrderLine,
    OrderLineAdjustment,
    OrderStatusChange,
)
from quanzi.orders.pricing import MerchantQuote, PricedLine, Quote
from quanzi.orders.selectors import order_attribution, quote_for, sku_sellable
from quanzi.orders.services.cart import check_quantity
from quanzi.orders.services.pipeline import release_expired_for_skus


def _line_adjustments(line: OrderLine, priced: PricedLine, quote: Quote, mq: MerchantQuote) -> dict[str, int]:
    """Write one `OrderLineAdjustment` per source that took something off this line; returns source -> fen."""
    by_source: dict[tuple[str, str], int] = {}
    labels: dict[tuple[str, str], str] = {}
    if priced.member_discount_fen:
        by_source[("member", "member")] = priced.member_discount_fen
    for adj in quote.adjustments:
        if adj.stage == "shipping":
            off = adj.per_merchant.get(mq.merchant_id, 0)
            if not off:
                continue
            parts = allocate(off, [ln.list_fen for ln in mq.lines])  # the same weights as the shipping fee
            part = dict(zip([ln.sku_id for ln in mq.lines], parts, strict=True)).get(priced.sku_id, 0)
        else:
            part = adj.per_line.get(priced.sku_id, 0)
        if part:
            key = (adj.stage, (adj.source or adj.stage)[:64])
            by_source[key] = by_source.get(key, 0) + part
            labels.setdefault(key, adj.label)
    merged: dict[str, int] = {}
    for (stage, source), fen in by_source.items():
        OrderLineAdjustment.objects.create(order_line=line, stage=stage, source=source,
                                           label=labels.get((stage, source), "")[:80], amount_fen=fen)
        merged[source] = merged.get(source, 0) + fen
    return merged


def new_order_number(now: dt.datetime) -> str:
    """A human order number: Shanghai date-time to the second + 6 random digits (unique constraint backs it)."""
    local = timezone.localtime(now)
    return f"{local:%Y%m%d%H%M%S}{secrets.randbelow(10**6):06d}"


def _merge_items(items: list[tuple[int, int]]) -> dict[int, int]:
    merged: dict[int, int] = {}
    for sku_id, quantity in items:
        check_quantity(quantity)
        merged[sku_id] = check_quantity(merged.get(sku_id, 0) + quantity)
    return merged


def _requested(user: Any, items: list[tuple[int, int]] | None) -> tuple[dict[int, int], bool]:
    if items is None:
        rows = list(CartItem.objects.filter(cart__user=user).values_list("sku_id", "quantity"))
        if not rows:
            raise errors.empty_cart()
        return _merge_items(rows), True
    if not items:
        raise errors.empty_cart()
    return _merge_items(items), False


def order_place(*, user: Any, address_id: int | None, idempotency_key: str,
                items: list[tuple[int, int]] | None = None, expected_total_fen: int | None = None,
                note: str = "", options: dict[str, Any] | None = None) -> CheckoutSession:
    """Place a checkout. `items` are (sku_id, quantity); None buys the whole cart (the bought lines leave it).

    Refuses with: empty_cart, invalid_quantity, address_missing, product_off_shelf, price_changed (when
    `expected_total_fen` differs from the total now), out_of_stock. A replay of the same key returns the first
    checkout. Expired reservations of the SKUs involved are released first (each in its own short transaction, so
    placement never waits in a lock cycle), then everything else happens in one transaction."""
    if user is None or not getattr(user, "is_authenticated", False):
        raise NotAuthenticated(ErrorCode.NOT_AUTHENTICATED, _("请先登录"))
    key = (idempotency_key or "").strip()
    if not 8 <= len(key) <= 64:
        raise errors.idempotency_key_missing()
    fingerprint = request_fingerprint(address_id=address_id, items=items, expected_total_fen=expected_total_fen,
                                      note=note, options=options)
    first = CheckoutSession.objects.filter(buyer=user, idempotency_key=key).first()
    if first is not None:
        return _replayed(first, fingerprint)
    wanted, from_cart = _requested(user, items)
    release_expired_for_skus(sku_ids=list(wanted))
    return _place(user=user, address_id=address_id, key=key, wanted=wanted, from_cart=from_cart,
                  expected_total_fen=expected_total_fen, note=note, options=options, fingerprint=fingerprint)


def request_fingerprint(*, address_id: int | None, items: list[tuple[int, int]] | None,
                        expected_total_fen: int | None, note: str, options: dict[str, Any] | None) -> str:
    """What a checkout request asked for, as a sha256: the same items in another order or split over two entries
    of one SKU are the same request."""
    merged: dict[int, int] | None = None
    if items is not None:
        merged = {}
        for sku_id, quantity in items:
            merged[int(sku_id)] = merged.get(int(sku_id), 0) + int(quantity)
    body = {"address_id": address_id, "items": sorted(merged.items()) if merged is not None else None,
            "expected_total_fen": expected_total_fen, "note": (note or "").strip(), "options": options or {}}
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


def _replayed(first: CheckoutSession, fingerprint: str) -> CheckoutSession:
    if first.request_fingerprint and first.request_fingerprint != fingerprint:
        raise errors.idempotency_key_reused()
    return first


@transaction.atomic
def _place(*, user: Any, address_id: int | None, key: str, wanted: dict[int, int], from_cart: bool,
           expected_total_fen: int | None, note: str, options: dict[str, Any] | None,
           fingerprint: str) -> CheckoutSession:
    address = Address.objects.filter(user=user, pk=address_id).first() if address_id else None
    skus = catalog_selectors.skus_by_id(sku_ids=wanted)
    if from_cart:  # the cart page lists unavailable items apart and leaves them out of the total: so does this
        available = {i: q for i, q in wanted.items() if i in skus and sku_sellable(skus[i])}
        if not available:
            first = next(iter(skus.values()), None)
            raise errors.product_off_shelf(first.product.title if first else "")
        wanted = available
    for sku_id in wanted:
        sku = skus.get(sku_id)
        if sku is None or not sku_sellable(sku):
            raise errors.product_off_shelf(sku.product.title if sku else "")
    # virtual goods only (a membership, a red packet's funding): nothing to ship, so no address is needed
    virtual = all(skus[i].product.fulfilment == Fulfilment.VIRTUAL for i in wanted)
    if address is None and not virtual:
        raise errors.address_missing()
    ordered = sorted(wanted)
    quote: Quote = quote_for(user=user, items=[(skus[i], wanted[i]) for i in ordered], options=options)
    if expected_total_fen is not None and expected_total_fen != quote.total_fen:
        raise errors.price_changed(expected_total_fen, quote.total_fen)
    try:
        with transaction.atomic():
            checkout = CheckoutSession.objects.create(buyer=user, idempotency_key=key, total_fen=quote.total_fen,
                                                      request_fingerprint=fingerprint)
    except IntegrityError:  # the same key placed concurrently: return what that placement made
        return _replayed(CheckoutSession.objects.get(buyer=user, idempotency_key=key), fingerprint)

    now = timezone.now()
    credits = order_attribution(user_id=user.pk, product_ids=[s.product_id for s in skus.values()], at=now)
    merchants = catalog_selectors.merchants_by_id(merchant_ids={q.merchant_id for q in quote.merchants})
    expires_at = now + dt.timedelta(minutes=rules.pay_minutes())
    # plug-ins that keep units apart from the SKU's stock (a flash-sale allotment) put back the ones this checkout
    # takes, in this transaction, so the reservation below finds them; a refusal rolls everything back. Called as
    # late as possible: the rows they change are hot (every buyer of the sale wants them) and stay held to the commit
    reserve_context = hooks.ReserveContext(user=user, checkout_id=checkout.pk, options=dict(options or {}),
                                           quote=quote)
    for _name, reserve_hook in sorted(hooks.RESERVE_HOOKS.items()):
        reserve_hook(reserve_context)
    orders: list[Order] = []
    placed: list[hooks.PlacedOrder] = []
    for mq in sorted(quote.merchants, key=lambda m: m.merchant_id):
        merchant = merchants[mq.merchant_id]
        order = Order.objects.create(
            number=new_order_number(now), checkout=checkout, buyer=user, merchant=merchant,
            status=OrderStatus.PENDING_PAYMENT, ship_name=address.name if address else "",
            ship_phone=address.phone if address else "", ship_address=address.full_text if address else "",
            goods_fen=mq.goods_fen, discount_fen=mq.discount_fen, shipping_fen=mq.shipping_fen,
            payable_fen=mq.payable_fen, note=(note or "")[:200], expires_at=expires_at,
            is_virtual=all(skus[ln.sku_id].product.fulfilment == Fulfilment.VIRTUAL for ln in mq.lines))
        commission = 0
        placed_lines: list[hooks.PlacedLine] = []
        for ln in sorted(mq.lines, key=lambda x: x.sku_id):
            sku = skus[ln.sku_id]
            if not stock_reserve(sku_id=sku.pk, quantity=ln.quantity, order_id=order.pk):
                raise errors.out_of_stock(ln.title, sku.pk)  # rolls back every reservation made so far
            credit = credits.get(ln.product_id)
            line_commission = percent_of(ln.goods_payable_fen, merchant.commission_rate)
            commission += line_commission
            line = OrderLine.objects.create(
                order=order, sku=sku, product_id=ln.product_id, title=ln.title, spec=ln.spec,
                return_exemption=sku.product.return_exemption, quantity=ln.quantity,
                unit_price_fen=ln.unit_list_fen, list_fen=ln.list_fen,
                member_discount_fen=ln.member_discount_fen, campaign_discount_fen=ln.campaign_discount_fen,
                coupon_discount_fen=ln.coupon_discount_fen, points_discount_fen=ln.points_discount_fen,
                shipping_fen=ln.shipping_fen, goods_payable_fen=ln.goods_payable_fen, payable_fen=ln.payable_fen,
                commission_fen=line_commission,
                share_token=credit.share_token if credit else "", post_id=credit.post_id if credit else None,
                sharer_id=credit.sharer_id if credit else None, kol_id=credit.kol_id if credit else None,
                community_id=credit.community_id if credit else None)
            by_source = _line_adjustments(line, ln, quote, mq)
            placed_lines.append(hooks.PlacedLine(
                line_id=line.pk, sku_id=sku.pk, product_id=ln.product_id, quantity=ln.quantity,
                goods_payable_fen=ln.goods_payable_fen, payable_fen=ln.payable_fen, adjustments=by_source))
        placed.append(hooks.PlacedOrder(order_id=order.pk, merchant_id=merchant.pk, payable_fen=order.payable_fen,
                                        lines=placed_lines))
        Order.objects.filter(pk=order.pk).update(commission_fen=commission)
        order.commission_fen = commission
        OrderStatusChange.objects.create(order=order, from_status="", to_status=OrderStatus.PENDING_PAYMENT,
                                         actor=user, **message_columns(msg("order.placed"), model=OrderStatusChange,
                                                                       text="reason"))
        orders.append(order)
    # plug-ins reserve or redeem what the quote used (a coupon, points, a group place); a refusal raises and
    # rolls back everything above: no order, no stock, no event
    context = hooks.CheckoutContext(user=user, checkout_id=checkout.pk, options=dict(options or {}), quote=quote,
                                    orders=placed)
    for _name, hook in sorted(hooks.CHECKOUT_HOOKS.items()):
        hook(context)
    if from_cart:
        CartItem.objects.filter(cart__user=user, sku_id__in=list(wanted)).delete()
    track("order.place", user=user, obj=checkout, total_fen=quote.total_fen,
          order_ids=[o.pk for o in orders], adjustments=[a.source for a in quote.adjustments if a.source])
    return checkout
