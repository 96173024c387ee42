from django.urls import path

from quanzi.malls import views

urlpatterns = [
    path("malls/<slug:slug>/", views.mall_page, name="mall"),
    path("malls/<slug:slug>/calendar/", views.calendar_page, name="mall-calendar"),
    path("malls/<slug:slug>/calendar/<int:item_id>/signup/", views.calendar_signup, name="mall-calendar-signup"),
    path("malls/<slug:slug>/campaigns/<int:campaign_id>/", views.campaign_page, name="mall-campaign"),
    path("malls/<slug:slug>/partners/<int:partner_id>/", views.partner_page, name="mall-partner"),
]
