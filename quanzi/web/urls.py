from django.urls import include, path

urlpatterns = [
    path("", include("quanzi.accounts.urls")),
    path("", include("quanzi.communities.urls")),
    path("", include("quanzi.content.urls")),
    path("", include("quanzi.catalog.urls")),
    path("", include("quanzi.orders.urls")),
    path("", include("quanzi.payments.urls")),
    path("", include("quanzi.aftersales.urls")),
    path("", include("quanzi.settlements.urls")),
]
