from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvitesConfig(AppConfig):
    name = "quanzi.referrals.invites"
    label = "referrals_invites"
    verbose_name = _("邀请与推荐关系")

    def ready(self) -> None:
        """Plug into the lower apps' registries (none of them imports this app)."""
