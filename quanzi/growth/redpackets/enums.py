from django.db import models
from django.utils.translation import gettext_lazy as _


class BalanceKind(models.TextChoices):
    """Why a member's balance moved: one `BalanceEntry` per movement."""

    PACKET_CLAIM = "packet_claim", _("领取红包")
    PACKET_FUND = "packet_fund", _("发红包")
    PACKET_RETURN = "packet_return", _("红包过期退回")
    CHECKOUT_SPEND = "checkout_spend", _("下单抵扣")
    ORDER_RETURN = "order_return", _("订单取消退回")
    REFUND_RETURN = "refund_return", _("退款退回")
    GRANT = "grant", _("平台发放")


class PacketStatus(models.TextChoices):
    """Stored status of a red packet; an open packet past its deadline reads as expired before the job moves it."""

    AWAITING_PAYMENT = "awaiting_payment", _("待支付")
    OPEN = "open", _("可领取")
    FINISHED = "finished", _("已领完")
    EXPIRED = "expired", _("已过期")
    CANCELLED = "cancelled", _("未支付，已取消")


class PacketState(models.TextChoices):
    """How a packet reads to one viewer now."""

    AWAITING_PAYMENT = "awaiting_payment", _("待支付")
    CANCELLED = "cancelled", _("未支付，已取消")
    OPEN = "open", _("可领取")
    CLAIMED = "claimed", _("你已领取")
    FINISHED = "finished", _("已领完")
    EXPIRED = "expired", _("已过期")
