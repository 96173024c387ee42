from django.urls import path

from quanzi.insight import views

urlpatterns = [
    path("", views.index, name="insight"),
    path("platform/", views.platform, name="insight-platform"),
    path("c/<int:community_id>/", views.community, name="insight-community"),
    path("kol/", views.kol, name="insight-kol"),
    path("campaigns/", views.campaigns, name="insight-campaigns"),
    path("segments/<int:segment_id>/", views.segment, name="insight-segment"),
    path("<str:board>/tables/<str:key>.<str:fmt>", views.table_file, name="insight-table-file"),
    path("<str:board>/export/", views.job_export, name="insight-job-export"),
    path("jobs/refresh/", views.job_refresh, name="insight-job-refresh"),
    path("jobs/<str:job_id>/", views.job_status, name="insight-job"),
    path("jobs/<str:job_id>/download/", views.job_download, name="insight-job-download"),
]
