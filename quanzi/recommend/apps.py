from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecommendConfig(AppConfig):
    name = "quanzi.recommend"
    label = "recommend"
    verbose_name = _("推荐")
