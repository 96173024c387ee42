from django.urls import path, re_path

from quanzi.growth.coupons import packet_views, views

urlpatterns = [
    path("coupons/", views.coupon_center, name="coupon-center"),
    path("coupons/mine/", views.my_coupons, name="my-coupons"),
    path("coupons/packets/new/", packet_views.packet_new, name="coupon-packet-new"),
    path("coupons/packets/<int:packet_id>/", packet_views.packet_detail, name="coupon-packet"),
    path("coupons/packets/<int:packet_id>/claim/", packet_views.packet_claim, name="coupon-packet-claim"),
    path("coupons/<int:template_id>/claim/", views.coupon_claim, name="coupon-claim"),
    path("coupons/merchant/", views.merchant_desk, name="coupon-merchant"),
    path("coupons/merchant/new/", views.merchant_new, name="coupon-merchant-new"),
    path("coupons/merchant/redemptions/", views.merchant_redemptions, name="coupon-merchant-redemptions"),
    re_path(r"^coupons/merchant/export/(?P<what>templates|redemptions)\.xlsx$", views.merchant_export,
            name="coupon-merchant-export"),
    path("coupons/merchant/<int:template_id>/<str:action>/", views.merchant_action, name="coupon-merchant-action"),
]
