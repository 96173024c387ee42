from django.urls import path

from quanzi.orders import address_views, views

urlpatterns = [
    path("cart/", views.cart, name="cart"),
    path("cart/add/", views.cart_add, name="cart-add"),
    path("cart/set/<int:sku_id>/", views.cart_set, name="cart-set"),
    path("checkout/", views.checkout, name="checkout"),
    path("orders/", views.order_list, name="orders"),
    # the address book: under 我 and, swapped in place, inside checkout (quanzi/orders/address_views.py)
    path("me/addresses/", address_views.address_book, name="addresses"),
    path("addresses/editor/", address_views.address_editor, name="address-editor"),
    path("addresses/editor/close/", address_views.address_cancel, name="address-cancel"),
    path("addresses/save/", address_views.address_save, name="address-save"),
    path("addresses/<int:address_id>/default/", address_views.address_default, name="address-default"),
    path("addresses/<int:address_id>/delete/", address_views.address_remove, name="address-remove"),
]
