"""The live app's error codes (quanzi/api_errors.py lists them in the API description)."""

from enum import StrEnum

from django.utils.translation import gettext as _

from quanzi.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied


class ErrorCode(StrEnum):
    INVALID_INPUT = "invalid_input"  # a WebSocket frame without a usable id
    NOT_FOUND = "not_found"  # a page or a community that does not exist (or may not be seen)
    LIVE_INVALID_COVER = "live_invalid_cover"
    LIVE_INVALID_PRICE = "live_invalid_price"
    LIVE_INVALID_STREAM_URL = "live_invalid_stream_url"
    LIVE_INVALID_TIME = "live_invalid_time"
    LIVE_INVALID_TITLE = "live_invalid_title"
    LIVE_COMMENT_EMPTY = "live_comment_empty"
    LIVE_COMMENT_TOO_LONG = "live_comment_too_long"
    LIVE_NOT_HOST = "live_not_host"
    LIVE_NOT_LIVE = "live_not_live"
    LIVE_PIN_NOT_FOUND = "live_pin_not_found"
    LIVE_PRICE_UNAVAILABLE = "live_price_unavailable"
    LIVE_PRODUCT_NOT_ON_SHELF = "live_product_not_on_shelf"
    LIVE_PRODUCT_OTHER_MERCHANT = "live_product_other_merchant"
    LIVE_SESSION_ENDED = "live_session_ended"
    LIVE_SESSION_NOT_FOUND = "live_session_not_found"
    LIVE_SKU_NOT_FOUND = "live_sku_not_found"
    LIVE_ILLEGAL_TRANSITION = "live_illegal_transition"


def session_not_found() -> NotFound:
    return NotFound(ErrorCode.LIVE_SESSION_NOT_FOUND, _("直播不存在或无权查看"))


def session_ended() -> Conflict:
    return Conflict(ErrorCode.LIVE_SESSION_ENDED, _("直播已结束"), status=410)


def not_live() -> Conflict:
    return Conflict(ErrorCode.LIVE_NOT_LIVE, _("直播尚未开始"))


def not_host() -> PermissionDenied:
    return PermissionDenied(ErrorCode.LIVE_NOT_HOST, _("只有主播可以操作"))


def illegal_transition(current: str, target: str) -> Conflict:
    return Conflict(ErrorCode.LIVE_ILLEGAL_TRANSITION, _("直播状态为「%(current)s」，不能改为「%(target)s」")
                    % {"current": current, "target": target})


def invalid_title() -> InvalidInput:
    return InvalidInput(ErrorCode.LIVE_INVALID_TITLE, _("请填写直播标题（不超过 60 字）"))


def invalid_stream_url() -> InvalidInput:
    return InvalidInput(ErrorCode.LIVE_INVALID_STREAM_URL, _("直播流地址须为 http(s) 开头的 HLS（.m3u8）或 FLV 地址"))


def invalid_time() -> InvalidInput:
    return InvalidInput(ErrorCode.LIVE_INVALID_TIME, _("开播时间不能早于现在"))


def invalid_cover() -> InvalidInput:
    return InvalidInput(ErrorCode.LIVE_INVALID_COVER, _("封面须为图片"))


def product_not_on_shelf() -> InvalidInput:
    return InvalidInput(ErrorCode.LIVE_PRODUCT_NOT_ON_SHELF, _("只能挂本社群货架上的在售商品"))


def product_other_merchant() -> PermissionDenied:
    return PermissionDenied(ErrorCode.LIVE_PRODUCT_OTHER_MERCHANT, _("这场直播只能挂本场商家的商品"))


def sku_not_found() -> NotFound:
    return NotFound(ErrorCode.LIVE_SKU_NOT_FOUND, _("规格不存在或已停售"))


def invalid_price() -> InvalidInput:
    return InvalidInput(ErrorCode.LIVE_INVALID_PRICE, _("直播价须大于 0 且低于原价"))


def pin_not_found() -> NotFound:
    return NotFound(ErrorCode.LIVE_PIN_NOT_FOUND, _("直播商品不存在"))


def price_unavailable() -> Conflict:
    return Conflict(ErrorCode.LIVE_PRICE_UNAVAILABLE, _("直播价仅在直播中、商品讲解期间有效"))


def comment_empty() -> InvalidInput:
    return InvalidInput(ErrorCode.LIVE_COMMENT_EMPTY, _("评论不能为空"))


def comment_too_long() -> InvalidInput:
    return InvalidInput(ErrorCode.LIVE_COMMENT_TOO_LONG, _("评论不能超过 200 字"))
