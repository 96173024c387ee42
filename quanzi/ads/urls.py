from django.urls import path

from quanzi.ads import views

urlpatterns = [
    path("ads/", views.centre, name="ads-centre"),
    path("ads/topup/", views.topup, name="ads-topup"),
    path("ads/topup/<int:topup_id>/refund/", views.topup_refund, name="ads-topup-refund"),
    path("ads/new/", views.campaign_new, name="ads-campaign-new"),
    path("ads/<int:campaign_id>/", views.campaign_detail, name="ads-campaign"),
    path("ads/<int:campaign_id>/edit/", views.campaign_edit, name="ads-campaign-edit"),
    path("ads/<int:campaign_id>/<slug:action>/", views.campaign_action, name="ads-campaign-action"),
    path("ads/slot/<slug:placement>/", views.slot, name="ads-slot"),
    path("ads/c/<slug:token>/", views.click, name="ads-click"),
    path("ads/review/", views.review_queue, name="ads-review"),
    path("ads/revenue/", views.revenue_mix, name="ads-revenue"),
]
