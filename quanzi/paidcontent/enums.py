from django.db import models
from django.utils.translation import gettext_lazy as _


class ItemKind(models.TextChoices):
    """What a purchase buys: a paid post or a course once and for good, a column by period."""

    POST = "post", _("付费帖")
    COURSE = "course", _("课程")
    COLUMN = "column", _("专栏")


class Period(models.TextChoices):
    """A column's subscription periods (the days each adds are in `rules.PERIOD_DAYS`)."""

    MONTH = "month", _("月付")
    YEAR = "year", _("年付")


class PurchaseStatus(models.TextChoices):
    PENDING = "pending", _("待付款")
    PAID = "paid", _("已购买")
    CANCELLED = "cancelled", _("已取消")
    REFUNDED = "refunded", _("已退款")


class TermStatus(models.TextChoices):
    ACTIVE = "active", _("有效")
    REFUNDED = "refunded", _("已退款")
    EXPIRED = "expired", _("已到期")
