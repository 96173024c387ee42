from django.db import models
from django.utils.translation import gettext_lazy as _


class SessionStatus(models.TextChoices):
    """What an operator or merchant set. Whether a scheduled session is upcoming, live or over is read from the
    clock (`SessionPhase`), so a session starts and ends on time even when no job runs."""

    DRAFT = "draft", _("草稿")
    SCHEDULED = "scheduled", _("已排期")
    PAUSED = "paused", _("已暂停")
    ENDED = "ended", _("已结束")


class SessionPhase(models.TextChoices):
    """A session as a shopper sees it now."""

    DRAFT = "draft", _("草稿")
    UPCOMING = "upcoming", _("即将开始")
    LIVE = "live", _("抢购中")
    PAUSED = "paused", _("已暂停")
    ENDED = "ended", _("已结束")


class ReservationStatus(models.TextChoices):
    RESERVED = "reserved", _("待支付")
    PAID = "paid", _("已支付")
    RELEASED = "released", _("已释放")  # its order was cancelled or expired unpaid: the unit went back
    REFUNDED = "refunded", _("已退款")


class TicketStatus(models.TextChoices):
    """A winner's place in the order queue (Redis gate): the gate took the unit at once; a worker places the order."""

    QUEUED = "queued", _("排队中")
    PLACING = "placing", _("下单中")
    PLACED = "placed", _("已下单")
    FAILED = "failed", _("未成功")
