from django.urls import path

from quanzi.payments import views

app_name = "payments"

urlpatterns: list = [
    path("pay/sandbox/<str:payment_no>/", views.sandbox_pay, name="sandbox_pay"),
    path("pay/sandbox/<str:payment_no>/status/", views.sandbox_status, name="sandbox_status"),
]
