from django.urls import path

from quanzi.catalog import shelf_views, views

urlpatterns = [
    path("shop/", views.product_list, name="shop"),
    path("shop/p/<int:product_id>/", views.product_detail, name="product"),
    path("shop/card/<int:post_id>/<int:product_id>/", views.card_click, name="product-card"),
    path("c/<slug:slug>/shop/", shelf_views.community_shop, name="community-shop"),
    path("c/<slug:slug>/shop/add/", shelf_views.shelf_add, name="community-shelf-add"),
    path("c/<slug:slug>/shop/remove/", shelf_views.shelf_remove, name="community-shelf-remove"),
    path("p/<int:post_id>/cards/attach/", shelf_views.post_card_attach, name="post-card-attach"),
    path("p/<int:post_id>/cards/detach/", shelf_views.post_card_detach, name="post-card-detach"),
]
