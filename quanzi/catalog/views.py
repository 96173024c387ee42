"""Shop pages: product list and product page (with its community context), the product-card click-through. The
merchant console, which also reads orders and after-sales, is a page of the top layer (`quanzi/web/views.py`).
Thin: the services and selectors do the work."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from quanzi.catalog import selectors, services
from quanzi.core.errors import DomainError
from quanzi.core.pages import page_of


def _user(request: HttpRequest) -> Any:
    return request.user if request.user.is_authenticated else None


def product_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    category_id = request.GET.get("category")
    cid = int(category_id) if category_id and category_id.isdigit() else None
    merchant_id = request.GET.get("merchant", "")
    # ?merchant= is a shop's own shelf (the product page's 店铺 button)
    merchant = selectors.merchant_find(merchant_id=int(merchant_id)) if merchant_id.isdigit() else None
    page = page_of(request, selectors.product_list(search=q, category_id=cid,
                                                   merchant_id=merchant.pk if merchant else None))
    return render(request, "catalog/list.html", {"page": page, "q": q, "merchant": merchant, "nav": ""})


def product_detail(request: HttpRequest, product_id: int) -> HttpResponse:
    """The page to buy from: the gallery, the SKU chips (a radio group, so it works without script), the figures
    other apps add (`catalog.hooks.product_fact`: units sold), the panels, the reviews, and the sticky buy bar."""
    user = _user(request)
    product = selectors.product_get(product_id=product_id, user=user)
    services.product_view(viewer=user, product=product, via="page")
    skus = selectors.attach_available_stock(list(selectors.product_skus(product=product)))
    images = list(product.images.all())
    slide_of = {img.pk: i for i, img in enumerate(images)}
    for s in skus:  # which gallery slide a chip turns to (its picture's place), None without one
        s.slide = slide_of.get(s.image_id or 0)  # type: ignore[attr-defined]
    wanted = request.GET.get("sku", "")
    return render(request, "catalog/detail.html", {
        "product": product, "images": images, "skus": skus,
        "chosen": selectors.sku_chosen(skus=skus, wanted=int(wanted) if wanted.isdigit() else None),
        "low_stock": selectors.LOW_STOCK, "facts": selectors.product_facts(product=product),
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
