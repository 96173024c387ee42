from django.db import models
from django.utils.translation import gettext_lazy as _


class CampaignStatus(models.TextChoices):
    """What the merchant or operator set. How a campaign reads now also depends on its window: `CampaignPhase`."""

    ACTIVE = "active", _("已上线")
    PAUSED = "paused", _("已暂停")
    ENDED = "ended", _("已结束")


class CampaignPhase(models.TextChoices):
    """A campaign as it reads at a moment (`rules.campaign_phase`): its status and its start and end."""

    SCHEDULED = "scheduled", _("未开始")
    RUNNING = "running", _("进行中")
    PAUSED = "paused", _("已暂停")
    ENDED = "ended", _("已结束")


class GroupStatus(models.TextChoices):
    OPEN = "open", _("拼团中")
    SUCCEEDED = "succeeded", _("已成团")
    FAILED = "failed", _("未成团")


class CloseReason(models.TextChoices):
    """Why a group closed (shown on the group page: a group that succeeded short says so)."""

    FILLED = "filled", _("满员成团")
    EXPIRED_SHORT = "expired_short", _("到期未满员")
    SUCCEEDED_AT_EXPIRY = "succeeded_at_expiry", _("到期未满员，按商家设置以实际人数成团")
    CAMPAIGN_ENDED = "campaign_ended", _("活动结束")


class MemberRole(models.TextChoices):
    LEADER = "leader", _("团长")
    MEMBER = "member", _("团员")


class MemberStatus(models.TextChoices):
    """A member's place: held while their order waits for payment, counted once paid; freed when the unpaid order
    is cancelled; refunded when the group fails, when the payment came after the group closed, or when the member
    took their money back (after-sales) while the group was still open."""

    RESERVED = "reserved", _("待支付")
    PAID = "paid", _("已支付")
    RELEASED = "released", _("未支付，名额已释放")
    REFUNDED = "refunded", _("已退款")
