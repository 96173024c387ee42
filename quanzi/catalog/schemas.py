from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Field

from quanzi.core.schema import Schema


class MerchantApplyIn(Schema):
    business_name: str
    licence_no: str
    contact_name: str
    contact_phone: str


class MerchantOut(Schema):
    id: int
    user_id: int
    business_name: str
    licence_no: str
    contact_name: str
    contact_phone: str
    status: str
    status_reason: str
    commission_rate: str = Field(..., description="平台佣金比例（小数，如 0.0500 = 5%）")
    created_at: datetime

    @staticmethod
    def resolve_commission_rate(obj: Any) -> str:
        return str(obj.commission_rate)

    @staticmethod
    def resolve_status_reason(obj: Any) -> str:
        return str(obj.display_status_reason)  # ours in the reader's language, an operator's as typed


class MerchantPublicOut(Schema):
    id: int
    business_name: str


class ApproveIn(Schema):
    commission_rate: str | None = Field(None, description="小数字符串，如 \"0.0500\"")


class ReasonIn(Schema):
    reason: str = ""


class CategoryIn(Schema):
    name: str
    parent_id: int | None = None
    sort: int = 0


class CategoryOut(Schema):
    id: int
    name: str
    parent_id: int | None
    sort: int


class BrandIn(Schema):
    name: str


class BrandOut(Schema):
    id: int
    name: str


class ProductIn(Schema):
    category_id: int
    title: str
    description: str = ""
    tags: list[str] = []
    brand_id: int | None = None
    return_exemption: str = "none"


class ProductPatch(Schema):
    category_id: int | None = None
    title: str | None = None
    description: str | None = None
    tags: list[str] | None = None
    brand_id: int | None = None
    return_exemption: str | None = None


class ShelfIn(Schema):
    on_shelf: bool


class SkuIn(Schema):
    spec: dict[str, str] = {}
    price_fen: int
    member_price_fen: int | None = None
    stock: int = 0
    weight_g: int = 0


class SkuPatch(Schema):
    price_fen: int | None = None
    member_price_fen: int | None = Field(None, description="传 null 不修改；传 0 清除会员价")
    weight_g: int | None = None
    spec: dict[str, str] | None = None
    is_active: bool | None = None


class StockIn(Schema):
    delta: int = Field(..., description="正数入库，负数出库")


class SkuOut(Schema):
    id: int
    spec: dict[str, str]
    price_fen: int
    member_price_fen: int | None
    stock: int = Field(..., description="可售库存（超时未付订单占用的库存已计为可售）")
    weight_g: int
    is_active: bool

    @staticmethod
    def resolve_stock(obj: Any) -> int:
        return int(getattr(obj, "available", obj.stock))


class ImageOut(Schema):
    id: int
    url: str

    @staticmethod
    def resolve_url(obj: Any) -> str:
        return str(obj.image.url)


class ProductOut(Schema):
    id: int
    title: str
    merchant: MerchantPublicOut
    category_id: int
    tags: list[str]
    on_shelf: bool
    return_exemption: str
    cover_url: str
    min_price_fen: int | None

    @staticmethod
    def resolve_cover_url(obj: Any) -> str:
        images = list(obj.images.all())
        return str(images[0].image.url) if images else ""

    @staticmethod
    def resolve_min_price_fen(obj: Any) -> int | None:
        prices = [s.price_fen for s in obj.skus.all() if s.is_active]
        return min(prices) if prices else None


class CommunityRefOut(Schema):
    id: int
    slug: str
    name: str


class PostRefOut(Schema):
    id: int
    title: str
    community_id: int
    author_id: int


class ProductDetailOut(ProductOut):
    description: str
    brand_id: int | None
    images: list[ImageOut]
    skus: list[SkuOut]
    communities: list[CommunityRefOut] = []
    posts: list[PostRefOut] = []

    @staticmethod
    def resolve_images(obj: Any) -> list[Any]:
        return list(obj.images.all())

    @staticmethod
    def resolve_skus(obj: Any) -> list[Any]:
        skus = getattr(obj, "sku_list", None)
        if skus is None:
            skus = list(obj.skus.all())
        return [s for s in skus if s.is_active] if obj.on_shelf else skus

    @staticmethod
    def resolve_communities(obj: Any) -> list[Any]:
        ctx = getattr(obj, "context", None)
        return ctx.communities if ctx else []

    @staticmethod
    def resolve_posts(obj: Any) -> list[Any]:
        ctx = getattr(obj, "context", None)
        return ctx.posts if ctx else []


class ProductIdIn(Schema):
    product_id: int


class ShelfItemOut(Schema):
    community_id: int
    product_id: int
    picked_by_id: int | None
    created_at: datetime


class PostProductOut(Schema):
    post_id: int
    product_id: int
    added_by_id: int | None
    created_at: datetime


class CardClickIn(Schema):
    share_token: str = ""
