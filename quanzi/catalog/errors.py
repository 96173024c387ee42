from django.utils.translation import gettext as _

from quanzi.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied


def not_operator() -> PermissionDenied:
    return PermissionDenied("not_operator", _("只有平台运营人员可以执行此操作"))


def not_merchant() -> PermissionDenied:
    return PermissionDenied("not_merchant", _("你还不是已入驻的商家"))


def merchant_not_found() -> NotFound:
    return NotFound("merchant_not_found", _("商家不存在"))


def already_applied() -> Conflict:
    return Conflict("already_applied", _("你已经提交过入驻申请"))


def bad_merchant_state(status_label: str) -> Conflict:
    return Conflict("illegal_transition", _("商家当前状态为「%(s)s」，不能执行此操作") % {"s": status_label})


def product_not_found() -> NotFound:
    return NotFound("product_not_found", _("商品不存在或已下架"))


def sku_not_found() -> NotFound:
    return NotFound("sku_not_found", _("规格不存在"))


def category_not_found() -> InvalidInput:
    return InvalidInput("category_not_found", _("类目不存在"))


def brand_not_found() -> InvalidInput:
    return InvalidInput("brand_not_found", _("品牌不存在"))


def invalid_price() -> InvalidInput:
    return InvalidInput("invalid_price", _("价格必须是正整数（单位：分），会员价不能高于原价"))


def invalid_stock() -> InvalidInput:
    return InvalidInput("invalid_stock", _("库存需在 0 到 10,000,000 之间"))


def product_not_sellable() -> Conflict:
    return Conflict("product_off_shelf", _("商品未上架，不能加入货架或帖子"))


def not_post_author() -> PermissionDenied:
    return PermissionDenied("not_post_author", _("只有帖子作者可以挂商品卡片"))


def post_not_found() -> NotFound:
    return NotFound("post_not_found", _("帖子不存在"))


def card_not_found() -> NotFound:
    return NotFound("card_not_found", _("该帖子没有这个商品卡片"))
