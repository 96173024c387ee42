from django.urls import path

from quanzi.privacy import views

urlpatterns = [
    path("me/privacy/", views.privacy_page, name="privacy"),
    path("me/privacy/consent/", views.consent, name="privacy-consent"),
    path("me/privacy/export/", views.export, name="privacy-export"),
    path("me/privacy/export/<int:export_id>.<str:fmt>", views.export_download, name="privacy-export-download"),
    path("me/privacy/code/", views.code_send, name="privacy-code"),
    path("me/privacy/phone/", views.phone_change, name="privacy-phone"),
    path("me/privacy/delete/", views.delete_account, name="privacy-delete"),
    path("me/privacy/delete/cancel/", views.deletion_cancel, name="privacy-delete-cancel"),
    path("account-deleted/", views.deleted, name="privacy-deleted"),
]
