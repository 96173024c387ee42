"""The merchant console's pages beyond the order list (quanzi/web/views.py has the console's home and the one-order
ship form): products and SKUs with pictures, prices in yuan and stock through the ledger; batch shipping from a
sheet (preview with per-row errors, then ship the good rows); the order export and the shipping template in Excel;
the sales overview with its chart.

Thin, like the other pages: `catalog.merchant_services` / `catalog.services` write, `orders.services.order_ship`
ships, the selectors read. Only an approved merchant gets in (`catalog.services.merchant_of` raises a 403)."""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quanzi.catalog import merchant_selectors, merchant_services
from quanzi.catalog import services as catalog_services
from quanzi.catalog.enums import ReturnExemption
from quanzi.core.errors import DomainError
from quanzi.core.pages import call_service, page_of
from quanzi.orders import sales_selectors
from quanzi.orders import selectors as order_selectors
from quanzi.orders import services as order_services
from quanzi.orders.carriers import Carrier, carrier_choices, carrier_from_text, carrier_name
from quanzi.web import merchant_sheets

if TYPE_CHECKING:
    from quanzi.catalog.models import Merchant

SKU_ROWS = 3  # empty SKU rows on the new-product form (more can be added on the product's page)


def _merchant(request: HttpRequest) -> Merchant:
    return catalog_services.merchant_of(request.user)


def _form_rows(post: Any) -> list[dict[str, str]]:
    """The SKU rows typed on the new-product form; a row left wholly blank is skipped."""
    rows = []
    count = min(_int(post.get("sku_rows")) or SKU_ROWS, merchant_services.MAX_SKUS_AT_ONCE)
    for i in range(max(count, 0)):
        row = {k: (post.get(f"sku-{i}-{k}") or "").strip() for k in ("spec", "price", "member_price", "stock")}
        if any(row.values()):
            rows.append(row)
    return rows


def _int(value: Any) -> int | None:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None


# --- products ------------------------------------------------------------------------------------------------


@login_required
def product_new(request: HttpRequest) -> HttpResponse:
    _merchant(request)
    errors: list[str] = []
    form: Any = request.POST if request.method == "POST" else {}
    if request.method == "POST":
        rows = _form_rows(request.POST)
        skus = []
        for n, row in enumerate(rows, start=1):
            try:
                skus.append(merchant_services.sku_input(**row))
            except DomainError as exc:
                errors.append(_("第 %(n)s 个规格：%(e)s") % {"n": n, "e": exc.message})
        category_id = _int(request.POST.get("category"))
        if category_id is None:
            errors.append(_("请选择类目"))
        if not errors and category_id is not None:
            product = call_service(
                errors, merchant_services.product_create_with_skus, user=request.user, category_id=category_id,
                title=request.POST.get("title", ""), description=request.POST.get("description", ""),
                return_exemption=request.POST.get("return_exemption") or ReturnExemption.NONE, skus=skus,
                images=request.FILES.getlist("images"), on_shelf=request.POST.get("on_shelf") == "1")
            if product is not None:
                messages.success(request, _("商品已创建") if not product.on_shelf else _("商品已创建并上架"))
                return redirect("merchant-product", product_id=product.pk)
    return render(request, "web/merchant/product_new.html", {
        "form": form, "errors": errors, "categories": merchant_selectors.categories_for_merchants(),
        "exemptions": ReturnExemption.choices, "sku_range": range(SKU_ROWS), "nav": ""},
        status=400 if errors else 200)


@login_required
def product_edit(request: HttpRequest, product_id: int) -> HttpResponse:
    merchant = _merchant(request)
    errors: list[str] = []
    product = merchant_selectors.merchant_product(merchant=merchant, product_id=product_id)
    if request.method == "POST":
        category_id = _int(request.POST.get("category"))
        done = call_service(errors, catalog_services.product_update, user=request.user, product_id=product.pk,
                            title=request.POST.get("title", ""), description=request.POST.get("description", ""),
                            category_id=category_id,
                            return_exemption=request.POST.get("return_exemption") or ReturnExemption.NONE)
        if done is not None:
            messages.success(request, _("已保存"))
            return redirect("merchant-product", product_id=product.pk)
    return render(request, "web/merchant/product_edit.html", {
        "product": product, "errors": errors, "categories": merchant_selectors.categories_for_merchants(),
        "exemptions": ReturnExemption.choices, "nav": ""}, status=400 if errors else 200)


def _report(request: HttpRequest, errors: list[str], ok: str) -> None:
    if errors:
        messages.error(request, errors[0])
    else:
        messages.success(request, ok)


@login_required
@require_POST
def sku_edit(request: HttpRequest, product_id: int, sku_id: int) -> HttpResponse:
    merchant = _merchant(request)
    merchant_selectors.merchant_product(merchant=merchant, product_id=product_id)
    errors: list[str] = []
    call_service(errors, merchant_services.sku_edit, user=request.user, sku_id=sku_id,
                 spec=request.POST.get("spec", ""), price=request.POST.get("price", ""),
                 member_price=request.POST.get("member_price", ""), is_active=request.POST.get("is_active") == "1",
                 stock_delta=request.POST.get("stock_delta", ""))
    _report(request, errors, _("规格已保存"))
    return redirect("merchant-product", product_id=product_id)


@login_required
@require_POST
def sku_add(request: HttpRequest, product_id: int) -> HttpResponse:
    merchant = _merchant(request)
    product = merchant_selectors.merchant_product(merchant=merchant, product_id=product_id)
    errors: list[str] = []
    try:
        row = merchant_services.sku_input(spec=request.POST.get("spec", ""), price=request.POST.get("price", ""),
                                          member_price=request.POST.get("member_price", ""),
                                          stock=request.POST.get("stock", "0"))
    except DomainError as exc:
        errors.append(str(exc.message))
    else:
        call_service(errors, merchant_services.sku_add, user=request.user, product_id=product.pk, row=row)
    _report(request, errors, _("规格已添加"))
    return redirect("merchant-product", product_id=product.pk)


@login_required
@require_POST
def image_add(request: HttpRequest, product_id: int) -> HttpResponse:
    merchant = _merchant(request)
    product = merchant_selectors.merchant_product(merchant=merchant, product_id=product_id)
    errors: list[str] = []
    files = request.FILES.getlist("images")
    if not files:
        errors.append(_("请选择图片"))
    else:
        try:
            with transaction.atomic():  # all the pictures of one upload, or none
                for f in files[: merchant_services.MAX_IMAGES_AT_ONCE]:
                    catalog_services.product_image_add(user=request.user, product_id=product.pk, image=f)
        except DomainError as exc:
            errors.append(str(exc.message))
    _report(request, errors, _("图片已上传"))
    return redirect("merchant-product", product_id=product.pk)


@login_required
@require_POST
def product_shelf(request: HttpRequest, product_id: int) -> HttpResponse:
    errors: list[str] = []
    on = request.POST.get("on_shelf") == "1"
    call_service(errors, catalog_services.product_set_shelf, user=request.user, product_id=product_id, on_shelf=on)
    _report(request, errors, _("已上架") if on else _("已下架"))
    return redirect("merchant-product", product_id=product_id)


# --- shipping --------------------------------------------------------------------------------------------------


def ship_with_carrier(*, user: Any, order_id: int, carrier: str, carrier_other: str, tracking_no: str) -> Any:
    """One order shipped with a carrier chosen from the list (the console's ship form); a carrier sent as text
    (an older form, a script) is read as in a sheet: a listed company by name, else an "other" carrier."""
    name = carrier_name(carrier, carrier_other) if carrier in Carrier.values else carrier_from_text(carrier)
    return order_services.order_ship(user=user, order_id=order_id, carrier=name, tracking_no=tracking_no)


def _preview(merchant: Merchant, rows: list[merchant_sheets.SheetRow]) -> list[dict[str, Any]]:
    """Each sheet row with what is wrong with it, checked as the ship service will (order, state, carrier,
    tracking number, a number twice); the good rows carry the order id and the carrier's stored name."""
    orders = sales_selectors.merchant_orders_by_number(merchant=merchant, numbers=[r.number for r in rows])
    seen: set[str] = set()
    out = []
    for r in rows:
        error, carrier, order = "", "", orders.get(r.number)
        if not r.number:
            error = _("缺少订单号")
        elif r.number in seen:
            error = _("订单号在表格里重复")
        elif order is None:
            error = _("找不到这个订单")
        elif order.shipped_at is not None:
            error = _("订单已发货")
        elif not order_selectors.order_shippable(order):
            error = (_("订单有暂缓发货") if order_selectors.order_holds(order)
                     else _("订单当前状态「%(s)s」不能发货") % {"s": order.get_status_display()})
        else:
            try:
                carrier = carrier_from_text(r.carrier)
            except DomainError as exc:
                error = str(exc.message)
            if not error and not 4 <= len(r.tracking) <= 40:
                error = _("请填写正确的运单号")
        seen.add(r.number)
        out.append({"line": r.line, "number": r.number, "carrier": carrier or r.carrier, "tracking": r.tracking,
                    "error": error, "order_id": order.pk if order is not None and not error else None})
    return out


@login_required
def batch_ship(request: HttpRequest) -> HttpResponse:
    merchant = _merchant(request)
    errors: list[str] = []
    preview: list[dict[str, Any]] = []
    results: list[dict[str, Any]] = []
    if request.method == "POST" and request.POST.get("step") == "confirm":
        try:
            rows = json.loads(request.POST.get("rows") or "[]")
        except ValueError:
            rows = []
        for row in rows[: merchant_sheets.MAX_ROWS] if isinstance(rows, list) else []:
            if not isinstance(row, dict):
                continue
            one: list[str] = []
            call_service(one, order_services.order_ship, user=request.user, order_id=_int(row.get("order_id")) or 0,
                         carrier=str(row.get("carrier", "")), tracking_no=str(row.get("tracking", "")))
            results.append({"number": str(row.get("number", "")), "error": one[0] if one else ""})
        shipped = sum(1 for r in results if not r["error"])
        if shipped:
            messages.success(request, _("已发货 %(n)s 单") % {"n": shipped})
    elif request.method == "POST":
        upload = request.FILES.get("sheet")
        if upload is None:
            errors.append(_("请选择要上传的表格"))
        else:
            try:
                data = upload.read(merchant_sheets.MAX_BYTES + 1)
                preview = _preview(merchant, merchant_sheets.read_shipping_sheet(data, upload.name or ""))
            except DomainError as exc:
                errors.append(str(exc.message))
    good = [{"order_id": p["order_id"], "number": p["number"], "carrier": p["carrier"], "tracking": p["tracking"]}
            for p in preview if p["order_id"]]
    return render(request, "web/merchant/batch_ship.html", {
        "merchant": merchant, "errors": errors, "preview": preview, "good": good,
        "good_json": json.dumps(good, ensure_ascii=False),
        "bad_count": len(preview) - len(good), "results": results,
        "to_ship": order_selectors.order_list_to_ship(merchant=merchant).count(),
        "carriers": [label for code, label in carrier_choices() if code != Carrier.OTHER], "nav": ""},
        status=400 if errors else 200)


@login_required
def shipping_template(request: HttpRequest) -> HttpResponse:
    merchant = _merchant(request)
    content = merchant_sheets.shipping_template_xlsx(order_selectors.order_list_to_ship(merchant=merchant)[:500])
    return _xlsx(content, merchant_sheets.filename("shipping", merchant.pk))


EXPORT_DAYS = (7, 30, 90, 365)


@login_required
def orders_export(request: HttpRequest) -> HttpResponse:
    merchant = _merchant(request)
    days = _int(request.GET.get("days")) or 30
    days = days if days in EXPORT_DAYS else 30
    since = timezone.now() - dt.timedelta(days=days)
    orders = sales_selectors.merchant_orders_for_export(merchant=merchant, since=since)[:5000]
    return _xlsx(merchant_sheets.orders_xlsx(orders), merchant_sheets.filename("orders", merchant.pk))


def _xlsx(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=merchant_sheets.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- the sales overview -----------------------------------------------------------------------------------------


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    merchant = _merchant(request)
    days = 30 if request.GET.get("days") != "7" else 7
    sales = sales_selectors.merchant_sales(merchant=merchant, days=days)
    chart = {"days": [d.day.strftime("%m-%d") for d in sales.days], "orders": [d.orders for d in sales.days],
             "gmv_fen": [d.gmv_fen for d in sales.days],
             "labels": {"orders": _("订单数"), "gmv": _("成交额（元）")}}
    return render(request, "web/merchant/overview.html", {
        "merchant": merchant, "sales": sales, "chart": chart, "days": days, "export_days": EXPORT_DAYS,
        "nav": ""})


@login_required
def products(request: HttpRequest) -> HttpResponse:
    merchant = _merchant(request)
    q = request.GET.get("q", "")
    page = page_of(request, merchant_selectors.merchant_product_rows(merchant=merchant, search=q))
    return render(request, "web/merchant/products.html", {"merchant": merchant, "page": page, "q": q, "nav": ""})
