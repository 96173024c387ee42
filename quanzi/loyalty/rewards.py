"""Rewards: what a task, a check-in streak, a lottery prize or an invitation pays out, whatever pays it.

A reward is a kind and an amount (`Reward("points", 50)`, `Reward("coupon", template_id)`, `Reward("growth", 20)`).
Each kind is granted by the app that owns it, registered here in its `AppConfig.ready()`:

- `points` (loyalty.points): `amount` points into the member's points ledger;
- `growth` (loyalty.membership): `amount` growth value towards the member's level;
- `coupon` (growth.coupons, registered below since growth sits under loyalty): one coupon of template `amount`.

`reward_grant(user_id, reward, key, reason)` pays one reward exactly once per `key`: every granter keys its own
ledger row by it (a unique constraint), so a retry, a double click or twenty concurrent requests pay once. The
caller picks a key that names the business fact (`task:first_post:42`, `checkin:7:42:2026-11-30`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Reward:
    kind: str
    amount: int  # points, growth value, or the coupon template id


# kind -> grant(user_id=, amount=, key=, reason=) -> None; idempotent by key
Granter = Callable[..., None]
GRANTERS: dict[str, Granter] = {}
LABELS: dict[str, object] = {"points": _("积分"), "growth": _("成长值"), "coupon": _("优惠券")}


def register(kind: str, granter: Granter) -> None:
    GRANTERS[kind] = granter


def reward_grant(*, user_id: int, reward: Reward, key: str, reason: str) -> None:
    """Pay `reward` to the member once per `key`. Raises KeyError for a kind no installed app grants."""
    if reward.amount <= 0:
        return
    GRANTERS[reward.kind](user_id=user_id, amount=reward.amount, key=key, reason=reason)


def _grant_coupon(*, user_id: int, amount: int, key: str, reason: str) -> None:
    from quanzi.growth.coupons.services import coupon_grant_reward

    coupon_grant_reward(user_id=user_id, template_id=amount, grant_ref=key[:64])


register("coupon", _grant_coupon)
