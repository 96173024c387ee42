from django.urls import path

from quanzi.growth.flashsale import views

urlpatterns = [
    path("flashsale/", views.flash_page, name="flashsale"),
    path("flashsale/s/<int:session_id>/", views.session_page, name="flashsale-session"),
    path("flashsale/items/<int:item_id>/buy/", views.buy, name="flashsale-buy"),
    path("flashsale/tickets/<int:ticket_id>/", views.ticket_page, name="flashsale-ticket"),
    path("flashsale/address/", views.address_add, name="flashsale-address"),
    path("flashsale/manage/", views.manage_list, name="flashsale-manage"),
    path("flashsale/manage/export.xlsx", views.manage_export, name="flashsale-manage-export"),
    path("flashsale/manage/<int:session_id>/", views.manage_session, name="flashsale-manage-session"),
    path("flashsale/manage/<int:session_id>/export.xlsx", views.manage_session_export,
         name="flashsale-manage-session-export"),
    path("flashsale/manage/<int:session_id>/items/<int:item_id>/remove/", views.manage_item_remove,
         name="flashsale-manage-item-remove"),
    path("flashsale/manage/<int:session_id>/<str:action>/", views.manage_action, name="flashsale-manage-action"),
]
