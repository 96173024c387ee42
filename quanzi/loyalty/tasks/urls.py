from django.urls import path

from quanzi.loyalty.tasks import views

urlpatterns = [
    path("tasks/", views.task_centre, name="task-centre"),
    path("tasks/<int:task_id>/claim/", views.task_claim, name="task-claim"),
    path("tasks/checkin/<int:community_id>/", views.checkin_page, name="task-checkin"),
    path("tasks/checkin/<int:community_id>/strip/", views.checkin_strip, name="task-checkin-strip"),
    path("tasks/checkin/<int:community_id>/reward/", views.checkin_reward, name="task-checkin-reward"),
]
