from django.urls import path

from quanzi.referrals.invites import views

urlpatterns = [
    path("invite/", views.invite_page, name="invite"),
    path("invite/poster.png", views.invite_poster, name="invite-poster"),
    path("invite/qr.png", views.invite_qr, name="invite-qr"),
    path("invite/bind/", views.invite_bind_code, name="invite-bind"),
    path("invite/top/<slug:slug>/", views.leaderboard, name="invite-leaderboard"),
    path("i/<str:code>/", views.landing, name="invite-landing"),
    path("i/<str:code>/<str:letter>/<int:target_id>/", views.landing, name="invite-landing-target"),
]
