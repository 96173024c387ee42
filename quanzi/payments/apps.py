from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "quanzi.payments"
    label = "payments"
    verbose_name = _("支付")

    def ready(self) -> None:
        # Register the payment jobs with huey (its consumer only autodiscovers modules named "tasks").
        from quanzi.orders import hooks
        from quanzi.payments import checks, jobs, services  # noqa: F401 - registers the system check and the jobs

        # a cancelled or expired order's open payments are closed at their providers
        hooks.on_cancelled("payments.close", services.on_order_cancelled)
