from django.db import models
from django.utils.translation import gettext_lazy as _


class LotteryStatus(models.TextChoices):
    """Stored status. An open lottery reads as upcoming before its entries open and as closed (waiting for the
    draw) after they close (`selectors.lottery_state`)."""

    OPEN = "open", _("进行中")
    DRAWN = "drawn", _("已开奖")
    CANCELLED = "cancelled", _("已取消")


class LotteryState(models.TextChoices):
    """How a lottery reads now."""

    UPCOMING = "upcoming", _("未开始")
    OPEN = "open", _("报名中")
    CLOSED = "closed", _("已截止，待开奖")
    DRAWN = "drawn", _("已开奖")
    CANCELLED = "cancelled", _("已取消")


class Eligibility(models.TextChoices):
    """Who gets a lucky number. Never a purchase of the number itself: a number comes with membership, a check-in
    streak, or a paid order of an ordinary product (one number per paid order)."""

    MEMBERS = "members", _("社群成员")
    CHECKIN_STREAK = "checkin_streak", _("连续打卡")
    BUYERS = "buyers", _("购买指定商品")


class PrizeKind(models.TextChoices):
    POINTS = "points", _("积分")
    COUPON = "coupon", _("优惠券")
    GROWTH = "growth", _("成长值")
    GOODS = "goods", _("实物（主办方寄送）")


class EntrySource(models.TextChoices):
    MEMBER = "member", _("社群成员")
    STREAK = "streak", _("连续打卡")
    ORDER = "order", _("订单")


class EntryStatus(models.TextChoices):
    VALID = "valid", _("有效")
    REVOKED = "revoked", _("已作废（订单全额退款）")


class Fulfilment(models.TextChoices):
    """A winner's prize: granted at once (points, coupons, growth), or goods the organiser ships."""

    PENDING = "pending", _("发放中")
    GRANTED = "granted", _("已发放")
    TO_SHIP = "to_ship", _("待寄送")
    SHIPPED = "shipped", _("已寄出")
