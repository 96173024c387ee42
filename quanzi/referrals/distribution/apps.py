from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DistributionConfig(AppConfig):
    name = "quanzi.referrals.distribution"
    label = "referrals_distribution"
    verbose_name = _("分销佣金")

    def ready(self) -> None:
        """Plug into the lower apps' registries (none of them imports this app)."""
