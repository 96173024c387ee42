from enum import StrEnum

from quanzi.core.errors import InvalidInput


class ErrorCode(StrEnum):
    """Every error code the notify app raises (the settings API and page); quanzi/api_errors.py lists them."""

    UNKNOWN_CHANNEL = "unknown_channel"
    UNKNOWN_GROUP = "unknown_group"


def invalid(code: ErrorCode, message: str) -> InvalidInput:
    return InvalidInput(code, message)
