from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "quanzi.accounts"
    label = "accounts"
    verbose_name = _("账户")

    def ready(self) -> None:
        from quanzi.accounts import personal_data

        # the profile section of a member's data export, and the account's anonymisation on deletion (privacy)
        personal_data.register()
