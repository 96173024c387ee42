from django.db import models
from django.utils.translation import gettext_lazy as _


class ConversationKind(models.TextChoices):
    DIRECT = "direct", _("私信")
    SERVICE = "service", _("客服")


class WhoCanMessage(models.TextChoices):
    """A member's answer to "who can send me a private message" (客服 from shops is not affected: a buyer writes to
    a shop, never the other way round unless the buyer started)."""

    EVERYONE = "everyone", _("所有人")
    FOLLOWING = "following", _("我关注的人")
    NOBODY = "nobody", _("不接收私信")


class MessageKind(models.TextChoices):
    TEXT = "text", _("文字")
    IMAGE = "image", _("图片")
    CARD = "card", _("卡片")  # a product or an order the customer-service conversation is about


class CardType(models.TextChoices):
    PRODUCT = "product", _("商品")
    ORDER = "order", _("订单")


class Side(models.TextChoices):
    """Who wrote a message: a member in a direct conversation, the customer or the shop in customer service."""

    MEMBER = "member", _("会员")
    CUSTOMER = "customer", _("顾客")
    SHOP = "shop", _("商家")


class ReportStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    RESOLVED = "resolved", _("已处理")
    DISMISSED = "dismissed", _("已驳回")


class QueueFilter(models.TextChoices):
    UNASSIGNED = "unassigned", _("待接入")
    MINE = "mine", _("我的")
    ALL = "all", _("全部")
