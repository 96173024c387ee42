"""/api/v1/orders: addresses, cart, price preview, checkout, a buyer's orders, and the merchant's order desk.
Thin: parse, call one service or selector, return a schema."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate

from quanzi.api_auth import current_user, required
from quanzi.catalog.services import merchant_of
from quanzi.core.pagination import PageNumber
from quanzi.orders import errors, selectors, services
from quanzi.orders.models import Address, CheckoutSession, Order, ShippingTemplate
from quanzi.orders.pricing import Quote
from quanzi.orders.schemas import (
    AddressIn,
    AddressOut,
    CancelIn,
    CartItemIn,
    CartOut,
    CheckoutIn,
    CheckoutOut,
    MerchantOrderOut,
    OrderDetailOut,
    OrderOut,
    QuantityIn,
    QuoteIn,
    QuoteOut,
    ShipIn,
    ShippingTemplateIn,
    ShippingTemplateOut,
    TrackingIn,
    TrackingOut,
)
from quanzi.orders.selectors import CartView

router = Router(tags=["orders 订单"], auth=required)


# --- addresses ---------------------------------------------------------------------------------------------------


@router.get("/addresses", response=list[AddressOut])
@paginate(PageNumber)
def address_list(request: HttpRequest):  # type: ignore[no-untyped-def]
    return selectors.address_list(user=current_user(request))


@router.post("/addresses", response={201: AddressOut})
def address_create(request: HttpRequest, data: AddressIn) -> Status:
    return Status(201, services.address_create(user=current_user(request), **data.dict()))


@router.put("/addresses/{address_id}", response=AddressOut)
def address_update(request: HttpRequest, address_id: int, data: AddressIn) -> Address:
    return services.address_update(user=current_user(request), address_id=address_id, **data.dict())


@router.delete("/addresses/{address_id}", response={204: None})
def address_delete(request: HttpRequest, address_id: int) -> Status:
    services.address_delete(user=current_user(request), address_id=address_id)
    return Status(204, None)


# --- cart, quote, checkout ---------------------------------------------------------------------------------------


@router.get("/cart", response=CartOut)
def cart(request: HttpRequest) -> CartView:
    return selectors.cart_view(user=current_user(request))


@router.post("/cart/items", response=CartOut)
def cart_add(request: HttpRequest, data: CartItemIn) -> CartView:
    user = current_user(request)
    services.cart_add(user=user, sku_id=data.sku_id, quantity=data.quantity)
    return selectors.cart_view(user=user)


@router.put("/cart/items/{sku_id}", response=CartOut)
def cart_set(request: HttpRequest, sku_id: int, data: QuantityIn) -> CartView:
    user = current_user(request)
    services.cart_set_quantity(user=user, sku_id=sku_id, quantity=data.quantity)
    return selectors.cart_view(user=user)


@router.delete("/cart", response={204: None})
def cart_clear(request: HttpRequest) -> Status:
    services.cart_clear(user=current_user(request))
    return Status(204, None)


@router.post("/quote", response={200: QuoteOut, 204: None})
def quote(request: HttpRequest, data: QuoteIn) -> Quote | Status:
    items = None if data.items is None else [(i.sku_id, i.quantity) for i in data.items]
    result = selectors.quote_preview(user=current_user(request), items=items,
                                     options=data.options.as_options() if data.options else None)
    return result if result is not None else Status(204, None)


@router.post("/checkout", response={201: CheckoutOut})
def checkout(request: HttpRequest, data: CheckoutIn) -> Status:
    items = None if data.items is None else [(i.sku_id, i.quantity) for i in data.items]
    session: CheckoutSession = services.order_place(
        user=current_user(request), address_id=data.address_id, items=items,
        idempotency_key=data.idempotency_key, expected_total_fen=data.expected_total_fen, note=data.note,
        options=data.options.as_options() if data.options else None)
    return Status(201, session)


# --- merchant desk (declared before /{order_id}) -----------------------------------------------------------------


@router.get("/merchant/orders", response=list[OrderOut])
@paginate(PageNumber)
def merchant_orders(request: HttpRequest, status: str | None = None):  # type: ignore[no-untyped-def]
    return selectors.order_list_for_merchant(merchant=merchant_of(current_user(request)), status=status)


@router.get("/merchant/orders/{order_id}", response=MerchantOrderOut)
def merchant_order(request: HttpRequest, order_id: int) -> Order:
    return selectors.order_get_for_merchant(merchant=merchant_of(current_user(request)), order_id=order_id)


@router.post("/merchant/orders/{order_id}/ship", response=MerchantOrderOut)
def merchant_ship(request: HttpRequest, order_id: int, data: ShipIn) -> Order:
    user = current_user(request)
    services.order_ship(user=user, order_id=order_id, carrier=data.carrier, tracking_no=data.tracking_no)
    return selectors.order_get_for_merchant(merchant=merchant_of(user), order_id=order_id)


@router.post("/merchant/orders/{order_id}/tracking", response={201: TrackingOut})
def merchant_tracking(request: HttpRequest, order_id: int, data: TrackingIn) -> Status:
    return Status(201, services.tracking_event_add(user=current_user(request), order_id=order_id,
                                                   description=data.description, location=data.location))


@router.get("/merchant/shipping-template", response=ShippingTemplateOut)
def shipping_template_get(request: HttpRequest) -> ShippingTemplate:
    template = selectors.shipping_template_get(merchant=merchant_of(current_user(request)))
    if template is None:
        raise errors.shipping_template_not_found()
    return template


@router.put("/merchant/shipping-template", response=ShippingTemplateOut)
def shipping_template_set(request: HttpRequest, data: ShippingTemplateIn) -> ShippingTemplate:
    return services.shipping_template_set(user=current_user(request), **data.dict())


# --- the buyer's orders ------------------------------------------------------------------------------------------


@router.get("", response=list[OrderOut])
@paginate(PageNumber)
def order_list(request: HttpRequest, status: str | None = None):  # type: ignore[no-untyped-def]
    return selectors.order_list_for_buyer(user=current_user(request), status=status)


@router.get("/{order_id}", response=OrderDetailOut)
def order_detail(request: HttpRequest, order_id: int) -> Order:
    return selectors.order_get_for_buyer(user=current_user(request), order_id=order_id)


@router.post("/{order_id}/cancel", response=OrderDetailOut)
def order_cancel(request: HttpRequest, order_id: int, data: CancelIn) -> Order:
    user = current_user(request)
    services.order_cancel(user=user, order_id=order_id, reason=data.reason)
    return selectors.order_get_for_buyer(user=user, order_id=order_id)


@router.post("/{order_id}/confirm-receipt", response=OrderDetailOut)
def order_confirm(request: HttpRequest, order_id: int) -> Order:
    user = current_user(request)
    services.order_confirm_receipt(user=user, order_id=order_id)
    return selectors.order_get_for_buyer(user=user, order_id=order_id)
