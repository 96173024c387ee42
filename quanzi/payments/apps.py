from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "quanzi.payments"
    label = "payments"
    verbose_name = _("支付")

    def ready(self) -> None:
        # Register the payment jobs with huey (its consumer only autodiscovers modules named "tasks").
        from quanzi.payments import jobs  # noqa: F401
