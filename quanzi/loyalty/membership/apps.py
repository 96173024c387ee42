from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembershipConfig(AppConfig):
    name = "quanzi.loyalty.membership"
    label = "loyalty_membership"
    verbose_name = _("等级与付费会员")

    def ready(self) -> None:
        """Plug into the lower apps' registries (none of them imports this app)."""
