from enum import StrEnum


class ErrorCode(StrEnum):
    """Every error code the insight app raises (the dashboards: filters and access); the API description lists
    them (quanzi/api_errors.py) and quanzi/core/tests/test_error_codes.py keeps this list complete."""

    INVALID_DATE = "invalid_date"
    METRIC_NOT_FOUND = "metric_not_found"
    NOT_AUTHENTICATED = "not_authenticated"
    PERMISSION_DENIED = "permission_denied"
