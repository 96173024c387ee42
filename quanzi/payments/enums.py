from django.db import models
from django.utils.translation import gettext_lazy as _


class GatewayName(models.TextChoices):
    SANDBOX = "sandbox", _("沙箱支付")
    WECHAT = "wechat", _("微信支付")
    ALIPAY = "alipay", _("支付宝")


class PaymentStatus(models.TextChoices):
    CREATED = "created", _("待支付")
    SUCCEEDED = "succeeded", _("支付成功")
    CLOSED = "closed", _("已关闭")
    REFUNDED = "refunded", _("已全额退款")


class RefundStatus(models.TextChoices):
    PENDING = "pending", _("待提交")
    PROCESSING = "processing", _("退款中")
    SUCCEEDED = "succeeded", _("退款成功")
    FAILED = "failed", _("退款失败")


class RefundKind(models.TextChoices):
    AFTER_SALES = "after_sales", _("售后退款")
    ORDER_CANCELLED = "order_cancelled", _("订单已取消，自动退款")
    NOT_APPLIED = "not_applied", _("订单未能入账，自动退款")
    OPERATOR = "operator", _("运营退款")


class CallbackResult(models.TextChoices):
    PROCESSED = "processed", _("已入账")
    DUPLICATE = "duplicate", _("重复通知")
    AUTO_REFUNDED = "auto_refunded", _("已入账并自动退款")
    IGNORED = "ignored", _("非成功通知，忽略")
    REJECTED = "rejected", _("已拒绝")


class NotifyStatus(models.TextChoices):
    """What a verified gateway notification says about the trade."""

    SUCCESS = "success", _("支付成功")
    CLOSED = "closed", _("交易关闭")
    OTHER = "other", _("其他")


class CallbackKind(models.TextChoices):
    PAYMENT = "payment", _("支付通知")
    REFUND = "refund", _("退款通知")


class PaymentKind(models.TextChoices):
    """How the buyer pays through a gateway (the cashier picks one by where the buyer is)."""

    SANDBOX = "sandbox", _("沙箱收银台")
    JSAPI = "jsapi", _("微信内支付")
    MINIPROGRAM = "miniprogram", _("小程序支付")
    H5 = "h5", _("手机浏览器支付")
    NATIVE = "native", _("扫码支付")
    WAP = "wap", _("手机网站支付")
    PAGE = "page", _("电脑网站支付")
    QR = "qr", _("扫码支付（支付宝）")


class ReconciliationStatus(models.TextChoices):
    MATCHED = "matched", _("一致")
    DIFFERENT = "different", _("有差异")
    FAILED = "failed", _("账单获取失败")
