"""The operators' back office: tasks with their rewards (the task centre reads them live), the check-in reward rules
with their tables, the badges; and read-only views of what was paid (claims, check-in rewards, badge awards) and
the facts progress counts. Awarding a badge by hand goes through `services.badge_award`."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.translation import gettext as _

from quanzi.core.admin_base import QuanziModelAdmin, QuanziTabularInline, ReadOnlyAdminMixin
from quanzi.core.errors import DomainError
from quanzi.loyalty.tasks import services
from quanzi.loyalty.tasks.models import (
    Badge,
    BadgeAward,
    CheckinReward,
    CheckinRewardStep,
    CheckinRule,
    Task,
    TaskClaim,
    TaskFact,
    TaskReward,
)


class TaskRewardInline(QuanziTabularInline):
    model = TaskReward
    extra = 1


@admin.register(Task)
class TaskAdmin(QuanziModelAdmin):
    list_display = ("title", "code", "section", "trigger", "target", "period", "is_active", "position")
    list_filter = ("section", "period", "trigger", "is_active")
    list_editable = ("is_active", "position")
    search_fields = ("title", "code")
    inlines = [TaskRewardInline]


class StepInline(QuanziTabularInline):
    model = CheckinRewardStep
    extra = 1


@admin.register(CheckinRule)
class CheckinRuleAdmin(QuanziModelAdmin):
    list_display = ("title", "community", "mode", "repeat", "is_active")
    list_filter = ("mode", "is_active")
    raw_id_fields = ("community",)
    inlines = [StepInline]


@admin.register(Badge)
class BadgeAdmin(QuanziModelAdmin):
    list_display = ("icon", "name", "code", "rule", "trigger", "threshold", "is_active", "position")
    list_filter = ("rule", "is_active")
    list_editable = ("is_active", "position")


class _ReadOnly(ReadOnlyAdminMixin, QuanziModelAdmin):
    """What was paid or recorded: append-only rows, read here, never edited."""


@admin.register(TaskClaim)
class TaskClaimAdmin(_ReadOnly):
    list_display = ("id", "task", "user", "period_key", "progress", "created_at")
    list_filter = ("task",)
    search_fields = ("user__nickname", "user__phone", "period_key")


@admin.register(TaskFact)
class TaskFactAdmin(_ReadOnly):
    list_display = ("id", "user", "trigger", "key", "day", "created_at")
    list_filter = ("trigger",)
    search_fields = ("user__nickname", "user__phone", "key")


@admin.register(CheckinReward)
class CheckinRewardAdmin(_ReadOnly):
    list_display = ("id", "user", "community", "day", "mode", "count", "created_at")
    list_filter = ("mode",)
    search_fields = ("user__nickname", "user__phone")


@admin.register(BadgeAward)
class BadgeAwardAdmin(QuanziModelAdmin):
    """Awards are read here; "add" awards a badge by hand (through the service: once per member and badge)."""

    list_display = ("id", "badge", "user", "key", "created_at")
    list_filter = ("badge",)
    search_fields = ("user__nickname", "user__phone")
    fields = ("user", "badge")
    raw_id_fields = ("user",)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: BadgeAward, form: Any, change: bool) -> None:
        try:
            award = services.badge_award(user_id=obj.user_id, code=obj.badge.code, key=f"operator:{request.user.pk}")
        except DomainError as exc:
            messages.error(request, str(exc.message))
            return
        if award is None:
            messages.warning(request, _("该会员已经有这个徽章了"))
            award = BadgeAward.objects.get(user_id=obj.user_id, badge=obj.badge)
        obj.pk = award.pk
