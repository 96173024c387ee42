"""Buyer pages: cart, checkout (with the price waterfall), my orders. The order page itself (tracking, the
cashier, after-sales) combines payments and aftersales, so it is a page of the top layer (`quanzi/web/views.py`).
Thin: the services and selectors do the work."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quanzi.core.errors import DomainError
from quanzi.core.pages import call_service, page_of
from quanzi.orders import hooks, selectors, services
from quanzi.orders.enums import OrderStatus


def _int(value: Any, default: int = 0) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


@login_required
def cart(request: HttpRequest) -> HttpResponse:
    return render(request, "orders/cart.html", {"cart": selectors.cart_view(user=request.user), "nav": ""})


@login_required
@require_POST
def cart_add(request: HttpRequest) -> HttpResponse:
    errors: list[str] = []
    sku_id = _int(request.POST.get("sku_id"))
    call_service(errors, services.cart_add, user=request.user, sku_id=sku_id,
                 quantity=_int(request.POST.get("quantity"), 1))
    if errors:
        messages.error(request, errors[0])
    else:
        messages.success(request, _("已加入购物车"))
    return redirect("cart")


@login_required
@require_POST
def cart_set(request: HttpRequest, sku_id: int) -> HttpResponse:
    errors: list[str] = []
    call_service(errors, services.cart_set_quantity, user=request.user, sku_id=sku_id,
                 quantity=_int(request.POST.get("quantity"), -1))
    ctx = {"cart": selectors.cart_view(user=request.user), "errors": errors}
    if request.headers.get("HX-Request"):
        return render(request, "orders/_cart_body.html", ctx, status=400 if errors else 200)
    if errors:
        messages.error(request, errors[0])
    return redirect("cart")


def _checkout_items(data: Any) -> list[tuple[int, int]] | None:
    """`?sku_id=..&quantity=..` buys one SKU now; otherwise the cart."""
    sku_id = _int(data.get("sku_id"))
    return [(sku_id, _int(data.get("quantity"), 1))] if sku_id else None


_INT_OPTIONS = ("points", "campaign_id", "group_id")


def _form_options(data: Any) -> dict[str, Any]:
    """The plug-ins' options as the form carries them (`options.coupon_ids` repeated, `options.points`,
    `options.campaign_id`, `options.group_id`, `options.extra.<key>`), in the shape the API's `options` takes.
    A panel offering a choice of coupons in groups (one platform coupon, one per shop) names its radio groups
    `options.coupon_ids.<group>`: when any is sent, they replace the carried `options.coupon_ids`.
    Values that are not positive whole numbers are left out (the plug-ins check the rest)."""
    options: dict[str, Any] = {}
    grouped: list[str] = []
    for key in data:
        if key.startswith("options.extra.") and len(key) <= 64:
            options[key.removeprefix("options.extra.")] = str(data.get(key, ""))[:200]
        elif key.startswith("options.coupon_ids.") and len(key) <= 64:
            grouped += data.getlist(key)
    chosen = grouped if any(k.startswith("options.coupon_ids.") for k in data) else data.getlist("options.coupon_ids")
    coupon_ids = list(dict.fromkeys(i for i in (_int(v) for v in chosen) if i > 0))
    if coupon_ids:
        options["coupon_ids"] = coupon_ids[:10]
    for name in _INT_OPTIONS:
        value = _int(data.get(f"options.{name}"))
        if value > 0:
            options[name] = value
    return options


def _option_fields(options: dict[str, Any]) -> list[tuple[str, Any]]:
    """The options as hidden form fields, so the order is placed with what the page priced."""
    fields: list[tuple[str, Any]] = []
    for name, value in options.items():
        if name == "coupon_ids":
            fields += [("options.coupon_ids", v) for v in value]
        elif name in _INT_OPTIONS:
            fields.append((f"options.{name}", value))
        else:
            fields.append((f"options.extra.{name}", value))
    return fields


@login_required
def checkout(request: HttpRequest) -> HttpResponse:
    errors: list[str] = []
    data = request.POST if request.method == "POST" else request.GET
    items = _checkout_items(data)
    options = _form_options(data)
    if not data.get("options_chosen"):  # the buyer has not chosen yet: the plug-ins propose (the best coupons)
        for _name, propose in sorted(hooks.CHECKOUT_DEFAULTS.items()):
            try:
                options = {**propose(request.user, items, options), **options}
            except DomainError:
                pass  # a proposal that cannot be made is no proposal; the page still prices the items
    if request.method == "POST":
        address_id: int | None = _int(request.POST.get("address_id")) or None
        # a first address typed in the address book's editor (`ab_*`, orders/address_views.py) or the API's fields
        p = "ab_" if request.POST.get("ab_name") else ""
        if address_id is None and request.POST.get(f"{p}name"):
            address = call_service(errors, services.address_create, user=request.user,
                                   name=request.POST.get(f"{p}name", ""), phone=request.POST.get(f"{p}phone", ""),
                                   province=request.POST.get(f"{p}province", ""),
                                   city=request.POST.get(f"{p}city", ""),
                                   district=request.POST.get(f"{p}district", ""),
                                   detail=request.POST.get(f"{p}detail", ""), is_default=True)
            address_id = address.pk if address is not None else None
        if not errors:
            expected = request.POST.get("expected_total_fen")
            session = call_service(errors, services.order_place, user=request.user, address_id=address_id,
                                   items=items, idempotency_key=request.POST.get("idempotency_key", ""),
                                   expected_total_fen=_int(expected) if expected else None,
                                   note=request.POST.get("note", ""), options=options)
            if session is not None:
                orders = list(session.orders.order_by("id"))
                messages.success(request, _("下单成功，请在 15 分钟内完成支付"))
                if len(orders) == 1:
                    return redirect("order_detail", order_id=orders[0].pk)
                # several merchants: one cashier for the checkout, one payment (web.cashier_views, 合单支付)
                return redirect("cashier", checkout_id=session.pk)
    quote = None
    try:
        quote = selectors.quote_preview(user=request.user, items=items, options=options)
    except DomainError as exc:
        errors.append(str(exc.message))
        if options:  # an option a plug-in refuses (a coupon no longer usable): show the price without them
            options = {}
            try:
                quote = selectors.quote_preview(user=request.user, items=items)
            except DomainError:
                quote = None
    panels = [mark_safe(html) for _name, panel in sorted(hooks.CHECKOUT_PANELS.items())
              if (html := panel(request, quote, options))]  # panels return escaped, rendered HTML
    addresses = list(selectors.address_list(user=request.user))
    chosen = _int(request.POST.get("address_id"))
    return render(request, "orders/checkout.html", {
        "quote": quote, "errors": errors, "items": items, "addresses": addresses,
        "selected_address": chosen if chosen in {a.pk for a in addresses} else next(
            (a.pk for a in addresses if a.is_default), addresses[0].pk if addresses else None),
        "address_editing": None if addresses else "new",
        "ab": {k: request.POST.get(f"ab_{k}", "") for k in ("name", "phone", "province", "city", "district",
                                                              "detail")},
        "ab_errors": [],
        "idempotency_key": request.POST.get("idempotency_key") or uuid.uuid4().hex, "nav": "",
        "panels": panels, "option_fields": _option_fields(options)},
        status=400 if errors and request.method == "POST" else 200)


@login_required
def order_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status") or None
    if status not in OrderStatus.values:
        status = None
    page = page_of(request, selectors.order_list_for_buyer(user=request.user, status=status))
    return render(request, "orders/list.html", {"page": page, "status": status or "",
                                                "statuses": OrderStatus.choices, "nav": "me"})
