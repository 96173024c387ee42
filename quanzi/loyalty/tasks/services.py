"""Tasks, check-in rewards and badges: every write.

- `task_progress(user_id, trigger, key)`: another app (or our own hooks) reports a fact; it is recorded once per
  (member, trigger, key), so a retried hook, a double click or the same order paid twice counts once. A task whose
  progress reaches its target tells the member (a TASK notification) that the reward is ready.
- `task_claim(user, task_id)`: the member claims a completed task's reward (claiming, not auto-granting: the task
  centre is where members come back to, and a reward that cannot be paid now — a coupon that ran out — is refused
  with its reason and can be claimed again later). The `TaskClaim` row is unique per (task, member, period), so
  twenty concurrent claims pay once; the reward goes through `loyalty.rewards` keyed by that row.
- `checkin_reward_grant(user_id, community_id, day)`: the check-in reward of one member in one community on one
  day, paid automatically after the check-in commits (content's fact hook) and again on request when that failed;
  the `CheckinReward` row is unique per (member, community, day).
- `badge_award(user_id, code, key)`: once per (member, badge), by the rules in `badges_check_*` or an operator.

Bad input changes nothing: every refusal is raised before a row is written, or rolls the transaction back."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from quanzi.accounts.enums import NotificationKind
from quanzi.accounts.services import notification_create
from quanzi.communities.selectors import community_by_id
from quanzi.content import selectors as content_selectors
from quanzi.core.errors import Conflict, NotAuthenticated
from quanzi.core.events import track
from quanzi.core.messages import msg
from quanzi.core.timeutil import local_today
from quanzi.loyalty.rewards import GRANTERS, LABELS, Reward, reward_grant
from quanzi.loyalty.tasks import errors, rules, selectors
from quanzi.loyalty.tasks.enums import BadgeRule, Trigger
from quanzi.loyalty.tasks.errors import ErrorCode
from quanzi.loyalty.tasks.models import (
    BadgeAward,
    CheckinReward,
    CheckinRewardStep,
    Task,
    TaskClaim,
    TaskFact,
)
from quanzi.loyalty.tasks.selectors import RewardView

KEY_MAX = 80


def _authed(user: Any) -> None:
    if user is None or not getattr(user, "is_authenticated", False):
        raise NotAuthenticated(ErrorCode.NOT_AUTHENTICATED, _("请先登录"))


def _grant_all(*, user_id: int, rewards: list[RewardView], key: str, reason: str) -> None:
    """Pay each reward once, keyed `<key>:<i>`. A kind no installed app grants, or a granter's refusal (a coupon
    that ran out), raises: the caller's transaction rolls back and nothing is paid."""
    for i, r in enumerate(rewards):
        if r.kind not in GRANTERS:
            raise errors.reward_unavailable(str(LABELS.get(r.kind, r.kind)))
        reward_grant(user_id=user_id, reward=Reward(r.kind, r.amount), key=f"{key}:{i}", reason=reason)


# --- task progress and claims -----------------------------------------------------------------------------------------


@transaction.atomic
def task_progress(*, user_id: int, trigger: str, key: str, day: dt.date | None = None) -> None:
    """Record that the member did `trigger` (the business fact named by `key`, e.g. `invite:42`), once. `day` is
    the Asia/Shanghai day it happened (default today: a hook running just after midnight passes the fact's own
    day). Tells the member about each task this fact completes, and awards the badges that count this trigger."""
    if trigger not in Trigger.values:
        raise errors.invalid_trigger(str(trigger))
    key = str(key or "").strip()
    if not 1 <= len(key) <= KEY_MAX:
        raise errors.invalid_fact_key()
    day = day or local_today()
    try:
        with transaction.atomic():
            fact = TaskFact.objects.create(user_id=user_id, trigger=trigger, key=key, day=day)
    except IntegrityError:
        return  # this fact was counted already
    track("task.progress", obj=fact, member_id=user_id, trigger=trigger)
    # only a task of the current period can still be claimed: a fact of an earlier day tells nobody
    tasks = Task.objects.filter(is_active=True, trigger=trigger).order_by("pk") if day == local_today() else []
    for task in tasks:
        if selectors.task_progress_count(user_id=user_id, task=task, day=day) == task.target:
            notification_create(recipient=user_id, kind=NotificationKind.TASK,
                                message=msg("notify.task_completed", t=task.title), url="/tasks/")
    badges_check_count(user_id=user_id, trigger=trigger, key=key)


@transaction.atomic
def task_claim(*, user: Any, task_id: int) -> TaskClaim:
    """Pay a completed task's rewards for the current period, once: a second claim (or a concurrent one) is
    refused with `task_already_claimed`, an unfinished task with `task_not_complete`."""
    _authed(user)
    task = selectors.task_get(task_id=task_id)
    if task is None:
        raise errors.task_not_found()
    day = local_today()
    period_key = rules.period_key(task.period, day)
    if TaskClaim.objects.filter(task=task, user=user, period_key=period_key).exists():
        raise errors.task_already_claimed()
    progress = selectors.task_progress_count(user_id=user.pk, task=task, day=day)
    if progress < task.target:
        raise errors.task_not_complete(progress, task.target)
    rewards = selectors.task_rewards(task)
    try:
        with transaction.atomic():
            claim = TaskClaim.objects.create(task=task, user=user, period_key=period_key, progress=progress,
                                             rewards=[[r.kind, r.amount] for r in rewards])
    except IntegrityError as exc:  # a concurrent claim of the same period committed first
        raise errors.task_already_claimed() from exc
    # the reason a ledger shows is the task's title, as the operator wrote it
    _grant_all(user_id=user.pk, rewards=rewards, key=f"task:{task.pk}:{user.pk}:{period_key}", reason=task.title)
    track("task.claim", user=user, obj=claim, task_id=task.pk, code=task.code, period_key=period_key,
          rewards=len(rewards))
    return claim


# --- check-in rewards -------------------------------------------------------------------------------------------------


@transaction.atomic
def checkin_reward_grant(*, user_id: int, community_id: int, day: dt.date | None = None) -> CheckinReward:
    """Pay the check-in reward of `day` (default today) in a community: the rule's table row for the member's count
    (streak, or days this week / month). Once per (member, community, day): a second call is refused with
    `checkin_already_rewarded`; a day without a check-in with `not_checked_in`; a row with no reward with
    `no_checkin_reward`."""
    day = day or local_today()
    if community_by_id(community_id=community_id) is None:
        raise errors.community_not_found()
    checkin = content_selectors.checkin_on(user_id=user_id, community_id=community_id, day=day)
    if checkin is None:
        raise errors.not_checked_in()
    if CheckinReward.objects.filter(user_id=user_id, community_id=community_id, day=day).exists():
        raise errors.checkin_already_rewarded()
    rule = selectors.checkin_rule_for(community_id=community_id)
    count = 0
    if rule is not None:
        count = selectors.checkin_count(rule=rule, user_id=user_id, community_id=community_id, day=day,
                                        streak=checkin.streak)
    if rule is None:
        raise errors.no_checkin_reward(count)
    row, rewards = selectors.checkin_steps(rule=rule, count=count)
    if not rewards:
        raise errors.no_checkin_reward(count)
    try:
        with transaction.atomic():
            paid = CheckinReward.objects.create(user_id=user_id, community_id=community_id, day=day, rule=rule,
                                                mode=rule.mode, count=count,
                                                rewards=[[r.kind, r.amount] for r in rewards])
    except IntegrityError as exc:  # a concurrent grant of the same day committed first
        raise errors.checkin_already_rewarded() from exc
    _grant_all(user_id=user_id, rewards=rewards, key=f"checkin:{community_id}:{user_id}:{day.isoformat()}",
               reason=f"{rule.title} #{count}")
    notification_create(recipient=user_id, kind=NotificationKind.TASK,
                        message=msg("notify.checkin_reward", n=str(count)), url=f"/tasks/checkin/{community_id}/")
    track("checkin.reward", obj=paid, community_id=community_id, member_id=user_id, count=count, row=row,
          mode=rule.mode, rewards=len(rewards))
    return paid


@transaction.atomic
def checkin_step_set(*, rule_id: int | None, day: int, kind: str, amount: int) -> None:
    """Set one row of a reward table (the platform's rule when `rule_id` is None): `amount` of `kind` on the
    `day`-th counted check-in. Operators do this in the back office; the demo through here."""
    rule = selectors.checkin_rule_get(rule_id=rule_id)
    if rule is None or day < 1 or amount < 1 or kind not in GRANTERS:
        raise errors.reward_unavailable(str(LABELS.get(kind, kind)))
    CheckinRewardStep.objects.update_or_create(rule=rule, day=day, kind=kind, defaults={"amount": amount})


def on_checked_in(*, user_id: int, community_id: int, day: dt.date, streak: int) -> CheckinReward | None:
    """After a check-in commits: the daily check-in fact (once per day, whatever the community), the streak
    badges, and the day's reward (None when this day pays nothing or was paid). The hook runs seconds after the
    commit, so its day is today (or yesterday, just past midnight); a check-in of an older day is history being
    imported or replayed, and pays nothing."""
    if day < local_today() - dt.timedelta(days=1):
        return None
    task_progress(user_id=user_id, trigger=Trigger.CHECKIN, key=f"checkin:{day.isoformat()}", day=day)
    badges_check_streak(user_id=user_id, streak=streak, key=f"streak:{community_id}:{day.isoformat()}")
    try:
        return checkin_reward_grant(user_id=user_id, community_id=community_id, day=day)
    except Conflict as exc:
        if exc.code in (ErrorCode.NO_CHECKIN_REWARD, ErrorCode.CHECKIN_ALREADY_REWARDED):
            return None
        raise


# --- badges -----------------------------------------------------------------------------------------------------------


@transaction.atomic
def badge_award(*, user_id: int, code: str, key: str) -> BadgeAward | None:
    """Give a member a badge, once: None when they hold it already. `key` names what earned it."""
    badge = selectors.badge_get(code=code)
    if badge is None:
        raise errors.badge_not_found(code)
    key = str(key or "").strip()[:KEY_MAX] or "manual"
    try:
        with transaction.atomic():
            award = BadgeAward.objects.create(user_id=user_id, badge=badge, key=key)
    except IntegrityError:
        return None
    notification_create(recipient=user_id, kind=NotificationKind.TASK,
                        message=msg("notify.badge_awarded", b=f"{badge.icon} {badge.name}"), url=f"/u/{user_id}/")
    track("badge.award", obj=award, member_id=user_id, code=badge.code)
    return award


def badges_check_count(*, user_id: int, trigger: str, key: str) -> list[BadgeAward]:
    """Award the badges whose count of `trigger` facts the member has reached."""
    badges = selectors.badges_by_rule(rule=BadgeRule.FACT_COUNT, trigger=trigger)
    if not badges:
        return []
    n = selectors.fact_count(user_id=user_id, trigger=trigger)
    return [a for b in badges if n >= b.threshold
            for a in [badge_award(user_id=user_id, code=b.code, key=key)] if a is not None]


def badges_check_streak(*, user_id: int, streak: int, key: str) -> list[BadgeAward]:
    """Award the check-in streak badges (7, 30, 100 days ...) the member's streak has reached."""
    return [a for b in selectors.badges_by_rule(rule=BadgeRule.CHECKIN_STREAK) if streak >= b.threshold
            for a in [badge_award(user_id=user_id, code=b.code, key=key)] if a is not None]
