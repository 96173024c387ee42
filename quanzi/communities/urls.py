from django.urls import path

from quanzi.communities import views

# /c/<slug>/ itself (the feed) and /c/<slug>/events/ belong to the content app.
urlpatterns = [
    path("discover/", views.discover, name="discover"),
    path("discover/search/", views.search, name="community-search"),
    path("my/communities/", views.mine, name="my-communities"),
    path("c/new/", views.create, name="community-new"),
    path("join/<str:code>/", views.join_code, name="join-code"),
    path("c/<slug:slug>/join/", views.join, name="community-join"),
    path("c/<slug:slug>/leave/", views.leave, name="community-leave"),
    path("c/<slug:slug>/members/", views.members, name="community-members"),
    path("c/<slug:slug>/rules/", views.rules, name="community-rules"),
    path("c/<slug:slug>/edit/", views.edit, name="community-edit"),
    path("c/<slug:slug>/invite/", views.invite, name="community-invite"),
    path("c/<slug:slug>/report/", views.report, name="community-report"),
    path("c/<slug:slug>/manage/", views.manage, name="community-manage"),
    path("c/<slug:slug>/manage/<str:action>/", views.manage_action, name="community-manage-action"),
]
