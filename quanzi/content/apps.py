from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContentConfig(AppConfig):
    name = "quanzi.content"
    label = "content"
    verbose_name = _("内容")

    def ready(self) -> None:
        # Register the periodic jobs with huey (its consumer only autodiscovers modules named "tasks").
        from quanzi.content import jobs  # noqa: F401
