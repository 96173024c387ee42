from django.urls import include, path

from quanzi.web import cashier_views, compose_products, kol_views, merchant_views, search_views, views

urlpatterns = [
    # pages that combine several apps (quanzi/web/views.py); same paths and names as before they moved here
    path("search/", search_views.search, name="search"),
    path("orders/<int:order_id>/", views.order_detail, name="order_detail"),
    path("orders/<int:order_id>/<str:action>/", views.order_action, name="order-action"),
    # the cashier (收银台) of one checkout: one combined payment for its orders (quanzi/web/cashier_views.py)
    path("cashier/<int:checkout_id>/", cashier_views.cashier_page, name="cashier"),
    path("cashier/<int:checkout_id>/result/", cashier_views.cashier_result, name="cashier-result"),
    path("shop/merchant/", views.console, name="merchant-console"),
    path("shop/merchant/orders/<int:order_id>/ship/", views.console_ship, name="merchant-ship"),
    path("shop/merchant/products/<int:product_id>/shelf/", views.console_shelf, name="merchant-shelf"),
    # the merchant console's products, batch shipping, exports and overview (quanzi/web/merchant_views.py)
    path("shop/merchant/products/", merchant_views.products, name="merchant-products"),
    path("shop/merchant/products/new/", merchant_views.product_new, name="merchant-product-new"),
    path("shop/merchant/products/<int:product_id>/", merchant_views.product_edit, name="merchant-product"),
    path("shop/merchant/products/<int:product_id>/on-shelf/", merchant_views.product_shelf,
         name="merchant-product-shelf"),
    path("shop/merchant/products/<int:product_id>/images/", merchant_views.image_add, name="merchant-image-add"),
    path("shop/merchant/products/<int:product_id>/skus/", merchant_views.sku_add, name="merchant-sku-add"),
    path("shop/merchant/products/<int:product_id>/skus/<int:sku_id>/", merchant_views.sku_edit,
         name="merchant-sku-edit"),
    path("shop/merchant/ship/batch/", merchant_views.batch_ship, name="merchant-batch-ship"),
    path("shop/merchant/ship/template.xlsx", merchant_views.shipping_template, name="merchant-ship-template"),
    path("shop/merchant/orders/export.xlsx", merchant_views.orders_export, name="merchant-orders-export"),
    path("shop/merchant/overview/", merchant_views.overview, name="merchant-overview"),
    path("kol/", kol_views.centre, name="kol-centre"),
    path("compose/products/", compose_products.search, name="compose-products"),  # the composer's product picker
    path("compose/products/pick/", compose_products.pick, name="compose-product-pick"),
    path("", include("quanzi.accounts.urls")),
    path("", include("quanzi.communities.urls")),
    path("", include("quanzi.content.urls")),
    path("", include("quanzi.catalog.urls")),
    path("", include("quanzi.orders.urls")),
    path("", include("quanzi.payments.urls")),
    path("", include("quanzi.aftersales.urls")),
    path("", include("quanzi.settlements.urls")),
    path("", include("quanzi.growth.flashsale.urls")),
    path("", include("quanzi.live.urls")),  # live selling (quanzi/live)
    path("", include("quanzi.growth.coupons.urls")),
    path("", include("quanzi.growth.groupbuy.urls")),
    path("", include("quanzi.growth.redpackets.urls")),
    path("", include("quanzi.loyalty.points.urls")),
    path("", include("quanzi.loyalty.membership.urls")),
    path("", include("quanzi.loyalty.tasks.urls")),
    path("", include("quanzi.loyalty.lotteries.urls")),
    path("", include("quanzi.referrals.invites.urls")),
    path("", include("quanzi.referrals.distribution.urls")),
    path("", include("quanzi.privacy.urls")),
    path("", include("quanzi.notify.urls")),  # 通知设置 (quanzi/notify)
    path("", include("quanzi.recommend.urls")),
    path("", include("quanzi.chat.urls")),
    path("", include("quanzi.ads.urls")),  # 广告 and the revenue mix (quanzi/ads)
    path("", include("quanzi.paidcontent.urls")),  # 知识付费 (quanzi/paidcontent)
    path("", include("quanzi.kolmarket.urls")),  # 达人广场 (quanzi/kolmarket)
    path("", include("quanzi.malls.urls")),  # 商场社群 (quanzi/malls)
]
