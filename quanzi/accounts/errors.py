import math
from enum import StrEnum

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from quanzi.core.errors import Conflict, InvalidInput, NotAuthenticated, NotFound, TooManyRequests


class ErrorCode(StrEnum):
    """Every error code the accounts app raises (sign-up, login, tokens, profile, persona, follows); the API description lists them
    (quanzi/api_errors.py) and quanzi/core/tests/test_error_codes.py keeps this list complete."""

    BAD_CREDENTIALS = "bad_credentials"
    BIO_TOO_LONG = "bio_too_long"
    CANNOT_FOLLOW_SELF = "cannot_follow_self"
    CONSENT_REQUIRED = "consent_required"
    INVALID_BIRTH_YEAR = "invalid_birth_year"
    INVALID_BIRTHDAY = "invalid_birthday"
    INVALID_EMAIL = "invalid_email"
    INVALID_GENDER = "invalid_gender"
    INVALID_INCOME_BAND = "invalid_income_band"
    INVALID_NICKNAME = "invalid_nickname"
    INVALID_PHONE = "invalid_phone"
    INVALID_REGION = "invalid_region"
    LOGIN_LOCKED = "login_locked"
    LOGIN_NEEDED = "login_needed"
    LOGIN_TAKEN = "login_taken"
    NOT_AUTHENTICATED = "not_authenticated"
    PASSWORD_LOCKED = "password_locked"
    TOO_MANY_REQUESTS = "too_many_requests"
    UNKNOWN_PERSONA_FIELD = "unknown_persona_field"
    USER_NOT_FOUND = "user_not_found"
    WEAK_PASSWORD = "weak_password"
    WRONG_PASSWORD = "wrong_password"


def login_required_error() -> NotAuthenticated:
    return NotAuthenticated(ErrorCode.NOT_AUTHENTICATED, _("请先登录"))


LOGIN_NEEDED = (ErrorCode.LOGIN_NEEDED, _("请填写手机号或邮箱"))


def invalid_phone() -> InvalidInput:
    return InvalidInput(ErrorCode.INVALID_PHONE, _("手机号格式不正确（11 位，以 1 开头）"))


def invalid_email() -> InvalidInput:
    return InvalidInput(ErrorCode.INVALID_EMAIL, _("邮箱格式不正确"))


def login_taken() -> Conflict:
    return Conflict(ErrorCode.LOGIN_TAKEN, _("该手机号或邮箱已注册"))


def bad_credentials() -> NotAuthenticated:
    return NotAuthenticated(ErrorCode.BAD_CREDENTIALS, _("账号或密码错误"))


def user_not_found() -> NotFound:
    return NotFound(ErrorCode.USER_NOT_FOUND, _("用户不存在"))


def _minutes(seconds: float) -> int:
    return max(1, math.ceil(seconds / 60))


def login_locked(seconds: float) -> TooManyRequests:
    minutes = _minutes(seconds)
    return TooManyRequests(ErrorCode.LOGIN_LOCKED, ngettext("登录失败次数过多，请 %(minutes)d 分钟后再试",
                                                    "登录失败次数过多，请 %(minutes)d 分钟后再试", minutes)
                           % {"minutes": minutes}, retry_after=math.ceil(seconds))


def password_locked(seconds: float) -> TooManyRequests:
    minutes = _minutes(seconds)
    return TooManyRequests(ErrorCode.PASSWORD_LOCKED, ngettext("原密码错误次数过多，请 %(minutes)d 分钟后再试",
                                                       "原密码错误次数过多，请 %(minutes)d 分钟后再试", minutes)
                           % {"minutes": minutes}, retry_after=math.ceil(seconds))


def too_many_requests(seconds: float) -> TooManyRequests:
    return TooManyRequests(ErrorCode.TOO_MANY_REQUESTS, _("请求过于频繁，请稍后再试"), retry_after=math.ceil(seconds))


def wrong_password() -> InvalidInput:
    return InvalidInput(ErrorCode.WRONG_PASSWORD, _("原密码不正确"))


def token_invalid() -> NotAuthenticated:
    return NotAuthenticated(ErrorCode.NOT_AUTHENTICATED, _("请先登录"))
