from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WxloginConfig(AppConfig):
    name = "quanzi.wxlogin"
    label = "wxlogin"
    verbose_name = _("微信登录")

    def ready(self) -> None:
        from django.core import checks

        from quanzi.wxlogin import jobs  # noqa: F401  (registers the periodic clean-up with huey)
        from quanzi.wxlogin.checks import check_wxlogin

        checks.register(check_wxlogin)
        # bindings ended and their openid removed when a member deletes their account (privacy)
        from quanzi.wxlogin import personal_data

        personal_data.register()
