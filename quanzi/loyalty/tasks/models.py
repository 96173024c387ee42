"""Tasks (任务中心), check-in rewards (签到奖励) and badges (徽章).

Nothing here is a counter someone could get wrong: a member's progress on a task is the number of `TaskFact` rows
of its trigger inside the task's period, and a fact is unique per (member, trigger, key), so the same thing
(the same order, the same day's check-in, the same answer) never counts twice. What pays out is written once by a
unique key: a `TaskClaim` per (task, member, period), a `CheckinReward` per (member, community, day), a
`BadgeAward` per (member, badge); the reward itself goes through `loyalty.rewards` with a key derived from that
row, so its ledger is idempotent too."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from quanzi.loyalty.rewards import LABELS
from quanzi.loyalty.tasks.enums import BadgeRule, Period, RewardKind, Section, StreakMode, Trigger


class Task(models.Model):
    """A task operators define (seeded by the data migration, edited in the back office)."""

    code = models.SlugField(_("编号"), max_length=40, unique=True)
    title = models.CharField(_("名称"), max_length=40)
    description = models.CharField(_("说明"), max_length=200, blank=True, default="")
    section = models.CharField(_("分组"), max_length=10, choices=Section.choices)
    trigger = models.CharField(_("触发行为"), max_length=24, choices=Trigger.choices)
    target = models.PositiveIntegerField(_("目标次数"), default=1)
    period = models.CharField(_("周期"), max_length=10, choices=Period.choices, default=Period.ONCE)
    link = models.CharField(_("去完成链接"), max_length=200, blank=True, default="")
    is_active = models.BooleanField(_("上线"), default=True)
    position = models.PositiveIntegerField(_("排序"), default=0)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("任务")
        verbose_name_plural = _("任务")
        ordering = ["section", "position", "id"]
        constraints = [models.CheckConstraint(condition=Q(target__gte=1), name="lt_task_target_positive")]

    def __str__(self) -> str:
        return self.title


class TaskReward(models.Model):
    """One reward a task pays (a task may pay several: points and a coupon)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="rewards", verbose_name=_("任务"))
    kind = models.CharField(_("奖励类型"), max_length=10, choices=RewardKind.choices)
    amount = models.PositiveIntegerField(_("数量（积分、成长值，或券模板编号）"))

    class Meta:
        verbose_name = _("任务奖励")
        verbose_name_plural = _("任务奖励")
        ordering = ["task", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gte=1), name="lt_task_reward_amount_positive")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}"


class TaskFact(models.Model):
    """Something a member did that tasks count, reported once per (member, trigger, key). Append-only."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("会员"))
    trigger = models.CharField(_("行为"), max_length=24, choices=Trigger.choices)
    key = models.CharField(_("记录键"), max_length=80)  # the business fact: "order:12", "checkin:2026-11-30"
    day = models.DateField(_("日期（北京时间）"))
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("任务行为记录")
        verbose_name_plural = _("任务行为记录")
        ordering = ["-id"]
        indexes = [models.Index(fields=["user", "trigger", "day"])]
        constraints = [models.UniqueConstraint(fields=["user", "trigger", "key"], name="lt_fact_once")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_trigger_display()} · {self.day:%Y-%m-%d}"


class TaskClaim(models.Model):
    """A task's reward paid to a member for one period ("once", "2026-11-30", "2026-W48"): at most one row."""

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="claims", verbose_name=_("任务"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("会员"))
    period_key = models.CharField(_("周期"), max_length=16)
    progress = models.PositiveIntegerField(_("领取时进度"))
    rewards = models.JSONField(_("发放的奖励"), default=list)  # [[kind, amount], ...] as paid
    created_at = models.DateTimeField(_("领取时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("任务奖励领取")
        verbose_name_plural = _("任务奖励领取")
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["task", "user", "period_key"], name="lt_claim_once_per_period")]

    def __str__(self) -> str:
        return f"{self.task} · {self.user}"


class CheckinRule(models.Model):
    """How a community's check-ins are rewarded (no community: the platform's rule, for communities without one).
    One active rule per community and one active platform rule."""

    community = models.ForeignKey("communities.Community", on_delete=models.CASCADE, null=True, blank=True,
                                  related_name="+", verbose_name=_("社群（空：全平台）"))
    title = models.CharField(_("名称"), max_length=40)
    mode = models.CharField(_("计数方式"), max_length=12, choices=StreakMode.choices, default=StreakMode.CONTINUOUS)
    repeat = models.BooleanField(_("循环"), default=True,
                                 help_text=_("连续打卡超过奖励表最后一天后从第 1 天重新计"))
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("打卡奖励规则")
        verbose_name_plural = _("打卡奖励规则")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["community"], condition=Q(is_active=True),
                                    name="lt_checkin_rule_one_active_per_community"),
            models.UniqueConstraint(fields=["is_active"], condition=Q(is_active=True, community__isnull=True),
                                    name="lt_checkin_rule_one_active_platform"),
        ]

    def __str__(self) -> str:
        return self.title


class CheckinRewardStep(models.Model):
    """A row of the reward table: on the `day`-th counted check-in, pay `amount` of `kind`."""

    rule = models.ForeignKey(CheckinRule, on_delete=models.CASCADE, related_name="steps", verbose_name=_("规则"))
    day = models.PositiveIntegerField(_("第几天"))
    kind = models.CharField(_("奖励类型"), max_length=10, choices=RewardKind.choices)
    amount = models.PositiveIntegerField(_("数量（积分、成长值，或券模板编号）"))

    class Meta:
        verbose_name = _("打卡奖励")
        verbose_name_plural = _("打卡奖励表")
        ordering = ["rule", "day", "id"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "day", "kind"], name="lt_checkin_step_unique"),
            models.CheckConstraint(condition=Q(day__gte=1) & Q(amount__gte=1), name="lt_checkin_step_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.day} · {self.get_kind_display()} {self.amount}"


class CheckinReward(models.Model):
    """The check-in reward paid to a member for one day in one community: at most one row."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("会员"))
    community = models.ForeignKey("communities.Community", on_delete=models.CASCADE, related_name="+",
                                  verbose_name=_("社群"))
    day = models.DateField(_("打卡日期"))
    rule = models.ForeignKey(CheckinRule, on_delete=models.PROTECT, related_name="+", verbose_name=_("规则"))
    mode = models.CharField(_("计数方式"), max_length=12, choices=StreakMode.choices)
    count = models.PositiveIntegerField(_("第几天"))
    rewards = models.JSONField(_("发放的奖励"), default=list)  # [[kind, amount], ...]
    created_at = models.DateTimeField(_("发放时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("打卡奖励发放")
        verbose_name_plural = _("打卡奖励发放")
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["user", "community", "day"], name="lt_checkin_reward_once")]

    @property
    def reward_labels(self) -> list[str]:
        """What was paid, as the member reads it ("+30 积分", "优惠券")."""
        return [f"+{amount} {LABELS.get(kind, kind)}" if kind != "coupon" else str(LABELS["coupon"])
                for kind, amount in self.rewards]


class Badge(models.Model):
    """A contribution badge and the rule that awards it."""

    code = models.SlugField(_("编号"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=20)
    description = models.CharField(_("说明"), max_length=120, blank=True, default="")
    icon = models.CharField(_("图标"), max_length=8, default="🏅")
    rule = models.CharField(_("获得规则"), max_length=16, choices=BadgeRule.choices, default=BadgeRule.FACT_COUNT)
    trigger = models.CharField(_("计数的行为"), max_length=24, choices=Trigger.choices, blank=True, default="")
    threshold = models.PositiveIntegerField(_("门槛"), default=1)
    is_active = models.BooleanField(_("启用"), default=True)
    position = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("徽章")
        verbose_name_plural = _("徽章")
        ordering = ["position", "id"]
        constraints = [models.CheckConstraint(condition=Q(threshold__gte=1), name="lt_badge_threshold_positive")]

    def __str__(self) -> str:
        return f"{self.icon} {self.name}"


class BadgeAward(models.Model):
    """A badge a member holds: once per (member, badge); `key` names the fact that earned it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("会员"))
    badge = models.ForeignKey(Badge, on_delete=models.PROTECT, related_name="awards", verbose_name=_("徽章"))
    key = models.CharField(_("获得依据"), max_length=80)
    created_at = models.DateTimeField(_("获得时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("徽章获得记录")
        verbose_name_plural = _("徽章获得记录")
        ordering = ["badge__position", "id"]
        constraints = [models.UniqueConstraint(fields=["user", "badge"], name="lt_badge_once")]

    def __str__(self) -> str:
        return f"{self.badge} · {self.user}"
