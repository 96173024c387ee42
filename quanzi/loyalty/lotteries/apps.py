from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LotteriesConfig(AppConfig):
    name = "quanzi.loyalty.lotteries"
    label = "loyalty_lotteries"
    verbose_name = _("抽奖")

    def ready(self) -> None:
        """Plug into the lower apps' registries (none of them imports this app)."""
