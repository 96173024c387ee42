from django.urls import include, path

urlpatterns = [
    path("", include("quanzi.accounts.urls")),
    path("", include("quanzi.communities.urls")),
    path("", include("quanzi.content.urls")),
]
