"""Order reads: carts, addresses, a buyer's and a merchant's orders (with time-outs applied when read), and the
closed-loop attribution of an order line."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db.models import Prefetch, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from quanzi.catalog.enums import MerchantStatus
from quanzi.catalog.models import Merchant, PostProduct, Sku
from quanzi.communities.models import Community
from quanzi.communities.selectors import has_perm
from quanzi.core.errors import InvalidInput
from quanzi.core.models import Event
from quanzi.orders import errors, rules
from quanzi.orders.enums import OrderStatus
from quanzi.orders.models import Address, CartItem, Order, OrderLine, ShippingTemplate, TrackingEvent
from quanzi.orders.pricing import Quote, ShippingRule, SkuFacts, price_checkout

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

    A touch is either a click on that product's card in a post (`product.card_click`), or a view through a share
    link (`post.view` with a share token) of a post that carries that product's card. The latest touch wins.
    Products with no touch are left out."""
    at = at or timezone.now()
    since = at - dt.timedelta(days=rules.attribution_days())
    events = list(
        Event.objects.filter(user_id=user_id, created_at__gte=since, created_at__lte=at,
                             name__in=("product.card_click", "post.view"))
        .exclude(name="post.view", share_token="")
        .order_by("-created_at", "-id")[:500]
    )
    if not events:
        return {}
    wanted = set(product_ids)
    viewed_posts = {e.object_id for e in events if e.name == "post.view" and e.object_id is not None}
    cards: dict[int, set[int]] = {}
    for post_id, product_id in PostProduct.objects.filter(post_id__in=viewed_posts, product_id__in=wanted)\
            .values_list("post_id", "product_id"):
        cards.setdefault(post_id, set()).add(product_id)
    touches: dict[int, tuple[Event, int]] = {}  # product -> (event, post id)
    for e in events:
        if e.name == "product.card_click":
            post_id = e.props.get("post_id")
            if e.object_id in wanted and e.object_id not in touches and isinstance(post_id, int):
                touches[e.object_id] = (e, post_id)
        elif e.object_id is not None:
            for product_id in cards.get(e.object_id, set()):
                touches.setdefault(product_id, (e, e.object_id))
        if len(touches) == len(wanted):
            break
    if not touches:
        return {}
    post_model = apps.get_model("content", "Post")
    share_model = apps.get_model("content", "Share")
    posts = {p.pk: p for p in post_model.objects.select_related("author", "community")
             .filter(pk__in={post_id for _e, post_id in touches.values()})}
    tokens = {e.share_token for e, _p in touches.values() if e.share_token}
    sharers = dict(share_model.objects.filter(token__in=tokens).values_list("token", "sharer_id"))
    out: dict[int, Credit] = {}
    for product_id, (e, post_id) in touches.items():
        post = posts.get(post_id)
        out[product_id] = Credit(
            share_token=e.share_token, post_id=post_id, sharer_id=sharers.get(e.share_token),
            kol_id=_kol_of(post), community_id=e.community_id or (post.community_id if post else None),
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
                    member_price_fen=sku.member_price_fen, weight_g=sku.weight_g)


def sku_sellable(sku: Sku) -> bool:
    product = sku.product
    return bool(sku.is_active and product.on_shelf and product.merchant.status == MerchantStatus.APPROVED)


def quote_for(*, user: Any, items: list[tuple[Sku, int]], options: dict[str, Any] | None = None) -> Quote:
    facts = [(sku_facts(s), q) for s, q in items]
    return price_checkout(user=user, items=facts,
                          shipping_rules=shipping_rules({f.merchant_id for f, _q in facts}), options=options)


@dataclass
class CartView:
    items: list[CartItem]
    unavailable: list[CartItem] = field(default_factory=list)
    quote: Quote | None = None


def cart_items(*, user: Any) -> list[CartItem]:
    return list(CartItem.objects.filter(cart__user=user)
                .select_related("sku__product__merchant").prefetch_related("sku__product__images"))


def cart_view(*, user: Any) -> CartView:
    """The cart with a price preview of the items that can be bought now; the rest are listed apart."""
    items = cart_items(user=user)
    ok = [i for i in items if sku_sellable(i.sku)]
    bad = [i for i in items if not sku_sellable(i.sku)]
    quote = quote_for(user=user, items=[(i.sku, i.quantity) for i in ok]) if ok else None
    return CartView(items=ok, unavailable=bad, quote=quote)


# --- orders ------------------------------------------------------------------------------------------------------


def _with_details(qs: QuerySet[Order]) -> QuerySet[Order]:
    return qs.select_related("merchant", "buyer").prefetch_related(
        "lines", Prefetch("shipment__events", queryset=TrackingEvent.objects.all()), "status_changes")


def _check_status(status: str | None) -> None:
    if status and status not in OrderStatus.values:
        raise InvalidInput("invalid_status", _("订单状态取值无效"))


def order_list_for_buyer(*, user: Any, status: str | None = None) -> QuerySet[Order]:
    _check_status(status)
    qs = Order.objects.filter(buyer=user)
    if status:
        qs = qs.filter(rules.status_q(status, timezone.now()))
    return _with_details(qs).order_by("-id")


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
    return order.shipped_at is None and order.status in (OrderStatus.PAID, OrderStatus.PARTIALLY_REFUNDED)


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
    return Community.objects.filter(pk=community_id).values_list("name", flat=True).first() or ""


def quote_preview(*, user: Any, items: list[tuple[int, int]] | None) -> Quote | None:
    """Price given (sku_id, quantity) items, or the cart when None, without placing anything."""
    if items is None:
        return cart_view(user=user).quote
    skus = {s.pk: s for s in Sku.objects.select_related("product__merchant").filter(pk__in=[i for i, _q in items])}
    wanted: list[tuple[Sku, int]] = []
    for sku_id, quantity in items:
        sku = skus.get(sku_id)
        if sku is None or not sku_sellable(sku):
            raise errors.product_off_shelf(sku.product.title if sku else "")
        if not 1 <= quantity <= 999:
            raise errors.invalid_quantity()
        wanted.append((sku, quantity))
    return quote_for(user=user, items=wanted) if wanted else None


def shipping_template_get(*, merchant: Merchant) -> ShippingTemplate | None:
    return ShippingTemplate.objects.filter(merchant=merchant).first()


def available_stock(*, sku_ids: list[int]) -> dict[int, int]:
    """Stock as it reads now: units held by unpaid orders past their deadline count as free even before a job or
    the next checkout gives them back."""
    now = timezone.now()
    held = dict(
        OrderLine.objects.filter(sku_id__in=sku_ids, order__status=OrderStatus.PENDING_PAYMENT,
                                 order__expires_at__lte=now, order__stock_released=False)
        .values("sku_id").annotate(n=Sum("quantity")).values_list("sku_id", "n"))
    stock = dict(Sku.objects.filter(pk__in=sku_ids).values_list("pk", "stock"))
    return {pk: s + int(held.get(pk) or 0) for pk, s in stock.items()}


def attach_available_stock(skus: list[Sku]) -> list[Sku]:
    """Set `sku.available` (see `available_stock`) on each SKU, for pages and API output."""
    counts = available_stock(sku_ids=[s.pk for s in skus])
    for s in skus:
        s.available = counts.get(s.pk, s.stock)  # type: ignore[attr-defined]
    return skus
