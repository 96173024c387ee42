from django.urls import path

from quanzi.catalog import views

urlpatterns = [
    path("shop/", views.product_list, name="shop"),
    path("shop/p/<int:product_id>/", views.product_detail, name="product"),
    path("shop/card/<int:post_id>/<int:product_id>/", views.card_click, name="product-card"),
    path("shop/merchant/", views.console, name="merchant-console"),
    path("shop/merchant/orders/<int:order_id>/ship/", views.console_ship, name="merchant-ship"),
    path("shop/merchant/products/<int:product_id>/shelf/", views.console_shelf, name="merchant-shelf"),
]
