from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "quanzi.web"
    label = "web"
    verbose_name = _("网站页面")

    def ready(self) -> None:
        # huey's Django integration only looks for `tasks` modules; ours are called `jobs` (ARCHITECTURE.md).
        autodiscover_modules("jobs")
        from quanzi.content.hooks import compose_extra
        from quanzi.web import compose_products

        compose_extra("web.products", compose_products.panel, compose_products.saved)  # product cards while writing
