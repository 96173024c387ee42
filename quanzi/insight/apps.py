from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightConfig(AppConfig):
    name = "quanzi.insight"
    label = "insight"
    verbose_name = _("数据洞察")

    def ready(self) -> None:
        """Account deletion reaches the lake too (core.personal_data registry)."""
        from quanzi.insight import personal_data

        personal_data.register()
