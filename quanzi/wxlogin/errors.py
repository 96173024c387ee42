from enum import StrEnum

from django.utils.translation import gettext as _

from quanzi.core.errors import NotAuthenticated


class ErrorCode(StrEnum):
    """Every error code the WeChat login app raises; quanzi/core/tests/test_error_codes.py keeps this list complete."""

    NOT_AUTHENTICATED = "not_authenticated"


def not_authenticated() -> NotAuthenticated:
    return NotAuthenticated(ErrorCode.NOT_AUTHENTICATED, _("请先登录"))
