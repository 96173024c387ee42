from django.urls import path

from quanzi.loyalty.lotteries import views

urlpatterns = [
    path("lotteries/new/", views.lottery_new, name="lottery-new"),
    path("lotteries/verify.py", views.verifier_source, name="lottery-verifier"),
    path("lotteries/<int:lottery_id>/", views.lottery_detail, name="lottery-detail"),
    path("lotteries/<int:lottery_id>/enter/", views.lottery_enter, name="lottery-enter"),
    path("lotteries/<int:lottery_id>/draw/", views.lottery_draw, name="lottery-draw"),
    path("lotteries/<int:lottery_id>/data.json", views.lottery_data, name="lottery-data"),
]
