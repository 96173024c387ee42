"""Pages that combine several apps, so they live in the top layer (docs/ARCHITECTURE.md, "The domain map"):

- the buyer's order page: the order (orders), its cashier (payments) and its after-sales requests and reviews
  (aftersales), and the actions on it (cancel, confirm receipt, pay);
- the merchant console: apply (catalog), orders to ship (orders), products on and off the shelf (catalog), the
  count of open after-sales requests (aftersales).

Thin: the services and selectors do the work. URLs and names are the ones the apps had (`order_detail`,
`order-action`, `merchant-console`, `merchant-ship`, `merchant-shelf`)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
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
from quanzi.payments import cashier
from quanzi.payments import selectors as payment_selectors
from quanzi.payments import services as payment_services
from quanzi.payments.enums import GatewayName
from quanzi.payments.gateways import available_gateways
from quanzi.web import merchant_views
from quanzi.wxlogin import selectors as wx_selectors

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
        **_cashier(request, order, status),
        "can_aftersale": status in AFTERSALE_STATUSES and order.paid_fen > order.refunded_fen,
        "can_review": bool(aftersale_selectors.reviewable_lines(user=request.user, order=order)),
        "aftersales": list(aftersale_selectors.request_list_for_buyer(user=request.user, order_id=order.pk)),
        "nav": "me"})


def _cashier(request: HttpRequest, order: Any, status: str) -> dict[str, Any]:
    """The cashier block: the payment kinds offered where the buyer is (recommended first, the others to switch
    to), and the open payment the buyer just started (JSAPI parameters for WeChat's pay sheet, or a QR code)."""
    if status != OrderStatus.PENDING_PAYMENT:
        return {"cashier": []}
    options = cashier.cashier_options(user_agent=request.headers.get("User-Agent", ""))
    context: dict[str, Any] = {"cashier": options, "in_wechat": cashier.client_of(
        request.headers.get("User-Agent", "")) in (cashier.WECHAT, cashier.MINIPROGRAM)}
    if context["in_wechat"] and cashier.needs_wechat_login(user=request.user, options=options):
        context["wx_login_url"] = wx_selectors.login_url(next_url=request.get_full_path())
    payment_no = request.GET.get("pay", "")
    if payment_no:
        payment = payment_selectors.open_payment_for_order(user=request.user, order_id=order.pk,
                                                           payment_no=payment_no)
        if payment is not None:
            params = dict((payment.client_data or {}).get("params") or {})
            code = params.get("code_url") or params.get("qr_code")
            context.update(open_payment=payment, pay_params=params if "package" in params else None,
                           pay_qr=cashier.qr_svg(str(code)) if code else "",
                           autostart=request.GET.get("start") == "1")
    if GatewayName.SANDBOX in available_gateways():
        context["sandbox_bridge"] = True
    return context


@login_required
@require_POST
def order_action(request: HttpRequest, order_id: int, action: str) -> HttpResponse:
    errors: list[str] = []
    if action == "cancel":
        call_service(errors, order_services.order_cancel, user=request.user, order_id=order_id)
    elif action == "confirm":
        call_service(errors, order_services.order_confirm_receipt, user=request.user, order_id=order_id)
    elif action == "pay":
        options = cashier.cashier_options(user_agent=request.headers.get("User-Agent", ""))
        gateway = request.POST.get("gateway") or (options[0].gateway if options else "")
        kind = request.POST.get("kind") or (options[0].kind if options and options[0].gateway == gateway else "")
        if not gateway:
            errors.append(_("暂无可用的支付方式"))
        else:
            payment = call_service(errors, payment_services.payment_create, user=request.user, order_id=order_id,
                                   gateway=gateway, kind=kind, client_ip=request.META.get("REMOTE_ADDR", ""),
                                   return_url=request.build_absolute_uri(reverse("order_detail", args=[order_id])))
            data = (payment.client_data or {}) if payment is not None else {}
            pay_url = str(data.get("pay_url") or "")
            if payment is not None and pay_url.startswith(("/", "https://")) and payment.kind not in ("native", "qr"):
                return redirect(pay_url)
            if payment is not None:  # WeChat's pay sheet (JSAPI) or a QR code, on the order page
                start = "&start=1" if "package" in (data.get("params") or {}) else ""
                return redirect(f"{reverse('order_detail', args=[order_id])}?pay={payment.payment_no}{start}")
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
    # the carrier from the list (or "other" with its name): quanzi/web/merchant_views.py, quanzi/orders/carriers.py
    call_service(errors, merchant_views.ship_with_carrier, user=request.user, order_id=order_id,
                 carrier=request.POST.get("carrier", ""), carrier_other=request.POST.get("carrier_other", ""),
                 tracking_no=request.POST.get("tracking_no", ""))
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
