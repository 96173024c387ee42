from django.db import models
from django.utils.translation import gettext_lazy as _


class BindPolicy(models.TextChoices):
    """How a member is bound to an inviter (docs/notes/referrals_invites.md, "Binding policies")."""

    FIRST = "first", _("首次邀请有效")
    PERMANENT = "permanent", _("永久绑定（老用户可补绑）")
    DAYS = "days", _("限期绑定（N 天）")
    LAST_CLICK = "last_click", _("最后点击有效")


class TargetKind(models.TextChoices):
    """What an invite link opens."""

    PLATFORM = "platform", _("平台")
    COMMUNITY = "community", _("社群")
    PRODUCT = "product", _("商品")
    GROUP = "group", _("拼团")


class BindSource(models.TextChoices):
    LINK = "link", _("邀请链接")
    CODE = "code", _("填写邀请码")
    ADMIN = "admin", _("运营操作")
    DEMO = "demo", _("演示数据")


class EndReason(models.TextChoices):
    MOVED = "moved", _("被新的邀请替代")
    EXPIRED = "expired", _("绑定期满")


class FlagKind(models.TextChoices):
    IP = "ip", _("同一 IP 多个账号")
    DEVICE = "device", _("同一设备多个账号")


class FlagStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    CLEARED = "cleared", _("已核实无问题")
    CONFIRMED = "confirmed", _("确认作弊")


class OutcomeStatus(models.TextChoices):
    """The invitee's first paid order: qualified when paid, rewarded when it completes, void when refunded in
    full before it completes (no reward is ever paid, nothing is clawed back)."""

    QUALIFIED = "qualified", _("首单已付款")
    REWARDED = "rewarded", _("已发奖励")
    VOID = "void", _("首单已退款")
