"""Chat tables: member↔member conversations (私信) and buyer↔shop customer service (客服), their messages, who
is in them with an unread counter each, the shop's service agents, blocks, members' "who can message me", and
reports to the platform.

Unread counts are counters moved by conditional updates (`F() + 1` when a message arrives, 0 when read), so the
badge in the site's top bar is one small query, not a count over the messages."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from quanzi.chat.enums import CardType, ConversationKind, MessageKind, ReportStatus, Side, WhoCanMessage


class ChatSetting(models.Model):
    """A member's privacy choice for private messages; no row means the default (everyone)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chat_setting",
                                verbose_name=_("用户"))
    who_can_message = models.CharField(_("谁可以私信我"), max_length=10, choices=WhoCanMessage.choices,
                                       default=WhoCanMessage.EVERYONE)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("私信设置")
        verbose_name_plural = _("私信设置")

    def __str__(self) -> str:
        return f"{self.user} · {self.get_who_can_message_display()}"


class Block(models.Model):
    """`blocker` no longer hears from `blocked`; neither can write to the other while it stands."""

    blocker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                                verbose_name=_("拉黑人"))
    blocked = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                                verbose_name=_("被拉黑"))
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("黑名单")
        verbose_name_plural = _("黑名单")
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="chat_uniq_block"),
            models.CheckConstraint(condition=~Q(blocker=models.F("blocked")), name="chat_no_self_block"),
        ]

    def __str__(self) -> str:
        return f"{self.blocker} ⊘ {self.blocked}"


class ServiceAgent(models.Model):
    """A member who answers a shop's customer service (客服). The merchant's own account always may, without a row;
    the owner adds and removes staff."""

    merchant = models.ForeignKey("catalog.Merchant", on_delete=models.CASCADE, related_name="service_agents",
                                 verbose_name=_("商家"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="service_agent_of",
                             verbose_name=_("客服"))
    created_at = models.DateTimeField(_("加入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("客服人员")
        verbose_name_plural = _("客服人员")
        constraints = [models.UniqueConstraint(fields=["merchant", "user"], name="chat_uniq_agent")]

    def __str__(self) -> str:
        return f"{self.merchant} · {self.user}"


class Conversation(models.Model):
    """Direct: two members, found again by `direct_key` ("<low id>:<high id>"). Service: one per (shop, buyer);
    each time the buyer comes from a product or an order page it gets a card message; the shop side reads it as a
    queue (unassigned / assigned to an agent) with one unread counter for the shop."""

    kind = models.CharField(_("类型"), max_length=10, choices=ConversationKind.choices)
    direct_key = models.CharField(max_length=41, null=True, blank=True, unique=True)
    merchant = models.ForeignKey("catalog.Merchant", on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="conversations", verbose_name=_("商家"))
    customer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="+", verbose_name=_("顾客"))
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("接待客服"))
    shop_unread = models.PositiveIntegerField(_("商家未读"), default=0)
    last_message_at = models.DateTimeField(_("最后消息时间"), null=True, blank=True, db_index=True)
    last_preview = models.CharField(_("最后消息"), max_length=60, blank=True, default="")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("会话")
        verbose_name_plural = _("会话")
        constraints = [
            models.UniqueConstraint(fields=["merchant", "customer"], condition=Q(kind=ConversationKind.SERVICE),
                                    name="chat_uniq_service_conversation"),
            models.CheckConstraint(
                condition=(Q(kind=ConversationKind.DIRECT, direct_key__isnull=False, merchant__isnull=True)
                           | Q(kind=ConversationKind.SERVICE, merchant__isnull=False, customer__isnull=False)),
                name="chat_conversation_kind_fields"),
        ]
        indexes = [models.Index(fields=["merchant", "assigned_to", "shop_unread"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()}"


class Participant(models.Model):
    """A member in a conversation with their own unread counter: both members of a direct one, the customer of a
    service one (the shop's side reads `Conversation.shop_unread`)."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chat_participations",
                             verbose_name=_("用户"))
    unread = models.PositiveIntegerField(_("未读"), default=0)
    last_read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("会话成员")
        verbose_name_plural = _("会话成员")
        constraints = [models.UniqueConstraint(fields=["conversation", "user"], name="chat_uniq_participant")]
        indexes = [models.Index(fields=["user", "unread"])]

    def __str__(self) -> str:
        return f"{self.user} @ {self.conversation_id}"


def chat_image_path(instance: Message, filename: str) -> str:
    return f"chat/{filename}"  # `clean_image` already gave it a random name


class Message(models.Model):
    """One message: text typed by a person (kept as typed), an image (re-encoded by core.images), or a card of
    the product or order the customer-service conversation is about."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+", verbose_name=_("发送人"))
    side = models.CharField(_("发送方"), max_length=10, choices=Side.choices)
    kind = models.CharField(_("类型"), max_length=10, choices=MessageKind.choices, default=MessageKind.TEXT)
    body = models.TextField(_("内容"), blank=True, default="")
    image = models.ImageField(_("图片"), upload_to=chat_image_path, blank=True)
    card_type = models.CharField(_("卡片类型"), max_length=10, choices=CardType.choices, blank=True, default="")
    card_id = models.BigIntegerField(_("卡片对象"), null=True, blank=True)
    card = models.JSONField(_("卡片内容"), default=dict, blank=True)  # title, price, picture, number at send time
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("消息")
        verbose_name_plural = _("消息")
        indexes = [models.Index(fields=["conversation", "id"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()}"


class ChatReport(models.Model):
    """A member reports a conversation (and the message in it) to the platform; operators review it in the back
    office, where the reported messages are shown. Not a community's report: a conversation has no community."""

    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                                 verbose_name=_("举报人"))
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="reports",
                                     verbose_name=_("会话"))
    message = models.ForeignKey(Message, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                verbose_name=_("消息"))
    reported_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                      related_name="+", verbose_name=_("被举报人"))
    reason = models.CharField(_("理由"), max_length=200)
    status = models.CharField(_("状态"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.OPEN,
                              db_index=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("处理人"))
    handled_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    note = models.CharField(_("处理说明"), max_length=200, blank=True, default="")
    created_at = models.DateTimeField(_("举报时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("私信举报")
        verbose_name_plural = _("私信举报")

    def __str__(self) -> str:
        return f"#{self.pk} · {self.reason[:20]}"
