from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WxloginConfig(AppConfig):
    name = "quanzi.wxlogin"
    label = "wxlogin"
    verbose_name = _("微信登录")
