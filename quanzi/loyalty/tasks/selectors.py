"""Reads of tasks, check-in rewards and badges. Progress is never stored: it is the number of the member's facts
of the task's trigger in the current period (Asia/Shanghai days, ISO weeks)."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q

from quanzi.content import selectors as content_selectors
from quanzi.core.timeutil import local_today
from quanzi.loyalty.rewards import LABELS
from quanzi.loyalty.tasks import rules
from quanzi.loyalty.tasks.enums import Section, StreakMode, TaskState
from quanzi.loyalty.tasks.models import (
    Badge,
    BadgeAward,
    CheckinReward,
    CheckinRewardStep,
    CheckinRule,
    Task,
    TaskClaim,
    TaskFact,
)


@dataclass(frozen=True)
class RewardView:
    kind: str
    amount: int

    @property
    def label(self) -> str:
        return str(LABELS.get(self.kind, self.kind))


@dataclass(frozen=True)
class TaskView:
    task: Task
    progress: int  # capped at the target
    period_key: str
    state: str  # TaskState
    rewards: list[RewardView]

    @property
    def percent(self) -> int:
        return min(100, self.progress * 100 // self.task.target)

    @property
    def state_label(self) -> str:
        return str(TaskState(self.state).label)


def _authed(user: Any) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def task_get(*, task_id: int) -> Task | None:
    return Task.objects.filter(pk=task_id, is_active=True).prefetch_related("rewards").first()


def task_rewards(task: Task) -> list[RewardView]:
    return [RewardView(r.kind, r.amount) for r in task.rewards.all()]


def _facts(user_id: int, trigger: str, period: str, day: dt.date) -> Any:
    qs = TaskFact.objects.filter(user_id=user_id, trigger=trigger)
    window = rules.period_window(period, day)
    if window is not None:
        qs = qs.filter(day__range=window)
    return qs


def task_progress_count(*, user_id: int, task: Task, day: dt.date | None = None) -> int:
    """How many of the member's facts of the task's trigger fall in the period containing `day` (default today)."""
    return _facts(user_id, task.trigger, task.period, day or local_today()).count()


def fact_count(*, user_id: int, trigger: str) -> int:
    """All the member's facts of one trigger, ever (badges count these)."""
    return TaskFact.objects.filter(user_id=user_id, trigger=trigger).count()


def task_board(*, user: Any, day: dt.date | None = None) -> dict[str, list[TaskView]]:
    """Every active task by section, with the member's progress and state in the current period. A fixed number
    of queries: the tasks with their rewards, the member's facts counted per (trigger, day), their claims."""
    day = day or local_today()
    tasks = list(Task.objects.filter(is_active=True).prefetch_related("rewards").order_by("section", "position", "id"))
    per_day: dict[tuple[str, dt.date], int] = {}
    claimed: set[tuple[int, str]] = set()
    if _authed(user):
        for row in TaskFact.objects.filter(user=user).values("trigger", "day").annotate(n=Count("id")):
            per_day[(row["trigger"], row["day"])] = row["n"]
        claimed = set(TaskClaim.objects.filter(user=user).values_list("task_id", "period_key"))
    board: dict[str, list[TaskView]] = {s: [] for s in Section.values}
    for task in tasks:
        window = rules.period_window(task.period, day)
        progress = sum(n for (trigger, d), n in per_day.items()
                       if trigger == task.trigger and (window is None or window[0] <= d <= window[1]))
        key = rules.period_key(task.period, day)
        if (task.pk, key) in claimed:
            state = TaskState.CLAIMED
        elif progress >= task.target:
            state = TaskState.CLAIMABLE
        else:
            state = TaskState.IN_PROGRESS
        board[task.section].append(TaskView(task=task, progress=min(progress, task.target), period_key=key,
                                            state=state, rewards=task_rewards(task)))
    return board


def task_claims(*, user: Any) -> Any:
    return TaskClaim.objects.filter(user=user).select_related("task").order_by("-id")


# --- check-in rewards -----------------------------------------------------------------------------------------------


def checkin_rule_for(*, community_id: int) -> CheckinRule | None:
    """The community's active rule, else the platform's active rule, else none."""
    rules_ = list(CheckinRule.objects.filter(Q(community_id=community_id) | Q(community__isnull=True), is_active=True)
                  .prefetch_related("steps"))
    return next((r for r in rules_ if r.community_id == community_id), None) or next(iter(rules_), None)


def checkin_rule_get(*, rule_id: int | None) -> CheckinRule | None:
    """A rule by id, or the platform's active rule for None."""
    if rule_id is None:
        return CheckinRule.objects.filter(community__isnull=True, is_active=True).first()
    return CheckinRule.objects.filter(pk=rule_id).first()


def rule_table(rule: CheckinRule) -> dict[int, list[RewardView]]:
    """day -> the rewards of that row of the table."""
    table: dict[int, list[RewardView]] = {}
    for step in sorted(rule.steps.all(), key=lambda s: (s.day, s.pk)):
        table.setdefault(step.day, []).append(RewardView(step.kind, step.amount))
    return table


def checkin_count(*, rule: CheckinRule, user_id: int, community_id: int, day: dt.date, streak: int) -> int:
    """The count the rule reads on `day`: the streak, or the check-in days of the week or month so far."""
    window = rules.count_window(rule.mode, day)
    if window is None:
        return streak
    return len(content_selectors.checkin_days(user_id=user_id, community_id=community_id, first=window[0],
                                              last=window[1]))


def checkin_steps(*, rule: CheckinRule, count: int) -> tuple[int, list[RewardView]]:
    """The table's row for a count (after `repeat`) and its rewards (empty: that day pays nothing)."""
    table = rule_table(rule)
    row = rules.table_day(count, max(table, default=0), rule.repeat)
    return row, table.get(row, [])


def checkin_rewards_count() -> int:
    return CheckinReward.objects.count()


@dataclass(frozen=True)
class CheckinStrip:
    """The check-in reward strip on a community's page: little, in a fixed 1–4 queries."""

    mode_label: str
    checked_today: bool
    count: int
    today_reward: CheckinReward | None
    today_rewards: list[RewardView]
    next_day: int | None


def checkin_strip(*, user: Any, community: Any) -> CheckinStrip | None:
    """None when no rule (with a table) applies to the community."""
    steps = list(CheckinRewardStep.objects.filter(Q(rule__community_id=community.pk) | Q(rule__community__isnull=True),
                                                  rule__is_active=True).select_related("rule"))
    if not steps:
        return None
    own = [s for s in steps if s.rule.community_id == community.pk]
    steps = own or steps
    rule = steps[0].rule
    table: dict[int, list[RewardView]] = {}
    for step in sorted(steps, key=lambda s: (s.day, s.pk)):
        table.setdefault(step.day, []).append(RewardView(step.kind, step.amount))
    day = local_today()
    checked, count = False, 0
    if _authed(user):
        last = content_selectors.checkin_last(user_id=user.pk, community_id=community.pk)
        checked = last is not None and last.day == day
        if rule.mode == StreakMode.CONTINUOUS:
            count = last.streak if last is not None and last.day >= day - dt.timedelta(days=1) else 0
        else:
            count = checkin_count(rule=rule, user_id=user.pk, community_id=community.pk, day=day, streak=0)
    counted = count if checked else count + 1
    last_day = max(table)
    row = rules.table_day(counted, last_day, rule.repeat)
    later = [d for d in sorted(table) if d > row]
    reward = checkin_reward_of(user_id=user.pk, community_id=community.pk, day=day) if checked else None
    return CheckinStrip(mode_label=str(StreakMode(rule.mode).label), checked_today=checked, count=count,
                        today_reward=reward, today_rewards=table.get(row, []), next_day=later[0] if later else None)


def checkin_reward_of(*, user_id: int, community_id: int, day: dt.date) -> CheckinReward | None:
    return CheckinReward.objects.filter(user_id=user_id, community_id=community_id, day=day).first()


@dataclass
class CheckinPanel:
    """What the check-in page and panel show one member in one community today."""

    rule: CheckinRule | None
    mode_label: str
    checked_today: bool
    count: int  # what the rule counts now (streak, or days this week / month)
    streak: int
    today_reward: CheckinReward | None
    today_rewards: list[RewardView]  # what checking in today pays (when not checked in yet), or paid
    settle_due: bool  # checked in, today's row pays something, and it is not paid yet (a hook failed)
    table: list[tuple[int, list[RewardView], bool]] = field(default_factory=list)  # (day, rewards, reached)
    next_day: int | None = None  # the next table row with a reward, after today
    next_rewards: list[RewardView] = field(default_factory=list)
    month_days: list[dt.date] = field(default_factory=list)
    weeks: list[list[dt.date | None]] = field(default_factory=list)
    today: dt.date | None = None
    rewards_history: list[CheckinReward] = field(default_factory=list)


def checkin_panel(*, user: Any, community: Any, day: dt.date | None = None) -> CheckinPanel:
    day = day or local_today()
    rule = checkin_rule_for(community_id=community.pk)
    mode_label = str(StreakMode(rule.mode).label) if rule else ""
    authed = _authed(user)
    today_row = content_selectors.checkin_on(user_id=user.pk, community_id=community.pk, day=day) if authed else None
    yesterday = (content_selectors.checkin_on(user_id=user.pk, community_id=community.pk,
                                              day=day - dt.timedelta(days=1)) if authed and today_row is None
                 else None)
    streak = today_row.streak if today_row else (yesterday.streak if yesterday else 0)
    first, last = day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])
    month_days = (content_selectors.checkin_days(user_id=user.pk, community_id=community.pk, first=first, last=last)
                  if authed else [])
    weeks = [[d if d.month == day.month else None for d in week]
             for week in calendar.Calendar(firstweekday=0).monthdatescalendar(day.year, day.month)]
    panel = CheckinPanel(rule=rule, mode_label=mode_label, checked_today=today_row is not None, count=0,
                         streak=streak, today_reward=None, today_rewards=[], settle_due=False,
                         month_days=month_days, weeks=weeks, today=day)
    if authed:
        panel.rewards_history = list(CheckinReward.objects.filter(user=user, community=community).order_by("-day")[:7])
    if rule is None:
        return panel
    # the count as of today: after today's check-in it includes today; before, it is what today would make
    if rule.mode == StreakMode.CONTINUOUS:
        counted = streak if today_row else streak + 1
    else:
        counted = checkin_count(rule=rule, user_id=user.pk, community_id=community.pk, day=day, streak=0) \
            if authed else 0
        counted = counted if today_row else counted + 1
    panel.count = counted if today_row else counted - 1
    table = rule_table(rule)
    last_day = max(table, default=0)
    row = rules.table_day(counted, last_day, rule.repeat)
    panel.today_rewards = table.get(row, [])
    done_row = rules.table_day(panel.count, last_day, rule.repeat) if panel.count else 0
    panel.table = [(d, rw, d <= done_row) for d, rw in sorted(table.items())]
    if today_row is not None:
        panel.today_reward = checkin_reward_of(user_id=user.pk, community_id=community.pk, day=day)
        panel.settle_due = panel.today_reward is None and bool(panel.today_rewards)
    later = [d for d in sorted(table) if d > row]
    if later:
        panel.next_day, panel.next_rewards = later[0], table[later[0]]
    return panel


# --- badges -----------------------------------------------------------------------------------------------------------


def badge_get(*, code: str) -> Badge | None:
    return Badge.objects.filter(code=code, is_active=True).first()


def badges_by_rule(*, rule: str, trigger: str = "") -> list[Badge]:
    qs = Badge.objects.filter(is_active=True, rule=rule)
    if trigger:
        qs = qs.filter(trigger=trigger)
    return list(qs.order_by("threshold", "id"))


def badges_of(*, user_id: int) -> list[BadgeAward]:
    return list(BadgeAward.objects.filter(user_id=user_id, badge__is_active=True).select_related("badge")
                .order_by("badge__position", "badge_id"))


def badge_catalogue() -> list[Badge]:
    return list(Badge.objects.filter(is_active=True).order_by("position", "id"))

