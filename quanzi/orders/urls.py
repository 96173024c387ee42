from django.urls import path

from quanzi.orders import views

urlpatterns = [
    path("cart/", views.cart, name="cart"),
    path("cart/add/", views.cart_add, name="cart-add"),
    path("cart/set/<int:sku_id>/", views.cart_set, name="cart-set"),
    path("checkout/", views.checkout, name="checkout"),
    path("orders/", views.order_list, name="orders"),
]
