"""Back office: the audit log and the consent records, read-only; deletion requests and exports to look at."""

from __future__ import annotations

from django.contrib import admin

from quanzi.core.admin_base import ReadOnlyAdminMixin
from quanzi.privacy.models import AuditEntry, Consent, DataExport, DeletionRequest


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Rows the services write; read here, never added, edited or deleted."""


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ("at", "kind", "actor", "method", "path", "status", "ip")
    list_filter = ("kind", "status")
    search_fields = ("actor", "path", "request_id")
    date_hierarchy = "at"


@admin.register(Consent)
class ConsentAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "user_id", "purpose", "granted", "policy_version", "via")
    list_filter = ("purpose", "granted", "policy_version")


@admin.register(DeletionRequest)
class DeletionRequestAdmin(ReadOnlyAdmin):
    list_display = ("requested_at", "user_id", "status", "effective_at", "finished_at")
    list_filter = ("status",)


@admin.register(DataExport)
class DataExportAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "user_id", "status", "rows", "expires_at")
    list_filter = ("status",)
