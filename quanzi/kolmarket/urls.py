from django.urls import path

from quanzi.kolmarket import views

urlpatterns = [
    path("kol-market/", views.directory, name="kolmarket-directory"),
    path("kol-market/join/", views.join, name="kolmarket-join"),
    path("kol-market/kols/<int:kol_id>/propose/", views.propose, name="kolmarket-propose"),
    path("kol-market/deals/", views.my_deals, name="kolmarket-deals"),
    path("kol-market/deals/<int:deal_id>/", views.deal, name="kolmarket-deal"),
    path("kol-market/deals/<int:deal_id>/<str:action>/", views.deal_action, name="kolmarket-deal-action"),
]
