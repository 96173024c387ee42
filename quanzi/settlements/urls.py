from django.urls import path

from quanzi.settlements import views

urlpatterns = [
    path("merchant/settlements/", views.merchant_list, name="merchant-settlements"),
    path("merchant/settlements/<int:statement_id>/", views.merchant_detail, name="merchant-settlement"),
    path("merchant/settlements/<int:statement_id>/export.xlsx", views.export, name="merchant-settlement-export"),
    path("ops/settlements/", views.ops_list, name="ops-settlements"),
    path("ops/settlements/generate/", views.ops_generate, name="ops-settlements-generate"),
    path("ops/settlements/<int:statement_id>/", views.ops_detail, name="ops-settlement"),
    path("ops/settlements/<int:statement_id>/export.xlsx", views.export, name="ops-settlement-export"),
    path("ops/settlements/<int:statement_id>/<str:action>/", views.ops_action, name="ops-settlement-action"),
]
