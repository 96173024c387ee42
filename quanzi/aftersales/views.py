"""After-sales and review pages: the buyer's 申请售后 form, my after-sales list and detail (with the return shipment
form), the merchant's after-sales queue (HTMX actions), the review form, and the product page's reviews (through
the `aftersales/_product_reviews.html` include). Thin: the services and selectors do the work."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quanzi.aftersales import rules, selectors, services
from quanzi.aftersales.enums import AfterSaleKind, AfterSaleReason, AfterSaleStatus
from quanzi.catalog.services import merchant_of
from quanzi.core.money import parse_yuan
from quanzi.core.pages import call_service, page_of
from quanzi.orders import selectors as order_selectors


def _int(value: Any, default: int = 0) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def yuan_to_fen(text: Any) -> int:
    """'¥12.34' → 1234 (exact, `core.money.parse_yuan`); anything unreadable → 0, which the service refuses with
    a clear message."""
    try:
        return parse_yuan(text, symbol=True)
    except ValueError:
        return 0


# --- buyer -------------------------------------------------------------------------------------------------------


@login_required
def request_new(request: HttpRequest, order_id: int) -> HttpResponse:
    order = order_selectors.order_get_for_buyer(user=request.user, order_id=order_id)
    errors: list[str] = []
    if request.method == "POST":
        chosen = [_int(v) for v in request.POST.getlist("line")]
        lines = [(line_id, _int(request.POST.get(f"qty_{line_id}"), 1)) for line_id in chosen if line_id]
        req = call_service(errors, services.aftersale_request_create, user=request.user, order_id=order.pk,
                           kind=request.POST.get("kind", ""), reason=request.POST.get("reason", ""),
                           reason_text=request.POST.get("reason_text", ""), lines=lines,
                           amount_fen=yuan_to_fen(request.POST.get("amount")),
                           photos=request.FILES.getlist("photos"))
        if req is not None:
            messages.success(request, _("售后申请已提交，等待商家处理"))
            return redirect("aftersale_detail", request_id=req.pk)
    refundable = selectors.order_refundable(order=order)
    return render(request, "aftersales/request_new.html", {
        "order": order, "refundable": refundable, "errors": errors, "form": request.POST,
        "kinds": AfterSaleKind.choices, "reasons": AfterSaleReason.choices, "max_photos": rules.MAX_PHOTOS,
        "shipped": order.shipped_at is not None, "window_ends": selectors.return_window_ends(order),
        "nav": "me"}, status=400 if errors else 200)


@login_required
def request_list(request: HttpRequest) -> HttpResponse:
    page = page_of(request, selectors.request_list_for_buyer(user=request.user))
    return render(request, "aftersales/list.html", {"page": page, "nav": "me"})


@login_required
def request_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    req = selectors.request_get_for_buyer(user=request.user, request_id=request_id)
    return render(request, "aftersales/detail.html", {
        "req": req, "can_cancel": req.status in rules.BUYER_CANCELLABLE,
        "can_ship": req.status == AfterSaleStatus.AWAITING_RETURN_SHIPMENT,
        "can_add_photos": req.status == AfterSaleStatus.REQUESTED and req.photos.count() < rules.MAX_PHOTOS,
        "nav": "me"})


@login_required
@require_POST
def request_action(request: HttpRequest, request_id: int, action: str) -> HttpResponse:
    selectors.request_get_for_buyer(user=request.user, request_id=request_id)  # someone else's: 404
    errors: list[str] = []
    if action == "cancel":
        call_service(errors, services.aftersale_cancel, user=request.user, request_id=request_id)
    elif action == "ship":
        call_service(errors, services.aftersale_return_ship, user=request.user, request_id=request_id,
                     carrier=request.POST.get("carrier", ""), tracking_no=request.POST.get("tracking_no", ""))
    elif action == "photos":
        call_service(errors, services.aftersale_photos_add, user=request.user, request_id=request_id,
                     photos=request.FILES.getlist("photos"))
    else:
        errors.append(_("未知操作"))
    for e in errors:
        messages.error(request, e)
    if not errors:
        messages.success(request, _("已更新"))
    return redirect("aftersale_detail", request_id=request_id)


# --- merchant ----------------------------------------------------------------------------------------------------


@login_required
def merchant_queue(request: HttpRequest) -> HttpResponse:
    merchant = merchant_of(request.user)
    status = request.GET.get("status") or ""
    if status not in AfterSaleStatus.values and status != "all":
        status = ""
    qs = selectors.request_list_for_merchant(merchant=merchant, status=status if status != "all" else None,
                                             open_only=not status)
    return render(request, "aftersales/merchant_queue.html", {
        "merchant": merchant, "page": page_of(request, qs), "status": status, "nav": "me"})


@login_required
@require_POST
def merchant_action(request: HttpRequest, request_id: int, action: str) -> HttpResponse:
    merchant = merchant_of(request.user)
    selectors.request_get_for_merchant(merchant=merchant, request_id=request_id)  # another merchant's: 404
    errors: list[str] = []
    if action == "approve":
        call_service(errors, services.aftersale_approve, user=request.user, request_id=request_id)
    elif action == "reject":
        call_service(errors, services.aftersale_reject, user=request.user, request_id=request_id,
                     reason=request.POST.get("reason", ""))
    elif action == "receive":
        call_service(errors, services.aftersale_return_receive, user=request.user, request_id=request_id)
    else:
        errors.append(_("未知操作"))
    req = selectors.request_get_for_merchant(merchant=merchant, request_id=request_id)
    if request.headers.get("HX-Request"):
        return render(request, "aftersales/_merchant_card.html", {"req": req, "errors": errors},
                      status=400 if errors else 200)
    for e in errors:
        messages.error(request, e)
    return redirect("merchant-aftersales")


# --- reviews -----------------------------------------------------------------------------------------------------


@login_required
def review_new(request: HttpRequest, order_id: int) -> HttpResponse:
    order = order_selectors.order_get_for_buyer(user=request.user, order_id=order_id)
    errors: list[str] = []
    if request.method == "POST":
        review = call_service(errors, services.review_create, user=request.user,
                              order_line_id=_int(request.POST.get("order_line_id")),
                              rating=_int(request.POST.get("rating")), text=request.POST.get("text", ""),
                              photos=request.FILES.getlist("photos"))
        if review is not None:
            messages.success(request, _("感谢评价！"))
            if not selectors.reviewable_lines(user=request.user, order=order):
                return redirect("order_detail", order_id=order.pk)
            return redirect("review_new", order_id=order.pk)
    lines = selectors.reviewable_lines(user=request.user, order=order)
    return render(request, "aftersales/review_new.html", {
        "order": order, "lines": lines, "errors": errors, "form": request.POST,
        "reviewable": selectors.order_reviewable(order), "max_photos": rules.MAX_PHOTOS, "nav": "me"},
        status=400 if errors else 200)
