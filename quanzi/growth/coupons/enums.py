from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CouponKind(models.TextChoices):
    AMOUNT_OFF = "amount_off", _("满减券")
    NO_THRESHOLD = "no_threshold", _("无门槛券")
    PERCENT_OFF = "percent_off", _("折扣券")
    FREE_SHIPPING = "free_shipping", _("免运费券")


class CouponScope(models.TextChoices):
    PLATFORM = "platform", _("全平台")
    MERCHANT = "merchant", _("本店商品")
    COMMUNITY = "community", _("指定社群")
    CATEGORY = "category", _("指定类目")
    PRODUCT = "product", _("指定商品")


class ClaimMode(models.TextChoices):
    PUBLIC = "public", _("会员领取")
    GRANT = "grant", _("仅运营发放")
    ON_JOIN = "on_join", _("加入社群自动发放")
    ON_FIRST_ORDER = "on_first_order", _("首单支付后自动发放")


class RefundPolicy(models.TextChoices):
    KEEP = "keep", _("退款不退券")
    RETURN_ON_FULL_REFUND = "return_on_full_refund", _("整单全额退款后退回")


class TemplateStatus(models.TextChoices):
    ACTIVE = "active", _("进行中")
    PAUSED = "paused", _("已暂停")
    ENDED = "ended", _("已结束")


class CouponStatus(models.TextChoices):
    """Stored status of a member's coupon; `expired` and `not_yet_valid` are read from the validity window."""

    UNUSED = "unused", _("未使用")
    USED = "used", _("已使用")


class CouponState(models.TextChoices):
    """How a member's coupon reads now (stored status + validity window)."""

    USABLE = "usable", _("可使用")
    NOT_YET_VALID = "not_yet_valid", _("未生效")
    USED = "used", _("已使用")
    EXPIRED = "expired", _("已过期")


class CouponSource(models.TextChoices):
    CLAIM = "claim", _("领取")
    GRANT = "grant", _("运营发放")
    JOIN = "join", _("入群礼")
    FIRST_ORDER = "first_order", _("首单礼")
    REWARD = "reward", _("任务与活动奖励")
    PACKET = "packet", _("券包")


class RedemptionStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("coupon redemption", "已核销")
    VOID = "void", _("已退回")


class ChangeReason(models.TextChoices):
    """Why a coupon or a template changed status (the audit rows)."""

    REDEEMED = "redeemed", _("下单使用")
    RETURNED_CANCELLED = "returned_cancelled", _("订单取消，券已退回")
    RETURNED_REFUNDED = "returned_refunded", _("订单全额退款，券已退回")
    PAUSED = "paused", _("暂停领取")
    RESUMED = "resumed", _("恢复领取")
    ENDED = "ended", _("结束活动")
