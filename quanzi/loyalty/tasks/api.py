"""/api/v1/loyalty/tasks: the task centre (my tasks by section, claim a reward), check-in rewards (the panel of a
community, settle today's reward) and badges. Thin: parse, call one service or selector, return a schema."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from quanzi.api_auth import current_user, optional, required
from quanzi.communities.selectors import community_by_id
from quanzi.loyalty.tasks import errors, selectors, services
from quanzi.loyalty.tasks.models import CheckinReward
from quanzi.loyalty.tasks.schemas import BadgeOut, CheckinPanelOut, CheckinRewardOut, ClaimOut, TaskOut
from quanzi.loyalty.tasks.selectors import RewardView

router = Router(tags=["tasks 任务中心"], auth=required)


def _rewards(items: list[RewardView] | list[list[Any]]) -> list[dict[str, Any]]:
    views = [r if isinstance(r, RewardView) else RewardView(str(r[0]), int(r[1])) for r in items]
    return [{"kind": r.kind, "amount": r.amount, "label": r.label} for r in views]


def _checkin_reward(row: CheckinReward) -> dict[str, Any]:
    return {"community_id": row.community_id, "day": row.day, "count": row.count, "mode": row.mode,
            "rewards": _rewards(row.rewards), "created_at": row.created_at}


@router.get("", response=list[TaskOut])
def task_list(request: HttpRequest) -> list[dict[str, Any]]:
    board = selectors.task_board(user=current_user(request))
    return [{"id": v.task.pk, "code": v.task.code, "title": v.task.title, "description": v.task.description,
             "section": v.task.section, "trigger": v.task.trigger, "period": v.task.period,
             "period_key": v.period_key, "target": v.task.target, "progress": v.progress, "state": v.state,
             "link": v.task.link, "rewards": _rewards(v.rewards)}
            for views in board.values() for v in views]


@router.post("/{task_id}/claim", response={201: ClaimOut})
def task_claim(request: HttpRequest, task_id: int) -> Status:
    claim = services.task_claim(user=current_user(request), task_id=task_id)
    return Status(201, {"id": claim.pk, "task_id": claim.task_id, "period_key": claim.period_key,
                        "progress": claim.progress, "rewards": _rewards(claim.rewards),
                        "created_at": claim.created_at})


@router.get("/checkin/{community_id}", response=CheckinPanelOut,
            openapi_extra={"x-access": "member"})  # the caller's own check-in panel (api_contract.Access)
def checkin_panel(request: HttpRequest, community_id: int) -> dict[str, Any]:
    community = community_by_id(community_id=community_id)
    if community is None:
        raise errors.community_not_found()
    p = selectors.checkin_panel(user=current_user(request), community=community)
    return {"community_id": community.pk, "has_rule": p.rule is not None, "mode": p.rule.mode if p.rule else "",
            "repeat": bool(p.rule and p.rule.repeat), "checked_today": p.checked_today, "count": p.count,
            "streak": p.streak, "today_rewards": _rewards(p.today_rewards),
            "today_reward": _checkin_reward(p.today_reward) if p.today_reward else None,
            "settle_due": p.settle_due, "month_days": p.month_days,
            "table": [{"day": d, "rewards": _rewards(rw), "reached": reached} for d, rw, reached in p.table]}


@router.post("/checkin/{community_id}/reward", response={201: CheckinRewardOut})
def checkin_reward(request: HttpRequest, community_id: int) -> Status:
    """Pay today's check-in reward if it was not paid when the member checked in (it normally is, at once)."""
    row = services.checkin_reward_grant(user_id=current_user(request).pk, community_id=community_id)
    return Status(201, _checkin_reward(row))


@router.get("/badges/{user_id}", response=list[BadgeOut], auth=optional)
def badges(request: HttpRequest, user_id: int) -> list[dict[str, Any]]:
    return [{"code": a.badge.code, "name": a.badge.name, "icon": a.badge.icon, "description": a.badge.description,
             "awarded_at": a.created_at} for a in selectors.badges_of(user_id=user_id)]
