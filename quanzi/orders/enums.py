from django.db import models
from django.utils.translation import gettext_lazy as _


class OrderStatus(models.TextChoices):
    PENDING_PAYMENT = "pending_payment", _("待付款")
    PAID = "paid", _("待发货")
    SHIPPED = "shipped", _("已发货")
    DELIVERED = "delivered", _("已签收")
    COMPLETED = "completed", _("已完成")
    CANCELLED = "cancelled", _("已取消")
    REFUNDING = "refunding", _("退款中")
    PARTIALLY_REFUNDED = "partially_refunded", _("部分退款")
    REFUNDED = "refunded", _("已退款")


class ShippingMode(models.TextChoices):
    PIECE = "piece", _("按件计费")
    WEIGHT = "weight", _("按重量计费")
