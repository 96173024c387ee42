from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PointsConfig(AppConfig):
    name = "quanzi.loyalty.points"
    label = "loyalty_points"
    verbose_name = _("积分")

    def ready(self) -> None:
        """Plug into the lower apps' registries (none of them imports this app)."""
