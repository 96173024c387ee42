from django.contrib import admin

from quanzi.core.admin_base import QuanziModelAdmin
from quanzi.core.models import Event, Touch


@admin.register(Event)
class EventAdmin(QuanziModelAdmin):
    list_display = ("created_at", "name", "user", "object_type", "object_id", "community_id", "share_token")
    list_filter = ("name",)
    search_fields = ("name", "share_token")
    readonly_fields = [f.name for f in Event._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Touch)
class TouchAdmin(QuanziModelAdmin):
    """The touches the order credit reads (written by `core.events.touch_record`): read-only, like the log."""

    list_display = ("created_at", "kind", "user", "post_id", "product_id", "community_id", "share_token")
    list_filter = ("kind",)
    search_fields = ("share_token",)
    readonly_fields = [f.name for f in Touch._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
