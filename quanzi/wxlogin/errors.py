from enum import StrEnum

from django.utils.translation import gettext as _

from quanzi.core.errors import (
    Conflict,
    DomainError,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
)


class ErrorCode(StrEnum):
    """Every error code the WeChat login app raises; quanzi/core/tests/test_error_codes.py keeps this list complete."""

    NOT_AUTHENTICATED = "not_authenticated"
    WECHAT_LOGIN_UNAVAILABLE = "wechat_login_unavailable"
    WECHAT_STATE_INVALID = "wechat_state_invalid"
    WECHAT_STATE_EXPIRED = "wechat_state_expired"
    WECHAT_STATE_USED = "wechat_state_used"
    WECHAT_CODE_USED = "wechat_code_used"
    WECHAT_CODE_INVALID = "wechat_code_invalid"
    WECHAT_PROVIDER_ERROR = "wechat_provider_error"
    WECHAT_OPENID_TAKEN = "wechat_openid_taken"
    WECHAT_ALREADY_BOUND = "wechat_already_bound"
    WECHAT_CONSENT_REQUIRED = "wechat_consent_required"
    WECHAT_PENDING_INVALID = "wechat_pending_invalid"
    WECHAT_UNBIND_LAST_LOGIN = "wechat_unbind_last_login"
    WECHAT_IDENTITY_NOT_FOUND = "wechat_identity_not_found"
    WECHAT_INVALID_NICKNAME = "wechat_invalid_nickname"
    WECHAT_ACCOUNT_INACTIVE = "wechat_account_inactive"
    WECHAT_SNAPSHOT_USER = "wechat_snapshot_user"


def not_authenticated() -> NotAuthenticated:
    return NotAuthenticated(ErrorCode.NOT_AUTHENTICATED, _("请先登录"))


def login_unavailable() -> NotFound:
    return NotFound(ErrorCode.WECHAT_LOGIN_UNAVAILABLE, _("微信登录未开启"))


def state_invalid() -> InvalidInput:
    return InvalidInput(ErrorCode.WECHAT_STATE_INVALID, _("微信登录链接无效，请重新发起微信登录"))


def state_expired() -> InvalidInput:
    return InvalidInput(ErrorCode.WECHAT_STATE_EXPIRED, _("微信登录链接已过期，请重新发起微信登录"))


def state_used() -> InvalidInput:
    return InvalidInput(ErrorCode.WECHAT_STATE_USED, _("该微信登录链接已经用过，请重新发起微信登录"))


def code_used() -> InvalidInput:
    return InvalidInput(ErrorCode.WECHAT_CODE_USED, _("该微信授权码已经用过，请重新发起微信登录"))


def code_invalid() -> InvalidInput:
    return InvalidInput(ErrorCode.WECHAT_CODE_INVALID, _("微信授权码无效，请重新发起微信登录"))


def provider_error() -> DomainError:
    return DomainError(ErrorCode.WECHAT_PROVIDER_ERROR, _("暂时无法连接微信，请稍后再试"), status=502)


def openid_taken() -> Conflict:
    return Conflict(ErrorCode.WECHAT_OPENID_TAKEN, _("该微信已绑定其他账号，请先在那个账号中解绑"))


def already_bound() -> Conflict:
    return Conflict(ErrorCode.WECHAT_ALREADY_BOUND, _("您的账号已绑定了另一个微信，请先解绑"))


def consent_required() -> InvalidInput:
    return InvalidInput(ErrorCode.WECHAT_CONSENT_REQUIRED, _("请先阅读并勾选同意《微信登录个人信息处理说明》"))


def pending_invalid() -> InvalidInput:
    return InvalidInput(ErrorCode.WECHAT_PENDING_INVALID, _("微信登录已失效，请重新发起微信登录"))


def unbind_last_login() -> Conflict:
    return Conflict(ErrorCode.WECHAT_UNBIND_LAST_LOGIN,
                    _("解绑后您将无法登录：请先为账号设置手机号或邮箱和密码"))


def identity_not_found() -> NotFound:
    return NotFound(ErrorCode.WECHAT_IDENTITY_NOT_FOUND, _("没有找到这个微信绑定"))


def invalid_nickname() -> InvalidInput:
    return InvalidInput(ErrorCode.WECHAT_INVALID_NICKNAME, _("昵称需 1–40 个字符"))


def account_inactive() -> PermissionDenied:
    return PermissionDenied(ErrorCode.WECHAT_ACCOUNT_INACTIVE, _("这个微信绑定的账号已停用"))


def snapshot_user() -> InvalidInput:
    return InvalidInput(ErrorCode.WECHAT_SNAPSHOT_USER, _("这是朋友圈里的预览页：请点击页面底部“前往体验”打开完整页面后再登录"))
