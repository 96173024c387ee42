from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import BaseUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from quanzi.accounts.models import ConsentRecord, Follow, Notification, Persona, User
from quanzi.core.admin_base import Figure, QuanziModelAdmin, dashboard_figures
from quanzi.core.images import CLEAN_IMAGE_FORMFIELDS


class UserCreateForm(BaseUserCreationForm):
    class Meta:
        model = User
        fields = ("phone", "email", "nickname")


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    add_form = UserCreateForm
    form = UserEditForm
    formfield_overrides = CLEAN_IMAGE_FORMFIELDS  # an avatar set here is re-encoded like any upload
    ordering = ("-date_joined",)
    list_display = ("id", "nickname", "phone", "email", "is_staff", "is_active", "date_joined")
    search_fields = ("nickname", "phone", "email")
    list_filter = ("is_staff", "is_active")
    fieldsets = (
        (None, {"fields": ("phone", "email", "password")}),
        (_("资料"), {"fields": ("nickname", "avatar", "bio")}),
        (_("权限"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("phone", "email", "nickname", "password1",
                                                               "password2")}),)


@admin.register(Persona)
class PersonaAdmin(QuanziModelAdmin):
    list_display = ("user", "gender", "birth_year", "region", "income_band")


@admin.register(ConsentRecord)
class ConsentRecordAdmin(QuanziModelAdmin):
    list_display = ("user", "field", "granted", "policy_version", "created_at")
    list_filter = ("field", "granted")

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


admin.site.register(Follow)


@admin.register(Notification)
class NotificationAdmin(QuanziModelAdmin):
    list_display = ("recipient", "kind", "shown_text", "actor", "read_at", "created_at")
    list_filter = ("kind",)
    search_fields = ("text",)
    raw_id_fields = ("recipient", "actor")

    @admin.display(description=_("内容"))
    def shown_text(self, obj: Notification) -> str:
        return obj.display_text  # in the operator's language


def _dashboard(today: Any) -> list[Figure]:
    joined = User.objects.filter(date_joined__gte=today).count()
    return [Figure(_("今日新注册"), str(joined), f"/admin/accounts/user/?date_joined__date={today.date().isoformat()}")]


dashboard_figures("20-accounts", _dashboard)
