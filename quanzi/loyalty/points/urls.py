from django.urls import path

from quanzi.loyalty.points import views

urlpatterns = [
    path("points/", views.my_points, name="my-points"),
    path("points/mall/", views.mall, name="points-mall"),
    path("points/mall/<int:item_id>/redeem/", views.mall_redeem, name="points-mall-redeem"),
]
