from enum import StrEnum

from django.utils.translation import gettext as _

from quanzi.core.errors import InvalidInput, NotAuthenticated, NotFound


class ErrorCode(StrEnum):
    """Every error code the recommend app raises; the API description lists them (quanzi/api_errors.py) and
    quanzi/core/tests/test_error_codes.py keeps this list complete."""

    INVALID_ITEM_KIND = "invalid_item_kind"
    ITEM_NOT_FOUND = "item_not_found"
    NOT_AUTHENTICATED = "not_authenticated"


def invalid_item_kind(kind: str) -> InvalidInput:
    return InvalidInput(ErrorCode.INVALID_ITEM_KIND, _("不支持的推荐类型：%(kind)s（可选 product、post）")
                        % {"kind": kind[:20]})


def item_not_found() -> NotFound:
    return NotFound(ErrorCode.ITEM_NOT_FOUND, _("商品或帖子不存在"))


def not_authenticated() -> NotAuthenticated:
    return NotAuthenticated(ErrorCode.NOT_AUTHENTICATED, _("请先登录"))
