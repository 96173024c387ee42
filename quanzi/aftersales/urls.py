from django.urls import path

from quanzi.aftersales import views

urlpatterns = [
    path("orders/<int:order_id>/aftersale/new/", views.request_new, name="aftersale_new"),
    path("orders/<int:order_id>/review/new/", views.review_new, name="review_new"),
    path("aftersales/", views.request_list, name="aftersales"),
    path("aftersales/<int:request_id>/", views.request_detail, name="aftersale_detail"),
    path("aftersales/<int:request_id>/<str:action>/", views.request_action, name="aftersale-action"),
    path("shop/merchant/aftersales/", views.merchant_queue, name="merchant-aftersales"),
    path("shop/merchant/aftersales/<int:request_id>/<str:action>/", views.merchant_action,
         name="merchant-aftersale-action"),
]
