from django.urls import path

from quanzi.recommend import views

urlpatterns = [
    path("recommend/for-you/", views.for_you_fragment, name="recommend-for-you"),
    path("recommend/community/<int:community_id>/hot/", views.community_hot_fragment, name="recommend-community-hot"),
    path("recommend/product/<int:product_id>/also-bought/", views.also_bought_fragment,
         name="recommend-also-bought"),
    path("recommend/hide/", views.hide, name="recommend-hide"),
    path("settings/recommend/", views.settings_page, name="recommend-settings"),
]
