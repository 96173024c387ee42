from django.urls import include, path

from quanzi.web import views

urlpatterns = [
    # pages that combine several apps (quanzi/web/views.py); same paths and names as before they moved here
    path("orders/<int:order_id>/", views.order_detail, name="order_detail"),
    path("orders/<int:order_id>/<str:action>/", views.order_action, name="order-action"),
    path("shop/merchant/", views.console, name="merchant-console"),
    path("shop/merchant/orders/<int:order_id>/ship/", views.console_ship, name="merchant-ship"),
    path("shop/merchant/products/<int:product_id>/shelf/", views.console_shelf, name="merchant-shelf"),
    path("", include("quanzi.accounts.urls")),
    path("", include("quanzi.communities.urls")),
    path("", include("quanzi.content.urls")),
    path("", include("quanzi.catalog.urls")),
    path("", include("quanzi.orders.urls")),
    path("", include("quanzi.payments.urls")),
    path("", include("quanzi.aftersales.urls")),
    path("", include("quanzi.settlements.urls")),
    path("", include("quanzi.growth.flashsale.urls")),
    path("", include("quanzi.growth.coupons.urls")),
    path("", include("quanzi.growth.groupbuy.urls")),
    path("", include("quanzi.growth.redpackets.urls")),
    path("", include("quanzi.loyalty.points.urls")),
    path("", include("quanzi.loyalty.membership.urls")),
    path("", include("quanzi.loyalty.tasks.urls")),
    path("", include("quanzi.loyalty.lotteries.urls")),
    path("", include("quanzi.referrals.invites.urls")),
    path("", include("quanzi.referrals.distribution.urls")),
]
