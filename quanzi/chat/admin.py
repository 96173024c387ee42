"""The back office of chat: reports of conversations (reviewed by operators, with the reported conversation's
messages beside them), and read-only views of conversations, agents and blocks."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from quanzi.chat import services
from quanzi.chat.models import Block, ChatReport, Conversation, Message, ServiceAgent
from quanzi.core.admin_base import ReadOnlyAdminMixin, ReadOnlyInline, report_done, run_for_each


def _operator(request: HttpRequest) -> Any:
    return request.user  # the admin site only lets staff in


class MessageInline(ReadOnlyInline):
    model = Message
    fields = ("created_at", "sender", "side", "kind", "body", "image", "card_type", "card_id")
    readonly_fields = fields
    ordering = ("-id",)
    show_change_link = False


@admin.register(Conversation)
class ConversationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("id", "kind", "merchant", "customer", "assigned_to", "shop_unread", "last_message_at")
    list_filter = ("kind",)
    search_fields = ("merchant__business_name", "customer__nickname", "customer__phone")
    inlines = [MessageInline]


@admin.register(ChatReport)
class ChatReportAdmin(admin.ModelAdmin):
    list_display = ("id", "created_at", "reporter", "reported_user", "reason", "status", "handled_by")
    list_filter = ("status",)
    readonly_fields = ("reporter", "conversation", "message", "reported_user", "reason", "status", "handled_by",
                       "handled_at", "created_at", "recent_messages")
    fields = readonly_fields + ("note",)
    actions = ["resolve", "dismiss"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("会话中的最近消息"))
    def recent_messages(self, obj: ChatReport) -> str:
        rows = Message.objects.filter(conversation_id=obj.conversation_id).select_related("sender").order_by("-id")[:30]
        return format_html_join(
            "\n", "<p>{} · {} · {}{}</p>",
            ((m.created_at.strftime("%m-%d %H:%M"), m.sender or "-", "▶ " if m.pk == obj.message_id else "",
              m.body or (m.image.name if m.image else m.card_type)) for m in reversed(list(rows))))

    @admin.action(description=_("标记为已处理"))
    def resolve(self, request: HttpRequest, queryset: QuerySet[ChatReport]) -> None:
        done = run_for_each(self, request, queryset, lambda r: services.report_close(
            operator=_operator(request), report_id=r.pk, resolved=True, note=r.note))
        report_done(self, request, done)

    @admin.action(description=_("驳回举报"))
    def dismiss(self, request: HttpRequest, queryset: QuerySet[ChatReport]) -> None:
        done = run_for_each(self, request, queryset, lambda r: services.report_close(
            operator=_operator(request), report_id=r.pk, resolved=False, note=r.note))
        report_done(self, request, done)


@admin.register(ServiceAgent)
class ServiceAgentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("merchant", "user", "created_at")


@admin.register(Block)
class BlockAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("blocker", "blocked", "created_at")
