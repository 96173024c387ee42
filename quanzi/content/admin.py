"""Back office for content: posts (review, remove with a reason), comments, the sensitive-word list,
check-ins, shares, events and polls. Actions go through the same services as the site."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from quanzi.content import services
from quanzi.content.enums import PostStatus
from quanzi.content.models import (
    CheckIn,
    Comment,
    OfflineEvent,
    Poll,
    PollOption,
    Post,
    PostImage,
    SensitiveWord,
    Share,
)
from quanzi.core.admin_base import (
    Figure,
    QuanziModelAdmin,
    QuanziTabularInline,
    dashboard_figures,
    queue_figure,
)
from quanzi.core.errors import DomainError
from quanzi.core.images import CLEAN_IMAGE_FORMFIELDS


class ReasonActionForm(ActionForm):
    reason = forms.CharField(label=_("理由"), required=False, max_length=300)


def _run(modeladmin: admin.ModelAdmin, request: HttpRequest, rows: QuerySet[Any], fn: Any, **kwargs: Any) -> None:
    done, failed = 0, []
    arg = kwargs.pop("_arg", "post")
    for row in rows:
        try:
            fn(actor=request.user, **{arg: row}, **kwargs)
            done += 1
        except DomainError as exc:
            failed.append(f"#{row.pk}: {exc.message}")
    if done:
        modeladmin.message_user(request, _("已处理 %(n)d 条") % {"n": done}, messages.SUCCESS)
    for text in failed:
        modeladmin.message_user(request, text, messages.ERROR)


class PostImageInline(QuanziTabularInline):
    model = PostImage
    extra = 0
    formfield_overrides = CLEAN_IMAGE_FORMFIELDS  # re-encoded like any upload


@admin.register(Post)
class PostAdmin(QuanziModelAdmin):
    list_display = ("id", "__str__", "kind", "status", "community", "author", "publish_at", "like_count",
                    "comment_count")
    list_filter = ("status", "kind", "community")
    search_fields = ("title", "body", "author__nickname")
    list_select_related = ("community", "author")
    raw_id_fields = ("author", "community", "accepted_answer")
    readonly_fields = ("like_count", "favourite_count", "comment_count", "share_count", "view_count", "created_at")
    inlines = [PostImageInline]
    action_form = ReasonActionForm
    actions = ["approve", "reject", "remove", "restore"]

    @admin.action(description=_("审核通过所选帖子"))
    def approve(self, request: HttpRequest, queryset: QuerySet[Post]) -> None:
        _run(self, request, queryset.select_related("community", "author"), services.post_approve)

    @admin.action(description=_("拒绝所选帖子（填写理由）"))
    def reject(self, request: HttpRequest, queryset: QuerySet[Post]) -> None:
        _run(self, request, queryset.select_related("community", "author"), services.post_reject,
             reason=request.POST.get("reason", ""))

    @admin.action(description=_("删除所选帖子（填写理由，通知作者）"))
    def remove(self, request: HttpRequest, queryset: QuerySet[Post]) -> None:
        _run(self, request, queryset.select_related("community", "author"), services.post_remove,
             reason=request.POST.get("reason", ""))

    @admin.action(description=_("恢复所选帖子"))
    def restore(self, request: HttpRequest, queryset: QuerySet[Post]) -> None:
        _run(self, request, queryset.select_related("community", "author"), services.post_restore,
             reason=request.POST.get("reason", ""))


@admin.register(Comment)
class CommentAdmin(QuanziModelAdmin):
    list_display = ("id", "post", "author", "status", "created_at")
    list_filter = ("status",)
    search_fields = ("body", "author__nickname")
    raw_id_fields = ("post", "author", "parent")
    action_form = ReasonActionForm
    actions = ["fold"]

    @admin.action(description=_("折叠所选评论"))
    def fold(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        _run(self, request, queryset.select_related("post__community", "author"), services.comment_fold,
             _arg="comment", reason=request.POST.get("reason", ""))


@admin.register(SensitiveWord)
class SensitiveWordAdmin(QuanziModelAdmin):
    """Operators edit the list here; the filter picks up every change on the next post."""

    list_display = ("word", "is_active", "updated_at")
    list_filter = ("is_active",)
    list_editable = ("is_active",)
    search_fields = ("word",)

    def save_model(self, request: HttpRequest, obj: SensitiveWord, form: Any, change: bool) -> None:
        obj.word = obj.word.strip().lower()
        super().save_model(request, obj, form, change)


@admin.register(CheckIn)
class CheckInAdmin(QuanziModelAdmin):
    list_display = ("user", "community", "day", "streak", "note")
    list_filter = ("day",)
    raw_id_fields = ("user", "community")
    date_hierarchy = "day"


@admin.register(Share)
class ShareAdmin(QuanziModelAdmin):
    list_display = ("token", "post", "sharer", "community", "channel", "view_count", "created_at")
    search_fields = ("token",)
    raw_id_fields = ("post", "sharer", "community")
    readonly_fields = ("token", "view_count")


@admin.register(OfflineEvent)
class OfflineEventAdmin(QuanziModelAdmin):
    list_display = ("post", "starts_at", "location", "signup_count", "capacity", "signup_deadline")
    raw_id_fields = ("post",)
    readonly_fields = ("signup_count",)


class PollOptionInline(QuanziTabularInline):
    model = PollOption
    extra = 0
    readonly_fields = ("vote_count",)


@admin.register(Poll)
class PollAdmin(QuanziModelAdmin):
    list_display = ("post", "multiple", "closes_at", "voter_count")
    raw_id_fields = ("post",)
    readonly_fields = ("voter_count",)
    inlines = [PollOptionInline]


def _dashboard(today: Any) -> list[Figure]:
    held = Post.objects.filter(status=PostStatus.HELD).count()
    return [queue_figure(_("待审核帖子"), held, "/admin/content/post/?status__exact=held")]


dashboard_figures("40-content", _dashboard)
