"""The demo's lotteries (issue 9, section 7), made through the lottery services on the demo clock: in the owner's
community one running lottery for its members, drawing in three days (a dozen members already hold numbers, the
demo member can take one), and one finished a few days ago with its seed published, so its page shows the
winners and everything needed to recompute them (/lotteries/<id>/data.json and verify.py)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.db import transaction

from quanzi.loyalty import rewards
from quanzi.loyalty.lotteries import services as lotteries
from quanzi.loyalty.lotteries.services import PrizeSpec
from quanzi.web.demo.clock import clock_at
from quanzi.web.demo.commerce import Shop, _try

if TYPE_CHECKING:
    from quanzi.accounts.models import User
    from quanzi.communities.models import Community
    from quanzi.web.demo.build import DemoWorld


def _prizes(top: str, top_fen: int) -> list[PrizeSpec]:
    prizes = [PrizeSpec(name=top, count=1, kind="goods", value_fen=top_fen)]
    if "points" in rewards.GRANTERS:  # loyalty.points pays points prizes
        prizes += [PrizeSpec(name="888 积分", count=3, kind="points", amount=888),
                   PrizeSpec(name="188 积分", count=10, kind="points", amount=188)]
    else:
        prizes += [PrizeSpec(name="定制帆布袋", count=5, kind="goods", value_fen=3900)]
    return prizes


def _community(world: DemoWorld, owner: User) -> Community | None:
    return next((c for c in world.communities if c.owner_id == owner.pk), None)


def build_loyalty_lotteries(world: DemoWorld, rng: random.Random, named: dict[str, User], shop: Shop,
                            now: dt.datetime, log: Callable[[str], None]) -> None:
    owner, member = named["owner"], named["member"]
    community = _community(world, owner)
    if community is None:
        log("  lotteries: no community of the demo owner, none made")
        return
    people = [u for u in world.members.get(community.pk, []) if u.pk not in (owner.pk, member.pk)]
    with transaction.atomic():
        _finished(world, rng, owner, member, community, people, now)
        _running(world, rng, owner, community, people, now)
    log(f"  lotteries: {world.counts.get('lottery', 0)}, numbers: {world.counts.get('lottery_enter', 0)}, "
        f"drawn: {world.counts.get('lottery_draw', 0)}")


def _finished(world: DemoWorld, rng: random.Random, owner: User, member: User, community: Community,
              people: list[User], now: dt.datetime) -> None:
    created = now - dt.timedelta(days=12)
    closes = now - dt.timedelta(days=4)
    with clock_at(created):
        lot = _try(world, "lottery", lotteries.lottery_create, actor=owner, title="开学季锦鲤抽奖",
                   eligibility="members", opens_at=created, closes_at=closes, draw_at=closes + dt.timedelta(hours=2),
                   prizes=_prizes("儿童安全座椅", 129_900), community_id=community.pk, campaign="开学季社群活动",
                   rules_text="实物奖品开奖后 7 天内由群主私信联系寄送。")
    if lot is None:
        return
    entrants = rng.sample(people, k=min(len(people), 24)) + [member]
    for i, user in enumerate(entrants):
        with clock_at(created + dt.timedelta(hours=2 + i * 7)):
            _try(world, "lottery_enter", lotteries.lottery_enter, user=user, lottery_id=lot.pk)
    with clock_at(lot.draw_at + dt.timedelta(minutes=1)):  # the job's sweep at the draw time
        _try(world, "lottery_draw", lotteries.lottery_draw, lottery_id=lot.pk)


def _running(world: DemoWorld, rng: random.Random, owner: User, community: Community, people: list[User],
             now: dt.datetime) -> None:
    created = now - dt.timedelta(days=2)
    closes = now + dt.timedelta(days=3)
    with clock_at(created):
        lot = _try(world, "lottery", lotteries.lottery_create, actor=owner, title="三周年庆抽奖：戴森吹风机",
                   eligibility="members", opens_at=created, closes_at=closes, draw_at=closes + dt.timedelta(hours=1),
                   prizes=_prizes("戴森吹风机", 299_900), community_id=community.pk, campaign="社群三周年",
                   rules_text="群成员每人一个号码，免费参加；开奖后公布随机种子，任何人可验证。")
    if lot is None:
        return
    for i, user in enumerate(rng.sample(people, k=min(len(people), 12))):
        with clock_at(created + dt.timedelta(hours=1 + i * 3)):
            _try(world, "lottery_enter", lotteries.lottery_enter, user=user, lottery_id=lot.pk)
