"""The demo's paid content (知识付费, issue 13): the KOL 跑者阿杰 publishes in 跑步 a paid post (a free preview
above the marker line), a course of five lessons (the first two free to try) and a column sold monthly or yearly
with three articles; the demo member 小红 and a few members buy them through the normal order and sandbox payment
(小红 subscribes to the column for a month and renews it: the second month starts when the first ends; she has
read two lessons), and one buyer's course is refunded, which takes their access away. Everything through the
paid content and payment services on the demo clock, before the statements, so the KOL's statement has the sales
and the refund."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.db import transaction

from quanzi.orders import services as orders
from quanzi.paidcontent import selectors as paid_selectors
from quanzi.paidcontent import services as paid
from quanzi.paidcontent.enums import ItemKind, Period
from quanzi.payments import services as payments
from quanzi.web.demo.clock import clock_at
from quanzi.web.demo.commerce import _try

if TYPE_CHECKING:
    from quanzi.accounts.models import User
    from quanzi.web.demo.build import DemoWorld

POST_TEXT = """跑了五年马拉松，今天把我最常被问的「怎么从 5 公里跑到半马」整理出来。先说结论：别急着加量，先把轻松跑跑对。
---付费---
第 1–4 周：每周 3 次轻松跑，心率控制在最大心率的 70% 以内，每次 30–40 分钟。
第 5–8 周：加入每周 1 次间歇（400 米 × 6，组间慢跑 200 米），长距离每周加 1.5 公里。
第 9–12 周：长距离到 18 公里，比赛前一周减量 40%。
补给：10 公里以上每 5 公里喝几口水，15 公里吃一支能量胶。"""

LESSONS = [
    ("为什么你总是跑不远：有氧基础", "多数新手的问题不是腿，而是心肺：配速太快，心率一直在无氧区……", "", True),
    ("跑姿三要点", "步频 170–180、落地在身体正下方、上身微微前倾。", "https://video.example.com/run/2.mp4", True),
    ("轻松跑与心率区间", "用 220 − 年龄估算最大心率，轻松跑在 60%–70%。", "https://video.example.com/run/3.mp4", False),
    ("间歇跑怎么安排", "400 米间歇的配速比 5 公里比赛配速快 5–10 秒。", "", False),
    ("赛前一周与比赛日", "赛前一周减量 40%，比赛日前 3 公里一定要慢。", "https://video.example.com/run/5.mp4", False),
]

ARTICLES = [
    ("第 1 期：冬天跑步怎么穿", "三层穿法：速干内层、保暖中层、防风外层。"),
    ("第 2 期：跑后拉伸 8 个动作", "每个动作 30 秒，重点是小腿和髂胫束。"),
    ("第 3 期：一双跑鞋能跑多久", "一般 600–800 公里，鞋底中段起皱就该换了。"),
]


def build_paidcontent(world: DemoWorld, rng: random.Random, named: dict[str, User], now: dt.datetime,
                      log: Callable[[str], None]) -> None:
    run = next((c for c in world.communities if c.slug == "run-fit"), None)
    kol = named.get("kol")
    if run is None or kol is None:
        return
    items = _publish(world, run, kol, now)
    if items is None:
        return
    post, course, column = items
    member = named["member"]
    buyers = [u for u in world.members.get(run.pk, []) if u.pk not in (kol.pk, member.pk)]
    buyers = rng.sample(buyers, k=min(4, len(buyers)))
    _buy(world, member, ItemKind.POST, post.post_id, now - dt.timedelta(days=6))
    _buy(world, member, ItemKind.COURSE, course.pk, now - dt.timedelta(days=5))
    _buy(world, member, ItemKind.COLUMN, column.pk, now - dt.timedelta(days=20), Period.MONTH)
    _buy(world, member, ItemKind.COLUMN, column.pk, now - dt.timedelta(days=1), Period.MONTH)  # a renewal
    lessons = paid_selectors.lessons_of(course=course)
    with clock_at(now - dt.timedelta(days=4)):
        for lesson in lessons[:3]:
            _try(world, "paid_lesson_read", paid.lesson_read, user=member, lesson=lesson)
    refunded = None
    for i, buyer in enumerate(buyers):
        _buy(world, buyer, ItemKind.POST, post.post_id, now - dt.timedelta(days=4 - i % 3, hours=i))
        order = _buy(world, buyer, ItemKind.COURSE, course.pk, now - dt.timedelta(days=3, hours=i))
        if i == 0 and order is not None:
            refunded = (buyer, order)
        elif i % 2:
            _buy(world, buyer, ItemKind.COLUMN, column.pk, now - dt.timedelta(days=2, hours=i), Period.YEAR)
    if refunded is not None:
        _refund(world, refunded[1], now - dt.timedelta(days=1))
    log(f"  paid content: {world.counts.get('paid_bought', 0)} purchases paid, "
        f"{world.counts.get('paid_refunded', 0)} refunded")


def _publish(world: DemoWorld, run: Any, kol: User, now: dt.datetime) -> tuple[Any, Any, Any] | None:
    with transaction.atomic(), clock_at(now - dt.timedelta(days=8)):
        post = _try(world, "paid_post", paid.paid_post_create, author=kol, community_id=run.pk,
                    title="从 5 公里到半马：我的 12 周训练表", text=POST_TEXT, price_fen=990)
        course = _try(world, "paid_course", paid.course_create, author=kol, community_id=run.pk,
                      title="零基础跑步入门课", summary="五节课：从有氧基础到比赛日，适合刚开始跑步的你。",
                      price_fen=4900)
        column = _try(world, "paid_column", paid.column_create, author=kol, community_id=run.pk,
                      title="阿杰的跑步周刊", summary="每周一期：装备、训练、拉伸和比赛。",
                      month_price_fen=1200, year_price_fen=9900)
        if post is None or course is None or column is None:
            return None
        for title, body, video, trial in LESSONS:
            _try(world, "paid_lesson", paid.lesson_add, author=kol, course_id=course.pk, title=title, body=body,
                 video_url=video, is_trial=trial)
    for i, (title, body) in enumerate(ARTICLES):
        with clock_at(now - dt.timedelta(days=21 - 7 * i)):
            _try(world, "paid_article", paid.article_add, author=kol, column_id=column.pk, title=title, body=body)
    return post, course, column


def _buy(world: DemoWorld, user: User, kind: str, item_id: int, when: dt.datetime, period: str = "") -> Any:
    with transaction.atomic(), clock_at(when):
        checkout = _try(world, "paid_order", paid.buy, user=user, kind=kind, item_id=item_id,
                        idempotency_key=uuid.uuid4().hex, period=period)
        if checkout is None:
            return None
        order = checkout.orders.get()
        payments.sandbox_pay_now(user=user, order_id=order.pk)
    with clock_at(when):  # the paid moment's hooks (access opens) at the demo clock, as after commit
        orders.moments_dispatch_due(older_than_seconds=0, order_id=order.pk)
    world.counts["paid_bought"] = world.counts.get("paid_bought", 0) + 1
    return order


def _refund(world: DemoWorld, order: Any, when: dt.datetime) -> None:
    line = order.lines.get()
    with transaction.atomic(), clock_at(when):
        payments.refund_create(order_id=order.pk, amount_fen=line.payable_fen, refund_no=f"PC-{order.pk}",
                               lines={line.pk: line.payable_fen}, reason="买错了课程")
    with clock_at(when):
        orders.moments_dispatch_due(older_than_seconds=0, order_id=order.pk)
    world.counts["paid_refunded"] = world.counts.get("paid_refunded", 0) + 1
