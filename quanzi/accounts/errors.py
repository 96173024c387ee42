from django.utils.translation import gettext_lazy as _

from quanzi.core.errors import Conflict, InvalidInput, NotAuthenticated, NotFound


def login_required_error() -> NotAuthenticated:
    return NotAuthenticated("not_authenticated", _("请先登录"))


LOGIN_NEEDED = ("login_needed", _("请填写手机号或邮箱"))


def invalid_phone() -> InvalidInput:
    return InvalidInput("invalid_phone", _("手机号格式不正确（11 位，以 1 开头）"))


def invalid_email() -> InvalidInput:
    return InvalidInput("invalid_email", _("邮箱格式不正确"))


def login_taken() -> Conflict:
    return Conflict("login_taken", _("该手机号或邮箱已注册"))


def bad_credentials() -> NotAuthenticated:
    return NotAuthenticated("bad_credentials", _("账号或密码错误"))


def user_not_found() -> NotFound:
    return NotFound("user_not_found", _("用户不存在"))
