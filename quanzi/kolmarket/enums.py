from django.db import models
from django.utils.translation import gettext_lazy as _


class DealStatus(models.TextChoices):
    PROPOSED = "proposed", _("待达人回复")
    COUNTERED = "countered", _("达人已还价，待商家回复")
    ACCEPTED = "accepted", _("合作中")
    DECLINED = "declined", _("已拒绝")
    EXPIRED = "expired", _("已过期")
    WITHDRAWN = "withdrawn", _("商家已撤回")
    COMPLETED = "completed", _("已结束")


class EntryKind(models.TextChoices):
    """The deal ledger's movements (what the merchant owes, what the KOL is owed, what the platform earns)."""

    FIXED_FEE = "fixed_fee", _("固定合作费")
    FEE_SERVICE = "fee_service", _("平台服务费（固定费）")
    COMMISSION_SERVICE = "commission_service", _("平台服务费（佣金）")


class Sort(models.TextChoices):
    FOLLOWERS = "followers", _("粉丝最多")
    ENGAGEMENT = "engagement", _("互动率最高")
    GMV = "gmv", _("带货成交额最高")
    NEWEST = "newest", _("最新入驻")
