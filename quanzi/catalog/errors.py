from enum import StrEnum

from django.utils.translation import gettext as _

from quanzi.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied


class ErrorCode(StrEnum):
    """Every error code the catalog app raises (merchants, categories, brands, products, SKUs and stock, shelves and product cards); the API description lists them
    (quanzi/api_errors.py) and quanzi/core/tests/test_error_codes.py keeps this list complete."""

    ALREADY_APPLIED = "already_applied"
    BRAND_NOT_FOUND = "brand_not_found"
    CARD_NOT_FOUND = "card_not_found"
    CATEGORY_NOT_FOUND = "category_not_found"
    COMMUNITY_NOT_FOUND = "community_not_found"
    ILLEGAL_TRANSITION = "illegal_transition"
    INVALID_BUSINESS_NAME = "invalid_business_name"
    INVALID_COMMISSION_RATE = "invalid_commission_rate"
    INVALID_CONTACT_NAME = "invalid_contact_name"
    INVALID_CONTACT_PHONE = "invalid_contact_phone"
    INVALID_DELTA = "invalid_delta"
    IMAGE_NOT_FOUND = "image_not_found"
    INVALID_LICENCE_NO = "invalid_licence_no"
    INVALID_NAME = "invalid_name"
    INVALID_PRICE = "invalid_price"
    INVALID_QUANTITY = "invalid_quantity"
    INVALID_RETURN_EXEMPTION = "invalid_return_exemption"
    INVALID_SPEC = "invalid_spec"
    INVALID_STOCK = "invalid_stock"
    INVALID_TITLE = "invalid_title"
    INVALID_WEIGHT = "invalid_weight"
    MERCHANT_NOT_FOUND = "merchant_not_found"
    NO_SKU = "no_sku"
    NOT_AUTHENTICATED = "not_authenticated"
    NOT_MERCHANT = "not_merchant"
    NOT_OPERATOR = "not_operator"
    NOT_POST_AUTHOR = "not_post_author"
    POST_NOT_FOUND = "post_not_found"
    PRODUCT_NOT_FOUND = "product_not_found"
    PRODUCT_OFF_SHELF = "product_off_shelf"
    SKU_NOT_FOUND = "sku_not_found"
    TOO_MANY_IMAGES = "too_many_images"
    TOO_MANY_TAGS = "too_many_tags"


def not_operator() -> PermissionDenied:
    return PermissionDenied(ErrorCode.NOT_OPERATOR, _("只有平台运营人员可以执行此操作"))


def not_merchant() -> PermissionDenied:
    return PermissionDenied(ErrorCode.NOT_MERCHANT, _("你还不是已入驻的商家"))


def merchant_not_found() -> NotFound:
    return NotFound(ErrorCode.MERCHANT_NOT_FOUND, _("商家不存在"))


def already_applied() -> Conflict:
    return Conflict(ErrorCode.ALREADY_APPLIED, _("你已经提交过入驻申请"))


def bad_merchant_state(status_label: str) -> Conflict:
    return Conflict(ErrorCode.ILLEGAL_TRANSITION, _("商家当前状态为「%(s)s」，不能执行此操作") % {"s": status_label})


def product_not_found() -> NotFound:
    return NotFound(ErrorCode.PRODUCT_NOT_FOUND, _("商品不存在或已下架"))


def sku_not_found() -> NotFound:
    return NotFound(ErrorCode.SKU_NOT_FOUND, _("规格不存在"))


def image_not_found() -> InvalidInput:
    return InvalidInput(ErrorCode.IMAGE_NOT_FOUND, _("图片不存在，或不是这个商品的图片"))


def category_not_found() -> InvalidInput:
    return InvalidInput(ErrorCode.CATEGORY_NOT_FOUND, _("类目不存在"))


def brand_not_found() -> InvalidInput:
    return InvalidInput(ErrorCode.BRAND_NOT_FOUND, _("品牌不存在"))


def invalid_price() -> InvalidInput:
    return InvalidInput(ErrorCode.INVALID_PRICE, _("价格必须是正整数（单位：分），会员价不能高于原价"))


def invalid_stock() -> InvalidInput:
    return InvalidInput(ErrorCode.INVALID_STOCK, _("库存需在 0 到 10,000,000 之间"))


def product_not_sellable() -> Conflict:
    return Conflict(ErrorCode.PRODUCT_OFF_SHELF, _("商品未上架，不能加入货架或帖子"))


def not_post_author() -> PermissionDenied:
    return PermissionDenied(ErrorCode.NOT_POST_AUTHOR, _("只有帖子作者可以挂商品卡片"))


def post_not_found() -> NotFound:
    return NotFound(ErrorCode.POST_NOT_FOUND, _("帖子不存在"))


def card_not_found() -> NotFound:
    return NotFound(ErrorCode.CARD_NOT_FOUND, _("该帖子没有这个商品卡片"))
