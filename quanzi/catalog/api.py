"""/api/v1/catalog: merchant onboarding, categories and brands, products and SKUs, community shelves and product
cards in posts. Thin: parse, call one service or selector, return a schema."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from quanzi.api_auth import current_user, optional, required, viewer
from quanzi.catalog import errors, selectors, services
from quanzi.catalog.errors import ErrorCode
from quanzi.catalog.models import Merchant, PostProduct, Product, ProductImage, ShelfItem, Sku
from quanzi.catalog.schemas import (
    ApproveIn,
    BrandIn,
    BrandOut,
    CardClickIn,
    CategoryIn,
    CategoryOut,
    ImageOut,
    MerchantApplyIn,
    MerchantOut,
    PostProductOut,
    ProductDetailOut,
    ProductIdIn,
    ProductIn,
    ProductOut,
    ProductPatch,
    ReasonIn,
    ShelfIn,
    ShelfItemOut,
    SkuIn,
    SkuOut,
    SkuPatch,
    StockIn,
)
from quanzi.core.errors import InvalidInput
from quanzi.core.pagination import PageNumber

router = Router(tags=["catalog 商品"])


# --- merchants ---------------------------------------------------------------------------------------------------


@router.post("/merchants/apply", response={201: MerchantOut}, auth=required)
def merchant_apply(request: HttpRequest, data: MerchantApplyIn) -> Status:
    return Status(201, services.merchant_apply(user=current_user(request), **data.dict()))


@router.get("/merchants/me", response=MerchantOut, auth=required)
def merchant_me(request: HttpRequest) -> Merchant:
    merchant = selectors.merchant_get_for_user(user=current_user(request))
    if merchant is None:
        raise errors.merchant_not_found()
    return merchant


@router.get("/merchants", response=list[MerchantOut], auth=required)
@paginate(PageNumber)
def merchant_list(request: HttpRequest, status: str | None = None):  # type: ignore[no-untyped-def]
    return selectors.merchant_list(operator=current_user(request), status=status)


def _rate(value: str | None) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(value)
    except InvalidOperation as exc:
        raise InvalidInput(ErrorCode.INVALID_COMMISSION_RATE, _("佣金比例需在 0 到 1 之间")) from exc


@router.post("/merchants/{merchant_id}/approve", response=MerchantOut, auth=required)
def merchant_approve(request: HttpRequest, merchant_id: int, data: ApproveIn) -> Merchant:
    return services.merchant_approve(operator=current_user(request), merchant_id=merchant_id,
                                     commission_rate=_rate(data.commission_rate))


@router.post("/merchants/{merchant_id}/reject", response=MerchantOut, auth=required)
def merchant_reject(request: HttpRequest, merchant_id: int, data: ReasonIn) -> Merchant:
    return services.merchant_reject(operator=current_user(request), merchant_id=merchant_id, reason=data.reason)


@router.post("/merchants/{merchant_id}/suspend", response=MerchantOut, auth=required)
def merchant_suspend(request: HttpRequest, merchant_id: int, data: ReasonIn) -> Merchant:
    return services.merchant_suspend(operator=current_user(request), merchant_id=merchant_id, reason=data.reason)


# --- categories and brands ---------------------------------------------------------------------------------------


@router.get("/categories", response=list[CategoryOut], auth=optional)
@paginate(PageNumber)
def category_list(request: HttpRequest):  # type: ignore[no-untyped-def]
    return selectors.category_list()


@router.post("/categories", response={201: CategoryOut}, auth=required)
def category_create(request: HttpRequest, data: CategoryIn) -> Status:
    return Status(201, services.category_create(operator=current_user(request), name=data.name,
                                                parent_id=data.parent_id, sort=data.sort))


@router.get("/brands", response=list[BrandOut], auth=optional)
@paginate(PageNumber)
def brand_list(request: HttpRequest):  # type: ignore[no-untyped-def]
    return selectors.brand_list()


@router.post("/brands", response={201: BrandOut}, auth=required)
def brand_create(request: HttpRequest, data: BrandIn) -> Status:
    return Status(201, services.brand_create(operator=current_user(request), name=data.name))


# --- products ----------------------------------------------------------------------------------------------------


@router.get("/products", response=list[ProductOut], auth=optional)
@paginate(PageNumber)
def product_list(request: HttpRequest, search: str = "", category_id: int | None = None,  # type: ignore[no-untyped-def]
                 merchant_id: int | None = None):
    return selectors.product_list(search=search, category_id=category_id, merchant_id=merchant_id)


@router.get("/merchant/products", response=list[ProductOut], auth=required)
@paginate(PageNumber)
def my_products(request: HttpRequest):  # type: ignore[no-untyped-def]
    return selectors.merchant_products(merchant=services.merchant_of(current_user(request)))


def _detail(request: HttpRequest, product_id: int) -> Product:
    user = viewer(request)
    product = selectors.product_get(product_id=product_id, user=user)
    product.context = selectors.product_context(product=product, user=user)  # type: ignore[attr-defined]
    product.sku_list = selectors.attach_available_stock(list(product.skus.order_by("id")))  # type: ignore[attr-defined]
    return product


@router.get("/products/{product_id}", response=ProductDetailOut, auth=optional)
def product_detail(request: HttpRequest, product_id: int) -> Product:
    product = _detail(request, product_id)
    services.product_view(viewer=viewer(request), product=product, via="api")
    return product


@router.post("/products", response={201: ProductDetailOut}, auth=required)
def product_create(request: HttpRequest, data: ProductIn) -> Status:
    product = services.product_create(user=current_user(request), **data.dict())
    return Status(201, _detail(request, product.pk))


@router.patch("/products/{product_id}", response=ProductDetailOut, auth=required)
def product_update(request: HttpRequest, product_id: int, data: ProductPatch) -> Product:
    services.product_update(user=current_user(request), product_id=product_id, **data.dict())
    return _detail(request, product_id)


@router.post("/products/{product_id}/shelf", response=ProductDetailOut, auth=required)
def product_shelf(request: HttpRequest, product_id: int, data: ShelfIn) -> Product:
    services.product_set_shelf(user=current_user(request), product_id=product_id, on_shelf=data.on_shelf)
    return _detail(request, product_id)


@router.post("/products/{product_id}/images", response={201: ImageOut}, auth=required)
def product_image(request: HttpRequest, product_id: int, file: UploadedFile = File(...)) -> Status:  # noqa: B008
    row: ProductImage = services.product_image_add(user=current_user(request), product_id=product_id, image=file)
    return Status(201, row)


@router.post("/products/{product_id}/skus", response={201: SkuOut}, auth=required)
def sku_create(request: HttpRequest, product_id: int, data: SkuIn) -> Status:
    return Status(201, services.sku_create(user=current_user(request), product_id=product_id, **data.dict()))


@router.patch("/skus/{sku_id}", response=SkuOut, auth=required)
def sku_update(request: HttpRequest, sku_id: int, data: SkuPatch) -> Sku:
    fields: dict[str, Any] = data.dict()
    clear = fields.get("member_price_fen") == 0
    if clear:
        fields["member_price_fen"] = None
    return services.sku_update(user=current_user(request), sku_id=sku_id, clear_member_price=clear, **fields)


@router.post("/skus/{sku_id}/stock", response=SkuOut, auth=required)
def sku_stock(request: HttpRequest, sku_id: int, data: StockIn) -> Sku:
    return services.sku_stock_adjust(user=current_user(request), sku_id=sku_id, delta=data.delta)


# --- community shelf and product cards ---------------------------------------------------------------------------


@router.get("/communities/{community_id}/shelf", response=list[ProductOut], auth=optional)
@paginate(PageNumber)
def shelf(request: HttpRequest, community_id: int):  # type: ignore[no-untyped-def]
    return selectors.community_shelf(
        community=selectors.community_for_viewer(community_id=community_id, user=viewer(request)))


@router.post("/communities/{community_id}/shelf", response={201: ShelfItemOut}, auth=required)
def shelf_add(request: HttpRequest, community_id: int, data: ProductIdIn) -> Status:
    item: ShelfItem = services.shelf_add(user=current_user(request), community_id=community_id,
                                         product_id=data.product_id)
    return Status(201, item)


@router.delete("/communities/{community_id}/shelf/{product_id}", response={204: None}, auth=required)
def shelf_remove(request: HttpRequest, community_id: int, product_id: int) -> Status:
    services.shelf_remove(user=current_user(request), community_id=community_id, product_id=product_id)
    return Status(204, None)


@router.get("/posts/{post_id}/products", response=list[ProductOut], auth=optional)
@paginate(PageNumber)
def post_products(request: HttpRequest, post_id: int):  # type: ignore[no-untyped-def]
    return selectors.post_products_for(post_id=post_id, user=viewer(request))


@router.post("/posts/{post_id}/products", response={201: PostProductOut}, auth=required)
def post_product_attach(request: HttpRequest, post_id: int, data: ProductIdIn) -> Status:
    card: PostProduct = services.post_product_attach(user=current_user(request), post_id=post_id,
                                                     product_id=data.product_id)
    return Status(201, card)


@router.delete("/posts/{post_id}/products/{product_id}", response={204: None}, auth=required)
def post_product_detach(request: HttpRequest, post_id: int, product_id: int) -> Status:
    services.post_product_detach(user=current_user(request), post_id=post_id, product_id=product_id)
    return Status(204, None)


@router.post("/posts/{post_id}/products/{product_id}/click", response={204: None}, auth=required)
def product_card_click(request: HttpRequest, post_id: int, product_id: int, data: CardClickIn) -> Status:
    services.product_card_click(user=current_user(request), post_id=post_id, product_id=product_id,
                                share_token=data.share_token)
    return Status(204, None)
