from django.urls import path

from quanzi.growth.groupbuy import views

urlpatterns = [
    path("groupbuy/g/<int:group_id>/", views.group_page, name="groupbuy-group"),
    path("groupbuy/g/<int:group_id>/share/", views.group_share, name="groupbuy-share"),
    path("groupbuy/mine/", views.my_groups, name="groupbuy-mine"),
    path("groupbuy/manage/", views.manage, name="groupbuy-manage"),
    path("groupbuy/manage/new/", views.manage_new, name="groupbuy-manage-new"),
    path("groupbuy/manage/export.xlsx", views.manage_export, name="groupbuy-manage-export"),
    path("groupbuy/manage/<int:campaign_id>/", views.manage_campaign, name="groupbuy-manage-campaign"),
    path("groupbuy/manage/<int:campaign_id>/export.xlsx", views.manage_campaign_export,
         name="groupbuy-manage-campaign-export"),
    path("groupbuy/manage/<int:campaign_id>/<str:action>/", views.manage_action, name="groupbuy-manage-action"),
]
