from enum import StrEnum

from django.utils.translation import gettext as _

from quanzi.core.errors import Conflict, InvalidInput, NotAuthenticated, NotFound, PermissionDenied


class ErrorCode(StrEnum):
    """Every error code paid content raises; quanzi/core/tests/test_error_codes.py keeps this list complete."""

    ALREADY_BOUGHT = "already_bought"
    CANNOT_SELL_HERE = "cannot_sell_here"
    INVALID_PAID_BODY = "invalid_paid_body"
    INVALID_PERIOD = "invalid_period"
    INVALID_PRICE = "invalid_price"
    INVALID_TITLE = "invalid_title"
    INVALID_VIDEO_URL = "invalid_video_url"
    NOT_AUTHENTICATED = "not_authenticated"
    NOT_AUTHOR = "not_author"
    OWN_CONTENT = "own_content"
    PAID_CONTENT_LOCKED = "paid_content_locked"
    PAID_CONTENT_NOT_FOUND = "paid_content_not_found"
    PURCHASE_PENDING = "purchase_pending"
    TOO_MANY_IMAGES = "too_many_images"


def not_authenticated() -> NotAuthenticated:
    return NotAuthenticated(ErrorCode.NOT_AUTHENTICATED, _("请先登录"))


def not_found() -> NotFound:
    return NotFound(ErrorCode.PAID_CONTENT_NOT_FOUND, _("付费内容不存在"))


def not_author() -> PermissionDenied:
    return PermissionDenied(ErrorCode.NOT_AUTHOR, _("只有作者可以修改这项内容"))


def cannot_sell_here() -> PermissionDenied:
    return PermissionDenied(ErrorCode.CANNOT_SELL_HERE,
                            _("只有群主、达人或群主授权的成员可以在这个社群发布付费内容"))


def invalid_price() -> InvalidInput:
    return InvalidInput(ErrorCode.INVALID_PRICE, _("价格需在 ¥0.01 到 ¥10,000.00 之间"))


def invalid_title(n: int) -> InvalidInput:
    return InvalidInput(ErrorCode.INVALID_TITLE, _("标题需 1–%(n)s 个字符") % {"n": n})


def invalid_body() -> InvalidInput:
    return InvalidInput(ErrorCode.INVALID_PAID_BODY, _("免费预览和付费内容都不能为空"))


def invalid_period() -> InvalidInput:
    return InvalidInput(ErrorCode.INVALID_PERIOD, _("这个专栏不提供该订阅周期"))


def invalid_video_url() -> InvalidInput:
    return InvalidInput(ErrorCode.INVALID_VIDEO_URL, _("视频链接需以 https:// 开头"))


def too_many_images(n: int) -> InvalidInput:
    return InvalidInput(ErrorCode.TOO_MANY_IMAGES, _("最多上传 %(n)s 张图片") % {"n": n})


def own_content() -> Conflict:
    return Conflict(ErrorCode.OWN_CONTENT, _("不能购买自己的内容"))


def already_bought() -> Conflict:
    return Conflict(ErrorCode.ALREADY_BOUGHT, _("你已经购买过，可以直接阅读"))


def purchase_pending(order_id: int) -> Conflict:
    err = Conflict(ErrorCode.PURCHASE_PENDING, _("你已下单，请到订单页完成付款"))
    err.order_id = order_id  # type: ignore[attr-defined]  # the page links to it
    return err


def locked() -> PermissionDenied:
    return PermissionDenied(ErrorCode.PAID_CONTENT_LOCKED, _("这是付费内容，购买后即可阅读全部"))
