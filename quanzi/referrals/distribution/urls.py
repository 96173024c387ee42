from django.urls import path

from quanzi.referrals.distribution import views

urlpatterns = [
    path("promoter/", views.centre, name="promoter-centre"),
    path("promoter/apply/", views.apply, name="promoter-apply"),
    path("promoter/withdraw/", views.withdraw, name="promoter-withdraw"),
    path("ops/withdrawals/", views.queue, name="withdrawal-queue"),
    path("ops/withdrawals/<int:withdrawal_id>/<str:action>/", views.queue_action, name="withdrawal-action"),
]
