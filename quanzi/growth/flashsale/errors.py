from enum import StrEnum

from django.utils.translation import gettext as _

from quanzi.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied, TooManyRequests


class ErrorCode(StrEnum):
    """Every error code the flash-sale app raises; the API description lists them (quanzi/api_errors.py)."""

    FLASHSALE_ALONE = "flashsale_alone"
    FLASHSALE_ENDED = "flashsale_ended"
    FLASHSALE_LIMIT_REACHED = "flashsale_limit_reached"
    FLASHSALE_NOT_FOUND = "flashsale_not_found"
    FLASHSALE_NOT_STARTED = "flashsale_not_started"
    FLASHSALE_PAUSED = "flashsale_paused"
    FLASHSALE_SOLD_OUT = "flashsale_sold_out"
    FLASHSALE_TICKET_NOT_FOUND = "flashsale_ticket_not_found"
    IDEMPOTENCY_KEY_MISSING = "idempotency_key_missing"
    ILLEGAL_TRANSITION = "illegal_transition"
    INVALID_ALLOTMENT = "invalid_allotment"
    INVALID_LIMIT = "invalid_limit"
    INVALID_PAY_MINUTES = "invalid_pay_minutes"
    INVALID_PRICE = "invalid_price"
    INVALID_QUANTITY = "invalid_quantity"
    INVALID_TIME = "invalid_time"
    INVALID_TITLE = "invalid_title"
    NOT_AUTHENTICATED = "not_authenticated"
    NOT_ENOUGH_STOCK = "not_enough_stock"
    NOT_SESSION_OWNER = "not_session_owner"
    SESSION_NOT_EDITABLE = "session_not_editable"
    SESSION_NOT_FOUND = "session_not_found"
    SESSION_WITHOUT_ITEMS = "session_without_items"
    SKU_ALREADY_IN_SESSION = "sku_already_in_session"
    SKU_NOT_FOUND = "sku_not_found"
    TOO_MANY_REQUESTS = "too_many_requests"


def ticket_not_found() -> NotFound:
    return NotFound(ErrorCode.FLASHSALE_TICKET_NOT_FOUND, _("排队记录不存在"))


def item_not_found() -> NotFound:
    return NotFound(ErrorCode.FLASHSALE_NOT_FOUND, _("秒杀商品不存在"))


def session_not_found() -> NotFound:
    return NotFound(ErrorCode.SESSION_NOT_FOUND, _("秒杀场次不存在"))


def not_started() -> Conflict:
    return Conflict(ErrorCode.FLASHSALE_NOT_STARTED, _("秒杀还没开始，请等倒计时结束"))


def ended() -> Conflict:
    return Conflict(ErrorCode.FLASHSALE_ENDED, _("本场秒杀已结束"))


def paused() -> Conflict:
    return Conflict(ErrorCode.FLASHSALE_PAUSED, _("本场秒杀已暂停"))


def sold_out() -> Conflict:
    return Conflict(ErrorCode.FLASHSALE_SOLD_OUT, _("已抢光"))


def limit_reached(limit: int) -> Conflict:
    return Conflict(ErrorCode.FLASHSALE_LIMIT_REACHED, _("每人限购 %(n)d 件，你已达到上限") % {"n": limit})


def too_many_requests(retry_after: float) -> TooManyRequests:
    return TooManyRequests(ErrorCode.TOO_MANY_REQUESTS, _("点得太快了，请稍后再试"), retry_after=int(retry_after) + 1)


def illegal_transition(current: str, target: str) -> Conflict:
    return Conflict(ErrorCode.ILLEGAL_TRANSITION, _("场次不能从「%(a)s」变为「%(b)s」") % {"a": current, "b": target})


def not_owner() -> PermissionDenied:
    return PermissionDenied(ErrorCode.NOT_SESSION_OWNER, _("只能管理自己店铺的秒杀场次"))


def not_editable() -> Conflict:
    return Conflict(ErrorCode.SESSION_NOT_EDITABLE, _("场次已排期，不能再修改商品；请先结束或新建场次"))


def not_enough_stock(title: str, stock: int) -> Conflict:
    return Conflict(ErrorCode.NOT_ENOUGH_STOCK, _("「%(t)s」库存只剩 %(n)d 件，不够秒杀名额") % {"t": title, "n": stock})


def invalid(code: ErrorCode, message: str) -> InvalidInput:
    return InvalidInput(code, message)


def alone() -> InvalidInput:
    return InvalidInput(ErrorCode.FLASHSALE_ALONE, _("秒杀商品需单独下单，不能和其他商品一起结算"))


def not_in_order() -> InvalidInput:
    return InvalidInput(ErrorCode.FLASHSALE_NOT_FOUND, _("订单里没有这件秒杀商品"))


# what the gate answers most shoppers of a sale: answers by design, not problems (the buy endpoint keeps them out of
# the warning log: api.py and edge.py)
EXPECTED_REFUSALS = frozenset({ErrorCode.FLASHSALE_SOLD_OUT, ErrorCode.FLASHSALE_LIMIT_REACHED,
                               ErrorCode.FLASHSALE_NOT_STARTED, ErrorCode.FLASHSALE_ENDED, ErrorCode.FLASHSALE_PAUSED,
                               ErrorCode.TOO_MANY_REQUESTS})
