"""Order reads: carts, addresses, a buyer's and a merchant's orders (with time-outs applied when read), and the
closed-loop attribution of an order line."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.db.models import Count, F, Prefetch, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from quanzi.catalog import selectors as catalog_selectors
from quanzi.catalog.enums import Fulfilment, MerchantStatus
from quanzi.catalog.selectors import post_cards
from quanzi.communities.selectors import community_by_id, has_perm
from quanzi.content.selectors import posts_by_id, sharers_by_token
from quanzi.core.enums import TouchKind
from quanzi.core.errors import InvalidInput
from quanzi.core.events import touches_between
from quanzi.orders import errors, hooks, rules
from quanzi.orders.enums import OrderStatus
from quanzi.orders.errors import ErrorCode
from quanzi.orders.models import (
    Address,
    CartItem,
    CheckoutSession,
    Order,
    OrderHold,
    OrderLine,
    OrderPayment,
    OrderRefund,
    ShippingTemplate,
    TrackingEvent,
)
from quanzi.orders.pricing import Quote, ShippingRule, SkuFacts, price_checkout

if TYPE_CHECKING:
    from quanzi.catalog.models import Merchant, Sku

# --- attribution -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Credit:
    share_token: str = ""
    post_id: int | None = None
    sharer_id: int | None = None
    kol_id: int | None = None
    community_id: int | None = None


def _kol_of(post: Any) -> int | None:
    """The post's author is credited as the KOL when they may carry products in that community (owner, admin,
    KOL)."""
    if post is None:
        return None
    return post.author_id if has_perm(user=post.author, community=post.community, perm="pick_products") else None


def order_attribution(*, user_id: int, product_ids: list[int], at: dt.datetime | None = None) -> dict[int, Credit]:
    """Last-touch credit per product within the attribution window before `at`.

    The touches are `core.Touch` rows (written by `core.events.touch_record`): a click on that product's card in a
    post (`card_click`), a view through a share link (`share_view`) of a post that carries that product's card, or
    a view of the product through a plug-in's share link (`link_view`, e.g. a group-buy link: no post; the
    plug-in tells who owns the token through `hooks.share_token_owner`). The latest touch wins. Products with no
    touch are left out."""
    at = at or timezone.now()
    since = at - dt.timedelta(days=rules.attribution_days())
    touches = touches_between(user_id=user_id, since=since, until=at, limit=500)
    if not touches:
        return {}
    wanted = set(product_ids)
    viewed_posts = {t.post_id for t in touches if t.kind == TouchKind.SHARE_VIEW and t.post_id is not None}
    cards = post_cards(post_ids=viewed_posts, product_ids=wanted)
    credited: dict[int, Any] = {}  # product -> its latest touch
    for t in touches:
        if t.kind in (TouchKind.CARD_CLICK, TouchKind.LINK_VIEW):
            if t.product_id is not None and t.product_id in wanted and t.product_id not in credited:
                credited[t.product_id] = t
        elif t.post_id is not None:
            for product_id in cards.get(t.post_id, set()):
                credited.setdefault(product_id, t)
        if len(credited) == len(wanted):
            break
    if not credited:
        return {}
    posts = posts_by_id(post_ids={t.post_id for t in credited.values() if t.post_id is not None})
    tokens = {t.share_token for t in credited.values() if t.share_token}
    sharers = sharers_by_token(tokens=tokens)
    for owners in hooks.SHARE_TOKEN_OWNERS.values():  # plug-ins' own share links (a group-buy link)
        if tokens - set(sharers):
            sharers.update(owners(tokens - set(sharers)))
    out: dict[int, Credit] = {}
    for product_id, t in credited.items():
        post = posts.get(t.post_id) if t.post_id is not None else None
        out[product_id] = Credit(
            share_token=t.share_token, post_id=t.post_id, sharer_id=sharers.get(t.share_token),
            kol_id=_kol_of(post), community_id=t.community_id or (post.community_id if post else None),
        )
    return out


# --- addresses, shipping templates, cart -------------------------------------------------------------------------


def address_list(*, user: Any) -> QuerySet[Address]:
    return Address.objects.filter(user=user)


def address_get(*, user: Any, address_id: int) -> Address:
    address = Address.objects.filter(user=user, pk=address_id).first()
    if address is None:
        raise errors.address_not_found()
    return address


def shipping_rules(merchant_ids: set[int]) -> dict[int, ShippingRule | None]:
    rules_by_merchant: dict[int, ShippingRule | None] = {m: None for m in merchant_ids}
    for t in ShippingTemplate.objects.filter(merchant_id__in=merchant_ids):
        rules_by_merchant[t.merchant_id] = ShippingRule(
            mode=t.mode, first_units=t.first_units, first_fee_fen=t.first_fee_fen,
            additional_units=t.additional_units, additional_fee_fen=t.additional_fee_fen,
            free_threshold_fen=t.free_threshold_fen)
    return rules_by_merchant


def sku_facts(sku: Sku) -> SkuFacts:
    return SkuFacts(sku_id=sku.pk, product_id=sku.product_id, merchant_id=sku.product.merchant_id,
                    title=sku.product.title, spec=dict(sku.spec or {}), price_fen=sku.price_fen,
                    member_price_fen=sku.member_price_fen, weight_g=sku.weight_g,
                    fixed_price=bool(sku.product.system_key))


def sku_sellable(sku: Sku) -> bool:
    product = sku.product
    return bool(sku.is_active and product.on_shelf and product.merchant.status == MerchantStatus.APPROVED)


def quote_for(*, user: Any, items: list[tuple[Sku, int]], options: dict[str, Any] | None = None) -> Quote:
    facts = [(sku_facts(s), q) for s, q in items]
    # virtual goods ship nothing: a merchant selling only those (a paid-content author's shop) charges no shipping
    shipped = {s.product.merchant_id for s, _q in items if s.product.fulfilment != Fulfilment.VIRTUAL}
    return price_checkout(user=user, items=facts, shipping_rules=shipping_rules(shipped), options=options)


@dataclass
class CartView:
    items: list[CartItem]
    unavailable: list[CartItem] = field(default_factory=list)
    quote: Quote | None = None


def cart_items(*, user: Any) -> list[CartItem]:
    return list(CartItem.objects.filter(cart__user=user)
                .select_related("sku__product__merchant", "sku__image").prefetch_related("sku__product__images"))


def cart_view(*, user: Any, options: dict[str, Any] | None = None) -> CartView:
    """The cart with a price preview of the items that can be bought now; the rest are listed apart."""
    items = cart_items(user=user)
    ok = [i for i in items if sku_sellable(i.sku)]
    bad = [i for i in items if not sku_sellable(i.sku)]
    quote = quote_for(user=user, items=[(i.sku, i.quantity) for i in ok], options=options) if ok else None
    return CartView(items=ok, unavailable=bad, quote=quote)


# --- orders ------------------------------------------------------------------------------------------------------


def _with_details(qs: QuerySet[Order]) -> QuerySet[Order]:
    return qs.select_related("merchant", "buyer").prefetch_related(
        "lines", "lines__adjustments", "lines__product__images",  # the lists' and the page's pictures
        Prefetch("shipment__events", queryset=TrackingEvent.objects.all()),
        "status_changes",
        Prefetch("holds", queryset=OrderHold.objects.filter(released_at__isnull=True), to_attr="active_holds"))


def _check_status(status: str | None) -> None:
    if status and status not in OrderStatus.values:
        raise InvalidInput(ErrorCode.INVALID_STATUS, _("订单状态取值无效"))


def order_list_for_buyer(*, user: Any, status: str | None = None) -> QuerySet[Order]:
    _check_status(status)
    qs = Order.objects.filter(buyer=user)
    if status:
        qs = qs.filter(rules.status_q(status, timezone.now()))
    return _with_details(qs).order_by("-id")


ROW_STATUSES = (OrderStatus.PENDING_PAYMENT, OrderStatus.PAID, OrderStatus.SHIPPED)


def order_status_counts(*, user: Any) -> dict[str, int]:
    """How many of the buyer's orders read now (`rules.status_q`) as 待付款, 待发货 and 已发货 (to receive): the
    order row of 我, in one query."""
    now = timezone.now()
    row = Order.objects.filter(buyer_id=getattr(user, "pk", None)).aggregate(
        **{str(s): Count("pk", filter=rules.status_q(s, now)) for s in ROW_STATUSES})
    return {str(s): int(row[str(s)] or 0) for s in ROW_STATUSES}


def delivered_lines(*, user: Any, statuses: Any) -> QuerySet[OrderLine, Any]:
    """values_list rows (order_id, line id) of the buyer's lines on orders in `statuses` that are delivered now:
    confirmed, or shipped longer ago than the automatic confirmation (true before a job makes it real)."""
    confirm = timezone.now() - dt.timedelta(days=rules.auto_confirm_days())
    return (OrderLine.objects.filter(order__buyer_id=getattr(user, "pk", None), order__status__in=list(statuses))
            .filter(Q(order__delivered_at__isnull=False) | Q(order__shipped_at__lte=confirm))
            .values_list("order_id", "pk"))


def order_get_for_buyer(*, user: Any, order_id: int) -> Order:
    """Someone else's order is a 404, the same as a missing one."""
    order = _with_details(Order.objects.filter(buyer=user, pk=order_id)).first()
    if order is None:
        raise errors.order_not_found()
    return order


def order_list_for_merchant(*, merchant: Merchant, status: str | None = None) -> QuerySet[Order]:
    _check_status(status)
    qs = Order.objects.filter(merchant=merchant)
    if status:
        qs = qs.filter(rules.status_q(status, timezone.now()))
    return _with_details(qs).order_by("-id")


def order_list_to_ship(*, merchant: Merchant) -> QuerySet[Order]:
    """The merchant's orders waiting for shipment: paid, or partly refunded before shipment (the units left still
    ship). Orders with a pending refund request (退款中) wait for the merchant's decision on it instead."""
    qs = Order.objects.filter(merchant=merchant, shipped_at__isnull=True,
                              status__in=[OrderStatus.PAID, OrderStatus.PARTIALLY_REFUNDED])
    return _with_details(qs).order_by("-id")


def order_shippable(order: Order) -> bool:
    return order.shipped_at is None and order.status in (OrderStatus.PAID, OrderStatus.PARTIALLY_REFUNDED) \
        and not order_holds(order)


def order_holds(order: Order) -> list[OrderHold]:
    """The active shipping holds of an order (a group-buy not filled yet …), with the reason both sides see."""
    held = getattr(order, "active_holds", None)
    if held is None:
        held = list(OrderHold.objects.filter(order=order, released_at__isnull=True))
    return list(held)


def order_count() -> int:
    """How many orders there are (the demo builder reports it)."""
    return Order.objects.count()


def order_is_party(*, user: Any, order_id: int) -> bool:
    """The user is the order's buyer or its merchant (who may see its payments and refunds)."""
    uid = getattr(user, "pk", None)
    return Order.objects.filter(Q(buyer_id=uid) | Q(merchant__user_id=uid), pk=order_id).exists()


def checkout_by_key(*, user: Any, idempotency_key: str) -> CheckoutSession | None:
    """The checkout this buyer placed with this idempotency key, if any (a plug-in's own buy endpoint answers a
    replay with it, as `order_place` does)."""
    key = (idempotency_key or "").strip()
    if not key or user is None or not getattr(user, "is_authenticated", False):
        return None
    return CheckoutSession.objects.filter(buyer=user, idempotency_key=key).first()


def order_number(*, order_id: int) -> str:
    """The order's number as buyers and merchants see it ("" for an order that does not exist)."""
    return Order.objects.filter(pk=order_id).values_list("number", flat=True).first() or ""


def order_id_of_line(*, order_line_id: int) -> int | None:
    """The order an order line belongs to (None when there is no such line); callers check who may see it."""
    return OrderLine.objects.filter(pk=order_line_id).values_list("order_id", flat=True).first()


def order_get_for_merchant(*, merchant: Merchant, order_id: int) -> Order:
    order = _with_details(Order.objects.filter(merchant=merchant, pk=order_id)).first()
    if order is None:
        raise errors.order_not_found()
    return order


def order_status_now(order: Order) -> str:
    return rules.effective_status(order, timezone.now())


def community_name(community_id: int | None) -> str:
    if community_id is None:
        return ""
    community = community_by_id(community_id=community_id)
    return community.name if community is not None else ""


def quote_preview(*, user: Any, items: list[tuple[int, int]] | None,
                  options: dict[str, Any] | None = None) -> Quote | None:
    """Price given (sku_id, quantity) items, or the cart when None, without placing anything; `options` are the
    buyer's choices for the plug-ins (coupons, points, a campaign or group), as checkout takes them."""
    if items is None:
        return cart_view(user=user, options=options).quote
    skus = catalog_selectors.skus_by_id(sku_ids=[i for i, _q in items])
    wanted: list[tuple[Sku, int]] = []
    for sku_id, quantity in items:
        sku = skus.get(sku_id)
        if sku is None or not sku_sellable(sku):
            raise errors.product_off_shelf(sku.product.title if sku else "")
        if not 1 <= quantity <= 999:
            raise errors.invalid_quantity()
        wanted.append((sku, quantity))
    return quote_for(user=user, items=wanted, options=options) if wanted else None


def shipping_template_get(*, merchant: Merchant) -> ShippingTemplate | None:
    return ShippingTemplate.objects.filter(merchant=merchant).first()


def stock_held_expired(sku_ids: list[int]) -> dict[int, int]:
    """Units of these SKUs held by unpaid orders past their deadline whose stock has not gone back yet: they read
    as free already (registered with `catalog.hooks` in `OrdersConfig.ready`)."""
    now = timezone.now()
    return dict(
        OrderLine.objects.filter(sku_id__in=sku_ids, order__status=OrderStatus.PENDING_PAYMENT,
                                 order__expires_at__lte=now, order__stock_released=False)
        .values("sku_id").annotate(n=Sum("quantity")).values_list("sku_id", "n"))


def available_stock(*, sku_ids: list[int]) -> dict[int, int]:
    """Stock as it reads now, expired holds counted as free (`catalog.selectors.available_stock`)."""
    return catalog_selectors.available_stock(sku_ids=sku_ids)


# --- for settlements (what a merchant sold in a period) --------------------------------------------------------


def lines_paid_in(*, merchant_id: int, start_at: dt.datetime, end_at: dt.datetime) -> QuerySet[OrderLine]:
    """The merchant's order lines whose order took its payment in [start_at, end_at), with the order, in time
    order."""
    return (OrderLine.objects.filter(order__merchant_id=merchant_id, order__paid_at__gte=start_at,
                                     order__paid_at__lt=end_at)
            .select_related("order").order_by("order__paid_at", "order_id", "pk"))


def merchant_ids_paid_in(*, start_at: dt.datetime, end_at: dt.datetime) -> QuerySet[Order, Any]:
    """A values() subquery: the merchants with an order paid in [start_at, end_at)."""
    return Order.objects.filter(paid_at__gte=start_at, paid_at__lt=end_at).values("merchant_id")


def orders_by_id(*, order_ids: Any) -> dict[int, Order]:
    return {o.pk: o for o in Order.objects.filter(pk__in=list(order_ids))}


def commission_by_order(*, order_ids: Any) -> dict[int, int]:
    """The commission recorded on each order's lines, summed per order (0 for an order without lines)."""
    ids = list(order_ids)
    commission = {o: 0 for o in ids}
    for order_id, c in OrderLine.objects.filter(order_id__in=ids).values_list("order_id", "commission_fen"):
        commission[order_id] += c
    return commission


def applied_payment_refs() -> QuerySet[OrderPayment, Any]:
    """A values() subquery: the payment references the orders took (applied), as opposed to money an order could
    not take (late or duplicate payments)."""
    return OrderPayment.objects.filter(applied=True).values("payment_ref")


def checkout_order_ids(*, checkout_id: int) -> list[int]:
    """The orders one checkout made (one per merchant), in id order."""
    return list(Order.objects.filter(checkout_id=checkout_id).order_by("pk").values_list("pk", flat=True))


# --- for recommendations (what members bought) -------------------------------------------------------------------


def purchases_since(*, since: dt.datetime, buyer_ids: Any = None) -> QuerySet[OrderLine, Any]:
    """values_list rows (buyer_id, product_id, community_id, paid_at) of the paid lines of real goods (no virtual
    orders) since `since`, optionally of these buyers only: what members bought, for training and the
    "bought recently" and "friends bought" lists."""
    qs = OrderLine.objects.filter(order__paid_at__gte=since, order__is_virtual=False)
    if buyer_ids is not None:
        qs = qs.filter(order__buyer_id__in=list(buyer_ids))
    return qs.order_by("order__paid_at", "pk").values_list("order__buyer_id", "product_id", "community_id",
                                                           "order__paid_at")


def product_sales_since(*, since: dt.datetime, community_id: int | None = None,
                        limit: int = 50) -> list[tuple[int, int]]:
    """(product_id, units) of the best sellers since `since` (in one community when given), best first."""
    qs = OrderLine.objects.filter(order__paid_at__gte=since, order__is_virtual=False)
    if community_id is not None:
        qs = qs.filter(community_id=community_id)
    rows = (qs.values("product_id").annotate(units=Sum("quantity")).order_by("-units", "product_id")
            .values_list("product_id", "units")[:limit])
    return [(int(p), int(u or 0)) for p, u in rows]


SOLD_CACHE_SECONDS = 300  # the product page's 已售 figure may lag a paid order by five minutes


def product_units_sold(product_id: int) -> int:
    """Units of the product paid for (orders with `paid_at`, real goods), less those cancelled before shipment:
    the 已售 figure of the product page. One aggregate query, cached for a few minutes per product."""
    def count() -> int:
        total = (OrderLine.objects.filter(product_id=product_id, order__paid_at__isnull=False,
                                          order__is_virtual=False)
                 .aggregate(n=Sum(F("quantity") - F("cancelled_quantity")))["n"])
        return max(0, int(total or 0))

    return int(cache.get_or_set(f"orders:sold:{int(product_id)}", count, SOLD_CACHE_SECONDS) or 0)


def order_rows_changed_after(*, stamp: dt.datetime | None, after_id: int, limit: int) -> list[dict[str, Any]]:
    """Orders changed after (stamp, after_id), in (updated_at, id) order, for the analytics export: money, status
    and times only (no address, phone or note)."""
    qs = Order.objects.all()
    if stamp is not None:
        qs = qs.filter(Q(updated_at__gt=stamp) | Q(updated_at=stamp, id__gt=after_id))
    return [dict(r) for r in qs.order_by("updated_at", "id").values(
        "id", "buyer_id", "merchant_id", "status", "goods_fen", "discount_fen", "payable_fen", "paid_fen",
        "refunded_fen", "commission_fen", "created_at", "paid_at", "cancelled_at", "updated_at")[:limit]]


def order_line_rows(*, order_ids: Any) -> list[dict[str, Any]]:
    """The lines of these orders, for the analytics export (with their credit: post, KOL, sharer, community)."""
    return [dict(r) for r in OrderLine.objects.filter(order_id__in=order_ids).order_by("id").values(
        "id", "order_id", "product_id", "sku_id", "quantity", "payable_fen", "refunded_fen", "commission_fen",
        "post_id", "kol_id", "sharer_id", "community_id")]


def order_refund_rows_after(*, after_id: int, limit: int) -> list[dict[str, Any]]:
    """Refunds booked on orders with id > after_id, for the analytics export."""
    return [dict(r) for r in OrderRefund.objects.filter(id__gt=after_id).order_by("id").values(
        "id", "order_id", "amount_fen", "created_at")[:limit]]
