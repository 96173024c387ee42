from django.db import models
from django.utils.translation import gettext_lazy as _


class PromoterMode(models.TextChoices):
    """Who may promote (推广员资格), a platform setting with a per-community override."""

    EVERYONE = "everyone", _("所有会员")
    APPOINTED = "appointed", _("指定推广员")
    THRESHOLD = "threshold", _("消费满额的会员")


class PromoterStatus(models.TextChoices):
    APPLIED = "applied", _("待审核")
    ACTIVE = "active", _("推广中")
    REJECTED = "rejected", _("未通过")
    SUSPENDED = "suspended", _("已停用")


class PromoterSource(models.TextChoices):
    """How the promoter row came to be: a member's application, an appointment, or by itself (everyone may
    promote, or the member's spending passed the threshold)."""

    APPLIED = "applied", _("会员申请")
    APPOINTED = "appointed", _("运营或群主指定")
    AUTO = "auto", _("自动")


class Bucket(models.TextChoices):
    """Where a ledger entry's money sits: frozen until the order's after-sales window closes, then available."""

    PENDING = "pending", _("待结算")
    AVAILABLE = "available", _("可提现")


class EntryKind(models.TextChoices):
    ACCRUE = "accrue", _("订单佣金")
    REVERSE = "reverse", _("退款冲回")
    RELEASE = "release", _("售后期结束，转为可提现")
    WITHDRAW = "withdraw", _("提现")
    WITHDRAW_RETURN = "withdraw_return", _("提现驳回退回")


class WithdrawalStatus(models.TextChoices):
    REQUESTED = "requested", _("待审核")
    APPROVED = "approved", _("已通过，打款中")
    PAID = "paid", _("已到账")
    REJECTED = "rejected", _("已驳回")
