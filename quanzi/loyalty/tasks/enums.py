from django.db import models
from django.utils.translation import gettext_lazy as _


class Trigger(models.TextChoices):
    """What happened, as other apps report it (`services.task_progress(trigger=...)`). Each fact is recorded once
    per (member, trigger, key)."""

    PROFILE_COMPLETED = "profile_completed", _("完善资料")
    COMMUNITY_JOINED = "community_joined", _("加入社群")
    POST_CREATED = "post_created", _("发帖")
    ORDER_PAID = "order_paid", _("订单支付")
    CHECKIN = "checkin", _("打卡")
    ANSWER_CREATED = "answer_created", _("回答问题")
    ANSWER_ACCEPTED = "answer_accepted", _("回答被采纳")
    REVIEW_PHOTOS = "review_photos", _("晒图评价")
    INVITE_FIRST_ORDER = "invite_first_order", _("好友首单")


class Period(models.TextChoices):
    """How often a task can be done: once ever, once per Asia/Shanghai day, once per ISO week."""

    ONCE = "once", _("一次性")
    DAILY = "daily", _("每日")
    WEEKLY = "weekly", _("每周")


class Section(models.TextChoices):
    """Where the task centre shows a task."""

    NOVICE = "novice", _("新手任务")
    DAILY = "daily", _("每日任务")
    WEEKLY = "weekly", _("每周任务")
    INVITE = "invite", _("邀请任务")


class TaskState(models.TextChoices):
    """How a task reads to one member in the current period."""

    IN_PROGRESS = "in_progress", _("进行中")
    CLAIMABLE = "claimable", _("可领取")
    CLAIMED = "claimed", _("已领取")


class StreakMode(models.TextChoices):
    """How a check-in reward rule counts a member's days in a community."""

    CONTINUOUS = "continuous", _("连续打卡（断签重置）")
    WEEKLY = "weekly", _("本周累计（自然周）")
    MONTHLY = "monthly", _("本月累计（自然月）")


class RewardKind(models.TextChoices):
    """The reward kinds `loyalty.rewards` knows (each granted by the app that registered it)."""

    POINTS = "points", _("积分")
    GROWTH = "growth", _("成长值")
    COUPON = "coupon", _("优惠券（填券模板编号）")


class BadgeRule(models.TextChoices):
    """How a badge is earned: a count of facts of one trigger reaches the threshold, or a check-in streak does."""

    FACT_COUNT = "fact_count", _("行为次数达到门槛")
    CHECKIN_STREAK = "checkin_streak", _("连续打卡天数达到门槛")
    MANUAL = "manual", _("运营授予")
