from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AftersalesConfig(AppConfig):
    name = "quanzi.aftersales"
    label = "aftersales"
    verbose_name = _("售后与评价")

    def ready(self) -> None:
        from quanzi.aftersales import notices
        from quanzi.aftersales.enums import AfterSaleReason
        from quanzi.aftersales.services.requests import on_order_refunded
        from quanzi.core.messages import choices_converter, converter
        from quanzi.orders import hooks
        from quanzi.payments.enums import GatewayName

        # a request is refunded when its refund is booked on the order (once per refund), not by polling
        hooks.on_refunded("aftersales.request_refunded", on_order_refunded)
        # stored messages keep the reason's value; the reader sees its label in their language
        converter("aftersale_reason", choices_converter(AfterSaleReason))
        # the buyer is told once per refund booked on the order, and to which payment method it went back
        hooks.on_refunded("aftersales.notice_refund", notices.refund_arrived)
        converter("payment_gateway", choices_converter(GatewayName))
        # 我: the order row with its counts (待付款 / 待发货 / 待收货 / 待评价 / 售后)
        from quanzi.accounts import hooks as account_hooks
        from quanzi.aftersales import panels

        account_hooks.profile_panel("aftersales.order_row", panels.profile_panel)
