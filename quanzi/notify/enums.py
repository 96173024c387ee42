from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    """Where a notice reaches a member: the inbox (with its live push to open pages) and the external channels."""

    IN_APP = "in_app", _("站内通知")
    WECHAT = "wechat", _("微信订阅消息")
    SMS = "sms", _("短信")
    EMAIL = "email", _("邮件")


EXTERNAL_CHANNELS = (Channel.WECHAT, Channel.SMS, Channel.EMAIL)


class KindGroup(models.TextChoices):
    """The kinds of notice a member switches on and off together (the settings page has one row per group)."""

    INTERACTION = "interaction", _("互动（回复、评论、@我、点赞、关注）")
    COMMUNITY = "community", _("圈子与审核")
    TRADE = "trade", _("订单、拼团与售后")
    SHOP = "shop", _("店铺订单（商家）")
    BENEFITS = "benefits", _("优惠券、积分、会员与佣金")
    LIVE = "live", _("直播开播提醒")
    OTHER = "other", _("其他")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")
    SKIPPED = "skipped", _("无法送达")
