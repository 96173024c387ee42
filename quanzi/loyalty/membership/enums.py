from django.db import models
from django.utils.translation import gettext_lazy as _


class GrowthKind(models.TextChoices):
    """Why a member's growth value moved: one `GrowthEntry` per movement."""

    ORDER = "order", _("购物")
    REFUND = "refund", _("退款扣回")
    ACTIVITY = "activity", _("活动奖励")
    OPERATOR = "operator", _("平台调整")


class PlanKind(models.TextChoices):
    MONTHLY = "monthly", _("月卡")
    YEARLY = "yearly", _("年卡")
    TRIAL = "trial", _("免费试用")


class PeriodStatus(models.TextChoices):
    """Stored status of a membership period; an active one past its end reads as ended."""

    ACTIVE = "active", _("有效")
    REFUNDED = "refunded", _("已退款")


class RefundAfterUse(models.TextChoices):
    """What a refund pays once the full-refund window has passed or a benefit was used."""

    PRO_RATA = "pro_rata", _("按剩余天数退款")
    NONE = "none", _("不退款")
