from django.urls import path

from quanzi.payments import views

app_name = "payments"

urlpatterns: list = [
    path("pay/sandbox/bridge.js", views.sandbox_bridge_js, name="sandbox_bridge_js"),
    path("pay/sandbox/bridge/confirm/", views.sandbox_bridge_confirm, name="sandbox_bridge_confirm"),
    path("pay/<str:payment_no>/state/", views.payment_state, name="payment_state"),
    path("pay/sandbox/<str:payment_no>/", views.sandbox_pay, name="sandbox_pay"),
    path("pay/sandbox/<str:payment_no>/status/", views.sandbox_status, name="sandbox_status"),
]
