"""Shop pages: product list and product page (with its community context), the product-card click-through, and
the merchant console (apply, products, orders to ship). Thin: the services and selectors do the work."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quanzi.aftersales import selectors as aftersale_selectors
from quanzi.catalog import selectors, services
from quanzi.catalog.enums import MerchantStatus
from quanzi.core.errors import DomainError
from quanzi.core.events import track
from quanzi.orders import selectors as order_selectors
from quanzi.orders import services as order_services
from quanzi.web.util import call_service, page_of


def _user(request: HttpRequest) -> Any:
    return request.user if request.user.is_authenticated else None


def product_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    category_id = request.GET.get("category")
    cid = int(category_id) if category_id and category_id.isdigit() else None
    page = page_of(request, selectors.product_list(search=q, category_id=cid))
    return render(request, "catalog/list.html", {"page": page, "q": q, "nav": ""})


def product_detail(request: HttpRequest, product_id: int) -> HttpResponse:
    user = _user(request)
    product = selectors.product_get(product_id=product_id, user=user)
    track("page.product", user=user, obj=product)
    return render(request, "catalog/detail.html", {
        "product": product,
        "skus": order_selectors.attach_available_stock(list(selectors.product_skus(product=product))),
        "context": selectors.product_context(product=product, user=user), "nav": ""})


def card_click(request: HttpRequest, post_id: int, product_id: int) -> HttpResponse:
    """A product card in a post links here: log the click (the attribution touch), then show the product."""
    if request.user.is_authenticated:
        try:
            services.product_card_click(user=request.user, post_id=post_id, product_id=product_id,
                                        share_token=request.GET.get("s", ""))
        except DomainError:
            pass  # a stale card still leads to the product page (which shows its own error if it is gone)
    return redirect("product", product_id=product_id)


# --- merchant console --------------------------------------------------------------------------------------------


@login_required
def console(request: HttpRequest) -> HttpResponse:
    merchant = selectors.merchant_get_for_user(user=request.user)
    errors: list[str] = []
    if merchant is None or merchant.status == MerchantStatus.REJECTED:
        if request.method == "POST":
            made = call_service(errors, services.merchant_apply, user=request.user,
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
        page = page_of(request, selectors.merchant_products(merchant=merchant))
    elif tab == "ship":
        page = page_of(request, order_selectors.order_list_to_ship(merchant=merchant))
    else:
        page = page_of(request, order_selectors.order_list_for_merchant(merchant=merchant))
    aftersales_open = aftersale_selectors.request_list_for_merchant(merchant=merchant, open_only=True).count()
    return render(request, "catalog/console.html", {"merchant": merchant, "tab": tab, "page": page,
                                                    "aftersales_open": aftersales_open, "nav": ""})


@login_required
@require_POST
def console_ship(request: HttpRequest, order_id: int) -> HttpResponse:
    errors: list[str] = []
    call_service(errors, order_services.order_ship, user=request.user, order_id=order_id,
                 carrier=request.POST.get("carrier", ""), tracking_no=request.POST.get("tracking_no", ""))
    merchant = services.merchant_of(request.user)
    order = order_selectors.order_get_for_merchant(merchant=merchant, order_id=order_id)
    if request.headers.get("HX-Request"):
        return render(request, "catalog/_ship_row.html", {"o": order, "errors": errors},
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
    call_service(errors, services.product_set_shelf, user=request.user, product_id=product_id,
                 on_shelf=request.POST.get("on_shelf") == "1")
    if errors:
        messages.error(request, errors[0])
    return redirect("/shop/merchant/?tab=products")
