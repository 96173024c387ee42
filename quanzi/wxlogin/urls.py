from django.urls import path

from quanzi.wxlogin import views

urlpatterns = [
    path("login/", views.login_start, name="wx-login"),
    path("callback/", views.callback, name="wx-callback"),
    path("welcome/", views.welcome, name="wx-welcome"),
    path("account/", views.account, name="wx-account"),
    path("account/<int:identity_id>/unbind/", views.unbind, name="wx-unbind"),
    path("sandbox/authorize/", views.sandbox_authorize, name="wx-sandbox-authorize"),
]
