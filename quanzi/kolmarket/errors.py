from enum import StrEnum

from django.utils.translation import gettext as _

from quanzi.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied


class ErrorCode(StrEnum):
    """Every error code the KOL marketplace raises; quanzi/core/tests/test_error_codes.py keeps this list
    complete."""

    DEAL_CLOSED = "deal_closed"
    DEAL_EXPIRED = "deal_expired"
    DEAL_NOT_FOUND = "deal_not_found"
    ILLEGAL_TRANSITION = "illegal_transition"
    INVALID_TERMS = "invalid_terms"
    KOL_NOT_FOUND = "kol_not_found"
    NO_SHELF_COMMUNITY = "no_shelf_community"
    NOT_AUTHENTICATED = "not_authenticated"
    NOT_KOL = "not_kol"
    NOT_MERCHANT = "not_merchant"
    NOT_YOUR_TURN = "not_your_turn"
    PRODUCT_NOT_OWNED = "product_not_owned"


def deal_not_found() -> NotFound:
    return NotFound(ErrorCode.DEAL_NOT_FOUND, _("合作不存在或无权查看"))


def kol_not_found() -> NotFound:
    return NotFound(ErrorCode.KOL_NOT_FOUND, _("达人不存在或未入驻达人广场"))


def not_merchant() -> PermissionDenied:
    return PermissionDenied(ErrorCode.NOT_MERCHANT, _("只有审核通过的商家可以发起合作"))


def not_kol() -> PermissionDenied:
    return PermissionDenied(ErrorCode.NOT_KOL, _("只有在社群中可以选品的达人、群主或管理员可以入驻达人广场"))


def not_your_turn() -> PermissionDenied:
    return PermissionDenied(ErrorCode.NOT_YOUR_TURN, _("现在轮到对方回复，你不能进行这个操作"))


def deal_closed(label: str) -> Conflict:
    return Conflict(ErrorCode.DEAL_CLOSED, _("这个合作已经是「%(s)s」，不能再回复") % {"s": label})


def deal_expired() -> Conflict:
    return Conflict(ErrorCode.DEAL_EXPIRED, _("这个合作邀约已过回复期限"))


def illegal_transition(current: str, target: str) -> Conflict:
    return Conflict(ErrorCode.ILLEGAL_TRANSITION, _("合作不能从「%(a)s」变为「%(b)s」") % {"a": current, "b": target})


def invalid_terms(why: str) -> InvalidInput:
    return InvalidInput(ErrorCode.INVALID_TERMS, _("合作条款有误：%(why)s") % {"why": why})


def product_not_owned() -> InvalidInput:
    return InvalidInput(ErrorCode.PRODUCT_NOT_OWNED, _("只能选择自己店铺里在售的商品"))


def no_shelf_community() -> Conflict:
    return Conflict(ErrorCode.NO_SHELF_COMMUNITY, _("你还没有可以上架商品的社群，先成为社群的达人、管理员或群主"))
