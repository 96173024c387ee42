from django.db import models
from django.utils.translation import gettext_lazy as _


class AfterSaleKind(models.TextChoices):
    REFUND_ONLY = "refund_only", _("仅退款")
    RETURN_AND_REFUND = "return_and_refund", _("退货退款")


class AfterSaleReason(models.TextChoices):
    NO_REASON = "no_reason", _("不想要了（七天无理由）")
    QUALITY = "quality", _("质量问题")
    DAMAGED = "damaged", _("商品破损")
    WRONG_ITEM = "wrong_item", _("发错货或漏发")
    NOT_AS_DESCRIBED = "not_as_described", _("与描述不符")
    NOT_RECEIVED = "not_received", _("未收到货")


# reasons that are the merchant's fault: allowed for every product, at any time after shipment
MERCHANT_FAULT_REASONS = frozenset({AfterSaleReason.QUALITY, AfterSaleReason.DAMAGED, AfterSaleReason.WRONG_ITEM,
                                    AfterSaleReason.NOT_AS_DESCRIBED, AfterSaleReason.NOT_RECEIVED})


class AfterSaleStatus(models.TextChoices):
    REQUESTED = "requested", _("待商家处理")
    APPROVED = "approved", _("商家已同意")
    REJECTED = "rejected", _("商家已拒绝")
    AWAITING_RETURN_SHIPMENT = "awaiting_return_shipment", _("待买家退货")
    RETURN_SHIPPED = "return_shipped", _("买家已退货")
    RETURN_RECEIVED = "return_received", _("商家已收货")
    REFUNDING = "refunding", _("退款中")
    REFUNDED = "refunded", _("退款成功")
    CLOSED = "closed", _("已关闭")
    CANCELLED = "cancelled", _("买家已撤销")


class ReviewStatus(models.TextChoices):
    VISIBLE = "visible", _("已展示")
    FOLDED = "folded", _("已折叠")


class ModerationAction(models.TextChoices):
    FOLD = "fold", _("折叠")
    UNFOLD = "unfold", _("取消折叠")
