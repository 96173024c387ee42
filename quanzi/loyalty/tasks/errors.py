from enum import StrEnum

from django.utils.translation import gettext as _

from quanzi.core.errors import Conflict, InvalidInput, NotFound


class ErrorCode(StrEnum):
    """Every error code the task, check-in reward and badge app raises; quanzi/core/tests/test_error_codes.py keeps
    this list complete."""

    BADGE_NOT_FOUND = "badge_not_found"
    CHECKIN_ALREADY_REWARDED = "checkin_already_rewarded"
    COMMUNITY_NOT_FOUND = "community_not_found"
    INVALID_FACT_KEY = "invalid_fact_key"
    INVALID_TRIGGER = "invalid_trigger"
    NOT_AUTHENTICATED = "not_authenticated"
    NOT_CHECKED_IN = "not_checked_in"
    NO_CHECKIN_REWARD = "no_checkin_reward"
    REWARD_UNAVAILABLE = "reward_unavailable"
    TASK_ALREADY_CLAIMED = "task_already_claimed"
    TASK_NOT_COMPLETE = "task_not_complete"
    TASK_NOT_FOUND = "task_not_found"


def task_not_found() -> NotFound:
    return NotFound(ErrorCode.TASK_NOT_FOUND, _("任务不存在或已下线"))


def badge_not_found(code: str) -> NotFound:
    return NotFound(ErrorCode.BADGE_NOT_FOUND, _("徽章「%(code)s」不存在或已停用") % {"code": code})


def community_not_found() -> NotFound:
    return NotFound(ErrorCode.COMMUNITY_NOT_FOUND, _("社群不存在"))


def invalid_trigger(trigger: str) -> InvalidInput:
    return InvalidInput(ErrorCode.INVALID_TRIGGER, _("未知的任务触发类型：%(t)s") % {"t": trigger[:40]})


def invalid_fact_key() -> InvalidInput:
    return InvalidInput(ErrorCode.INVALID_FACT_KEY, _("记录键须为 1–80 个字符"))


def task_not_complete(progress: int, target: int) -> Conflict:
    return Conflict(ErrorCode.TASK_NOT_COMPLETE,
                    _("任务还没完成（%(p)s/%(t)s），完成后再来领取") % {"p": progress, "t": target})


def task_already_claimed() -> Conflict:
    return Conflict(ErrorCode.TASK_ALREADY_CLAIMED, _("这个任务的奖励已经领过了"))


def not_checked_in() -> Conflict:
    return Conflict(ErrorCode.NOT_CHECKED_IN, _("今天还没有在这个社群打卡"))


def checkin_already_rewarded() -> Conflict:
    return Conflict(ErrorCode.CHECKIN_ALREADY_REWARDED, _("今天的打卡奖励已经发过了"))


def no_checkin_reward(count: int) -> Conflict:
    return Conflict(ErrorCode.NO_CHECKIN_REWARD, _("第 %(n)s 天没有打卡奖励") % {"n": count})


def reward_unavailable(kind: str) -> Conflict:
    return Conflict(ErrorCode.REWARD_UNAVAILABLE, _("奖励「%(k)s」暂时无法发放，请稍后再试") % {"k": kind})
