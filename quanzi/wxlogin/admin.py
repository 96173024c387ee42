from django.contrib import admin

from quanzi.core.admin_base import ReadOnlyInline
from quanzi.wxlogin.models import WechatBindEvent, WechatIdentity


class EventInline(ReadOnlyInline):
    model = WechatBindEvent
    fields = readonly_fields = ("user", "action", "via", "consent_version", "created_at")


@admin.register(WechatIdentity)
class WechatIdentityAdmin(admin.ModelAdmin):
    """Read-only: bindings change through the member's own pages (audit rows record each change)."""

    list_display = ("id", "user", "appid", "openid", "unionid", "bound_at", "unbound_at", "consent_version")
    list_filter = ("appid",)
    search_fields = ("openid", "unionid", "user__nickname", "user__phone")
    inlines = (EventInline,)

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
