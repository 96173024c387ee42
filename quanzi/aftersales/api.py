"""After-sales and reviews API: buyers apply and follow their requests; merchants handle their queue; anyone reads
product reviews; operators fold reviews. Someone else's request is a 404."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import File, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from quanzi.aftersales import selectors, services
from quanzi.aftersales.models import AfterSaleRequest, Review
from quanzi.aftersales.schemas import (
    FoldIn,
    RatingOut,
    RefundableLineOut,
    RejectIn,
    RequestIn,
    RequestOut,
    ReturnShipIn,
    ReviewIn,
    ReviewOut,
)
from quanzi.api_auth import current_user, optional, required
from quanzi.catalog.services import merchant_of
from quanzi.core.pagination import PageNumber
from quanzi.orders import selectors as order_selectors

router = Router(tags=["aftersales 售后与评价"])


def _buyer_get(request: HttpRequest, request_id: int) -> AfterSaleRequest:
    return selectors.request_get_for_buyer(user=current_user(request), request_id=request_id)


def _merchant_get(request: HttpRequest, request_id: int) -> AfterSaleRequest:
    return selectors.request_get_for_merchant(merchant=merchant_of(current_user(request)), request_id=request_id)


# --- buyer -------------------------------------------------------------------------------------------------------


@router.get("/orders/{order_id}/refundable", response=list[RefundableLineOut], auth=required)
def refundable(request: HttpRequest, order_id: int) -> list[dict[str, Any]]:
    order = order_selectors.order_get_for_buyer(user=current_user(request), order_id=order_id)
    return [{"order_line_id": lr.line.pk, "title": lr.line.title, "quantity": lr.line.quantity,
             "units_left": lr.units_left, "refundable_fen": lr.fen_left, "has_open_request": lr.has_open_request,
             "return_exemption": lr.line.return_exemption} for lr in selectors.order_refundable(order=order)]


@router.post("/requests", response={201: RequestOut}, auth=required)
def request_create(request: HttpRequest, data: RequestIn) -> Status:
    user = current_user(request)
    req = services.aftersale_request_create(
        user=user, order_id=data.order_id, kind=data.kind, reason=data.reason, reason_text=data.reason_text,
        lines=[(ln.order_line_id, ln.quantity) for ln in data.lines], amount_fen=data.amount_fen)
    return Status(201, selectors.request_get_for_buyer(user=user, request_id=req.pk))


@router.get("/requests", response=list[RequestOut], auth=required)
@paginate(PageNumber)
def request_list(request: HttpRequest, status: str | None = None, order_id: int | None = None):  # type: ignore[no-untyped-def]
    return selectors.request_list_for_buyer(user=current_user(request), status=status, order_id=order_id)


@router.get("/requests/{request_id}", response=RequestOut, auth=required)
def request_detail(request: HttpRequest, request_id: int) -> AfterSaleRequest:
    return _buyer_get(request, request_id)


@router.post("/requests/{request_id}/photos", response=RequestOut, auth=required)
def request_photos(request: HttpRequest, request_id: int,
                   photos: list[UploadedFile] = File(...)) -> AfterSaleRequest:  # noqa: B008
    services.aftersale_photos_add(user=current_user(request), request_id=request_id, photos=photos)
    return _buyer_get(request, request_id)


@router.post("/requests/{request_id}/cancel", response=RequestOut, auth=required)
def request_cancel(request: HttpRequest, request_id: int) -> AfterSaleRequest:
    services.aftersale_cancel(user=current_user(request), request_id=request_id)
    return _buyer_get(request, request_id)


@router.post("/requests/{request_id}/return-shipment", response=RequestOut, auth=required)
def request_return_ship(request: HttpRequest, request_id: int, data: ReturnShipIn) -> AfterSaleRequest:
    services.aftersale_return_ship(user=current_user(request), request_id=request_id, carrier=data.carrier,
                                   tracking_no=data.tracking_no)
    return _buyer_get(request, request_id)


# --- merchant ----------------------------------------------------------------------------------------------------


@router.get("/merchant/requests", response=list[RequestOut], auth=required)
@paginate(PageNumber)
def merchant_list(request: HttpRequest, status: str | None = None, open_only: bool = False):  # type: ignore[no-untyped-def]
    return selectors.request_list_for_merchant(merchant=merchant_of(current_user(request)), status=status,
                                               open_only=open_only)


@router.get("/merchant/requests/{request_id}", response=RequestOut, auth=required)
def merchant_detail(request: HttpRequest, request_id: int) -> AfterSaleRequest:
    return _merchant_get(request, request_id)


@router.post("/merchant/requests/{request_id}/approve", response=RequestOut, auth=required)
def merchant_approve(request: HttpRequest, request_id: int) -> AfterSaleRequest:
    services.aftersale_approve(user=current_user(request), request_id=request_id)
    return _merchant_get(request, request_id)


@router.post("/merchant/requests/{request_id}/reject", response=RequestOut, auth=required)
def merchant_reject(request: HttpRequest, request_id: int, data: RejectIn) -> AfterSaleRequest:
    services.aftersale_reject(user=current_user(request), request_id=request_id, reason=data.reason)
    return _merchant_get(request, request_id)


@router.post("/merchant/requests/{request_id}/receive", response=RequestOut, auth=required)
def merchant_receive(request: HttpRequest, request_id: int) -> AfterSaleRequest:
    services.aftersale_return_receive(user=current_user(request), request_id=request_id)
    return _merchant_get(request, request_id)


# --- reviews -----------------------------------------------------------------------------------------------------


@router.post("/reviews", response={201: ReviewOut}, auth=required)
def review_create(request: HttpRequest, data: ReviewIn) -> Status:
    review = services.review_create(user=current_user(request), order_line_id=data.order_line_id,
                                    rating=data.rating, text=data.text)
    return Status(201, selectors.review_get(review_id=review.pk))


@router.post("/reviews/{review_id}/photos", response=ReviewOut, auth=required)
def review_photos(request: HttpRequest, review_id: int,
                  photos: list[UploadedFile] = File(...)) -> Review:  # noqa: B008
    services.review_photos_add(user=current_user(request), review_id=review_id, photos=photos)
    return selectors.review_get(review_id=review_id)


@router.get("/reviews/mine", response=list[ReviewOut], auth=required)
@paginate(PageNumber)
def review_mine(request: HttpRequest):  # type: ignore[no-untyped-def]
    return selectors.review_list_for_buyer(user=current_user(request))


@router.post("/reviews/{review_id}/fold", response=ReviewOut, auth=required)
def review_fold(request: HttpRequest, review_id: int, data: FoldIn) -> Review:
    return services.review_fold(actor=current_user(request), review_id=review_id, reason=data.reason)


@router.post("/reviews/{review_id}/unfold", response=ReviewOut, auth=required)
def review_unfold(request: HttpRequest, review_id: int, data: FoldIn) -> Review:
    return services.review_unfold(actor=current_user(request), review_id=review_id, reason=data.reason)


@router.get("/products/{product_id}/reviews", response=list[ReviewOut], auth=optional)
@paginate(PageNumber)
def product_reviews(request: HttpRequest, product_id: int):  # type: ignore[no-untyped-def]
    return selectors.review_list_for_product(product_id=product_id)


@router.get("/products/{product_id}/rating", response=RatingOut, auth=optional)
def product_rating(request: HttpRequest, product_id: int) -> selectors.RatingSummary:
    return selectors.product_rating_summary(product_id=product_id)
