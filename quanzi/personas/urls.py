from django.urls import path

from quanzi.personas import views

urlpatterns = [
    path("me/persona/", views.my_persona, name="my-persona"),
    path("me/persona/switch/", views.my_persona_switch, name="my-persona-switch"),
    path("me/persona/refresh/", views.my_persona_refresh, name="my-persona-refresh"),
    path("segments/", views.segment_builder, name="segments"),
    path("segments/count/", views.segment_count, name="segment-count"),
    path("segments/new/", views.segment_create, name="segment-create"),
    path("segments/<int:segment_id>/", views.segment_detail, name="segment"),
    path("segments/<int:segment_id>/delete/", views.segment_delete, name="segment-delete"),
    path("segments/<int:segment_id>/target/", views.segment_target, name="segment-target"),
]
