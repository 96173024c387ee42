from django.urls import path

from quanzi.loyalty.membership import views

urlpatterns = [
    path("membership/", views.my_level, name="membership-level"),
    path("membership/plans/", views.plans, name="membership-plans"),
    path("membership/plans/<int:plan_id>/buy/", views.plan_buy, name="membership-plan-buy"),
    path("membership/plans/<int:plan_id>/trial/", views.plan_trial, name="membership-plan-trial"),
    path("membership/periods/<int:period_id>/refund/", views.period_refund, name="membership-period-refund"),
]
