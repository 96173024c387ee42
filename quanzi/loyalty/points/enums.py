from django.db import models
from django.utils.translation import gettext_lazy as _


class PointsKind(models.TextChoices):
    """Why a member's points moved: one `PointsEntry` per movement.

    Three shapes: *earn* kinds create a lot (order_earn, grant); *draw* kinds take points out of lots oldest first
    and record each lot they drew from (order_redeem, mall_redeem, clawback, expire); *restore* kinds give drawn
    points back as new lots with the drawn lot's dates (order_return, refund_return, mall_return)."""

    ORDER_EARN = "order_earn", _("购物获得")
    GRANT = "grant", _("奖励")
    ORDER_REDEEM = "order_redeem", _("下单抵扣")
    MALL_REDEEM = "mall_redeem", _("积分商城兑换")
    CLAWBACK = "clawback", _("退款扣回")
    EXPIRE = "expire", _("积分过期")
    ORDER_RETURN = "order_return", _("订单取消退回")
    REFUND_RETURN = "refund_return", _("退款退回")
    MALL_RETURN = "mall_return", _("兑换取消退回")


EARN_KINDS = frozenset({PointsKind.ORDER_EARN, PointsKind.GRANT})
DRAW_KINDS = frozenset({PointsKind.ORDER_REDEEM, PointsKind.MALL_REDEEM, PointsKind.CLAWBACK, PointsKind.EXPIRE})
RESTORE_KINDS = frozenset({PointsKind.ORDER_RETURN, PointsKind.REFUND_RETURN, PointsKind.MALL_RETURN})


class MallItemKind(models.TextChoices):
    COUPON = "coupon", _("优惠券")
    GOODS = "goods", _("实物（商家发货）")


class RedemptionStatus(models.TextChoices):
    """A coupon redemption is done at once; goods wait for the operator or merchant to ship them."""

    DONE = "done", _("已发放")
    PENDING = "pending", _("待发货")
    SHIPPED = "shipped", _("已发货")
    CANCELLED = "cancelled", _("已取消")
