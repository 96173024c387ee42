from django.urls import path

from quanzi.live import views

urlpatterns = [
    path("live/", views.live_list, name="live-list"),
    path("live/c/<int:community_id>/new/", views.schedule, name="live-schedule"),
    path("live/<int:session_id>/", views.live_page, name="live-page"),
    path("live/<int:session_id>/pins/", views.pins_fragment, name="live-pins"),
    path("live/<int:session_id>/replay/", views.replay_page, name="live-replay"),
    path("live/<int:session_id>/buy/<int:pin_id>/", views.buy, name="live-buy"),
    path("live/<int:session_id>/host/<str:action>/", views.host_action, name="live-host"),
]
