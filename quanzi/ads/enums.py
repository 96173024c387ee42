from django.db import models
from django.utils.translation import gettext_lazy as _


class Placement(models.TextChoices):
    """Where an ad is shown (each placement is a slot on an existing page, filled through that page's hook)."""

    HOME = "home", _("首页横幅")
    FEED = "feed", _("社群信息流")
    SEARCH = "search", _("搜索结果")
    PRODUCT = "product", _("商品页")


class Billing(models.TextChoices):
    CPM = "cpm", _("按千次展示（CPM）")
    CPC = "cpc", _("按点击（CPC）")


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PENDING = "pending", _("待审核")
    ACTIVE = "active", _("投放中")
    REJECTED = "rejected", _("未通过")
    PAUSED = "paused", _("已暂停")
    ENDED = "ended", _("已结束")


class EventKind(models.TextChoices):
    IMPRESSION = "impression", _("展示")
    CLICK = "click", _("点击")


class LedgerKind(models.TextChoices):
    TOPUP = "topup", _("充值")
    RESERVE = "reserve", _("预留预算")
    RELEASE = "release", _("退回未用预算")
    REFUND = "refund", _("余额退款")


class TopUpStatus(models.TextChoices):
    AWAITING_PAYMENT = "awaiting_payment", _("待支付")
    PAID = "paid", _("已到账")
    CANCELLED = "cancelled", _("已取消")
