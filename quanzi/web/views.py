"""Pages that combine several apps, so they live in the top layer (docs/ARCHITECTURE.md, "The domain map"):

- the buyer's order page: the order (orders), its cashier (payments) and its after-sales requests and reviews
  (aftersales), and the actions on it (cancel, confirm receipt, pay);
- the merchant console: apply (catalog), orders to ship (orders), products on and off the shelf (catalog), the
  count of open after-sales requests (aftersales).

Thin: the services and selectors do the work. URLs and names are the ones the apps had (`order_detail`,
`order-action`, `merchant-console`, `merchant-ship`, `merchant-shelf`)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quanzi.aftersales import selectors as aftersale_selectors
from quanzi.catalog import selectors as catalog_selectors
from quanzi.catalog import services as catalog_services
from quanzi.catalog.enums import MerchantStatus
from quanzi.core.pages import call_service, page_of
from quanzi.orders import selectors as order_selectors
from quanzi.orders import services as order_services
from quanzi.orders.enums import OrderStatus
from quanzi.payments import selectors as payment_selectors
from quanzi.payments import services as payment_services
from quanzi.payments.gateways import available_gateways

# --- the buyer's order page (orders + payments' cashier + after-sales) --------------------------------------


# statuses (as read now) from which the buyer may open an after-sales request (the service has the last word)
AFTERSALE_STATUSES = frozenset({OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.DELIVERED, OrderStatus.COMPLETED,
                                OrderStatus.PARTIALLY_REFUNDED})


@login_required
def order_detail(request: HttpRequest, order_id: int) -> HttpResponse:
    order = order_selectors.order_get_for_buyer(user=request.user, order_id=order_id)
    status = order_selectors.order_status_now(order)
    return render(request, "orders/detail.html", {
        "order": order, "status": status,
        "gateways": payment_selectors.gateway_choices() if status == OrderStatus.PENDING_PAYMENT else [],
        "can_aftersale": status in AFTERSALE_STATUSES and order.paid_fen > order.refunded_fen,
        "can_review": bool(aftersale_selectors.reviewable_lines(user=request.user, order=order)),
        "aftersales": list(aftersale_selectors.request_list_for_buyer(user=request.user, order_id=order.pk)),
        "nav": "me"})


@login_required
@require_POST
def order_action(request: HttpRequest, order_id: int, action: str) -> HttpResponse:
    errors: list[str] = []
    if action == "cancel":
        call_service(errors, order_services.order_cancel, user=request.user, order_id=order_id)
    elif action == "confirm":
        call_service(errors, order_services.order_confirm_receipt, user=request.user, order_id=order_id)
    elif action == "pay":
        enabled = available_gateways()
        gateway = request.POST.get("gateway") or (enabled[0] if enabled else "")
        if not gateway:
            errors.append(_("暂无可用的支付方式"))
        else:
            payment = call_service(errors, payment_services.payment_create, user=request.user, order_id=order_id,
                                   gateway=gateway)
            pay_url = str((payment.client_data or {}).get("pay_url") or "") if payment is not None else ""
            if pay_url.startswith(("/", "https://")):
                return redirect(pay_url)
            if payment is not None:
                errors.append(_("请在手机上完成支付"))
    else:
        errors.append(_("未知操作"))
    for e in errors:
        messages.error(request, e)
    return redirect("order_detail", order_id=order_id)


# --- the merchant console (catalog + orders + after-sales) -------------------------------------------------


@login_required
def console(request: HttpRequest) -> HttpResponse:
    merchant = catalog_selectors.merchant_get_for_user(user=request.user)
    errors: list[str] = []
    if merchant is None or merchant.status == MerchantStatus.REJECTED:
        if request.method == "POST":
            made = call_service(errors, catalog_services.merchant_apply, user=request.user,
                                business_name=request.POST.get("business_name", ""),
                                licence_no=request.POST.get("licence_no", ""),
                                contact_name=request.POST.get("contact_name", ""),
                                contact_phone=request.POST.get("contact_phone", ""))
            if made is not None:
                messages.success(request, _("入驻申请已提交，等待平台审核"))
                return redirect("merchant-console")
        return render(request, "catalog/apply.html", {"merchant": merchant, "errors": errors, "form": request.POST},
                      status=400 if errors else 200)
    if merchant.status != MerchantStatus.APPROVED:
        return render(request, "catalog/apply.html", {"merchant": merchant, "errors": [], "form": {}})
    tab = request.GET.get("tab", "ship")
    if tab == "products":
        page = page_of(request, catalog_selectors.merchant_products(merchant=merchant))
    elif tab == "ship":
        page = page_of(request, order_selectors.order_list_to_ship(merchant=merchant))
    else:
        page = page_of(request, order_selectors.order_list_for_merchant(merchant=merchant))
    aftersales_open = aftersale_selectors.request_list_for_merchant(merchant=merchant, open_only=True).count()
    return render(request, "web/merchant/console.html", {"merchant": merchant, "tab": tab, "page": page,
                                                    "aftersales_open": aftersales_open, "nav": ""})


@login_required
@require_POST
def console_ship(request: HttpRequest, order_id: int) -> HttpResponse:
    errors: list[str] = []
    call_service(errors, order_services.order_ship, user=request.user, order_id=order_id,
                 carrier=request.POST.get("carrier", ""), tracking_no=request.POST.get("tracking_no", ""))
    merchant = catalog_services.merchant_of(request.user)
    order = order_selectors.order_get_for_merchant(merchant=merchant, order_id=order_id)
    if request.headers.get("HX-Request"):
        return render(request, "web/merchant/_ship_row.html", {"o": order, "errors": errors},
                      status=400 if errors else 200)
    if errors:
        messages.error(request, errors[0])
    else:
        messages.success(request, _("已发货"))
    return redirect("merchant-console")


@login_required
@require_POST
def console_shelf(request: HttpRequest, product_id: int) -> HttpResponse:
    errors: list[str] = []
    call_service(errors, catalog_services.product_set_shelf, user=request.user, product_id=product_id,
                 on_shelf=request.POST.get("on_shelf") == "1")
    if errors:
        messages.error(request, errors[0])
    return redirect("/shop/merchant/?tab=products")
