from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "quanzi.orders"
    label = "orders"
    verbose_name = _("订单")

    def ready(self) -> None:
        from quanzi.catalog import hooks
        from quanzi.orders import notices
        from quanzi.orders.selectors import product_units_sold, stock_held_expired

        # units held by unpaid orders past their deadline read as free on product pages and in the API at once
        hooks.stock_freed("orders.expired_unpaid", stock_held_expired)
        # the product page's 已售 figure
        hooks.product_fact("sold", product_units_sold)
        # the buyer's and the merchant's notifications of an order's moments (paid, shipped, delivered)
        notices.register()
        # a member's orders in their data export; the address snapshot anonymised on deletion (privacy)
        from quanzi.orders import personal_data

        personal_data.register()
