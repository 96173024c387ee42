from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FlashSaleConfig(AppConfig):
    name = "quanzi.growth.flashsale"
    label = "growth_flashsale"
    verbose_name = _("秒杀")

    def ready(self) -> None:
        from quanzi.catalog import hooks as catalog_hooks
        from quanzi.growth.flashsale import plugin, selectors
        from quanzi.orders import hooks, pricing

        if plugin.flash_price not in pricing.CAMPAIGN_ADJUSTERS:
            pricing.CAMPAIGN_ADJUSTERS.append(plugin.flash_price)
        hooks.before_stock_reserve("flashsale.allotment", plugin.reserve_before_stock)
        hooks.on_checkout("flashsale.reservation", plugin.record_reservation)
        hooks.on_paid("flashsale.paid", plugin.on_paid)
        hooks.on_cancelled("flashsale.release", plugin.on_cancelled)
        hooks.on_refunded("flashsale.refund", plugin.on_refunded)
        catalog_hooks.product_panel("flashsale", plugin.product_panel)
        catalog_hooks.stock_freed("flashsale.back_to_allotment", selectors.expired_units_back_to_allotment)
