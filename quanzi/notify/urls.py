from django.urls import path

from quanzi.notify import views

urlpatterns = [
    path("me/notifications/settings/", views.notification_settings, name="notify-settings"),
]
