"""Demo data, made by calling the real services (never raw inserts), so every invariant holds.

Communities across verticals, 300 members who follow each other, 600+ posts of every kind with comments,
likes, shares and accepted answers, check-ins over the last 30 days, an open poll, an upcoming event, a
scheduled post, a held post and a little moderation. The clock is moved back so the history looks lived-in.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from unittest import mock

from django.conf import settings
from django.db import connections, transaction
from django.test import override_settings
from django.utils import timezone

from quanzi.accounts import services as accounts
from quanzi.communities import services as communities
from quanzi.content import services as content
from quanzi.core.errors import DomainError
from quanzi.web.demo import corpus
from quanzi.web.demo.ads import build_ads
from quanzi.web.demo.chat import build_chat
from quanzi.web.demo.clock import clock_at
from quanzi.web.demo.commerce import build_commerce, build_statements
from quanzi.web.demo.growth import build_growth
from quanzi.web.demo.images import picture
from quanzi.web.demo.kolmarket import build_kolmarket
from quanzi.web.demo.live import build_live
from quanzi.web.demo.loyalty_lotteries import build_loyalty_lotteries
from quanzi.web.demo.loyalty_membership import build_loyalty_membership
from quanzi.web.demo.loyalty_points import build_loyalty_points
from quanzi.web.demo.loyalty_tasks import build_loyalty_tasks
from quanzi.web.demo.malls import build_malls
from quanzi.web.demo.paidcontent import build_paidcontent
from quanzi.web.demo.product_gallery import build_product_gallery
from quanzi.web.demo.recommend import build_recommend
from quanzi.web.demo.referrals_distribution import build_referrals_distribution
from quanzi.web.demo.referrals_invites import build_referrals_invites
from quanzi.web.demo.speed import no_live_pushes

if TYPE_CHECKING:
    from quanzi.accounts.models import User
    from quanzi.communities.models import Community
    from quanzi.content.models import Post

DEMO_PASSWORD = "demo1234"
# Argon2 with tiny parameters (standard `argon2$` hashes: the production hasher verifies them and upgrades them at
# the first login). Bulk members always get it; the named logins too when the demo is built for development.
CHEAP_HASHER = "quanzi.accounts.hashers.CheapArgon2PasswordHasher"


@dataclass
class DemoLogin:
    role: str
    login: str
    nickname: str


@dataclass
class DemoWorld:
    logins: list[DemoLogin] = field(default_factory=list)
    users: list[User] = field(default_factory=list)
    communities: list[Community] = field(default_factory=list)
    members: dict[int, list[User]] = field(default_factory=dict)
    posts: list[Post] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def _try(world: DemoWorld, key: str, fn: Callable[..., Any], /, **kwargs: Any) -> Any:
    """Demo actions are random; a refusal by a business rule (already voted, event full...) is simply skipped."""
    try:
        result = fn(**kwargs)
    except DomainError:
        world.counts[f"refused:{key}"] = world.counts.get(f"refused:{key}", 0) + 1
        return None
    world.counts[key] = world.counts.get(key, 0) + 1
    return result


def _named_users(world: DemoWorld) -> dict[str, User]:
    spec = [
        ("operator", "13800000000", "平台运营小周"),
        ("member", "13800000001", "小红"),
        ("owner", "13800000002", "林姐"),
        ("kol", "13800000003", "跑者阿杰"),
        ("merchant", "13800000004", "优选好物"),
    ]
    named = {}
    dev = bool(settings.DEBUG or getattr(settings, "TESTING", False))
    with override_settings(PASSWORD_HASHERS=[CHEAP_HASHER]) if dev else nullcontext():
        for role, phone, nick in spec:
            user = accounts.user_signup(phone=phone, password=DEMO_PASSWORD, nickname=nick)
            named[role] = user
            world.logins.append(DemoLogin(role, phone, nick))
    # The operator is staff of the back office; there is no self-service path to that, as with createsuperuser.
    accounts.operator_grant(user_id=named["operator"].pk)
    named["operator"].refresh_from_db()
    return named


class Progress:
    """The builders' log, one line per section, each followed by the seconds since the previous line (the time
    that section took), so a newcomer watching `make demo` sees it move and a slow section shows up."""

    def __init__(self, out: Callable[[str], None]) -> None:
        self.out = out
        self.last = time.monotonic()

    def __call__(self, line: str) -> None:
        now = time.monotonic()
        self.out(f"{line}  [{now - self.last:.1f}s]")
        self.last = now


@contextmanager
def _sql_not_kept() -> Iterator[None]:
    """With DEBUG on, Django formats every SQL statement and keeps it in `connection.queries`; the demo runs some
    320,000 of them, about 5 % of the build (profiled). Keeping them only when a test asks for it
    (`force_debug_cursor`, e.g. assertNumQueries) changes nothing else."""
    wrapper = type(connections["default"])
    with mock.patch.object(wrapper, "queries_logged", new=property(lambda self: self.force_debug_cursor)):
        yield


def build(*, seed: int = 20261125, members: int = 300, posts: int = 620, orders: int = 460,
          log: Callable[[str], None] = print) -> DemoWorld:
    with _sql_not_kept(), no_live_pushes():  # no page can be open yet: pushes would reach nobody
        return _build(seed=seed, members=members, posts=posts, orders=orders, log=Progress(log))


def _build(*, seed: int, members: int, posts: int, orders: int, log: Callable[[str], None]) -> DemoWorld:
    rng = random.Random(seed)
    world = DemoWorld()
    now = timezone.now()
    start = now - dt.timedelta(days=35)

    with transaction.atomic(), clock_at(start):
        named = _named_users(world)
        # Bulk members never log in; hashing them with production-strength argon2 would cost a minute.
        with override_settings(PASSWORD_HASHERS=[CHEAP_HASHER]):
            fillers = [
                accounts.user_signup(phone=f"1390000{i:04d}", password=DEMO_PASSWORD,
                                     nickname=f"{rng.choice(corpus.NICK_A)}{rng.choice(corpus.NICK_B)}{i}")
                for i in range(max(0, members - 4))
            ]
        people = [named["member"], named["owner"], named["kol"], named["merchant"], *fillers]
        world.users = people
        for user in people:
            for other in rng.sample(people, k=rng.randint(3, 10)):
                if other.pk != user.pk:
                    _try(world, "follow", accounts.follow, follower=user, followee_id=other.pk)
        for user in rng.sample(fillers, k=min(60, len(fillers))):
            _try(world, "persona", accounts.persona_set, user=user, field="region",
                 value=rng.choice(["上海", "北京", "杭州", "深圳", "成都"]), consent=True)
    log(f"  users: {len(people) + 1}, follows: {world.counts.get('follow', 0)}")

    with transaction.atomic():
        _communities(world, rng, named, fillers, start)
    log(f"  communities: {len(world.communities)}")
    with transaction.atomic():
        _posts_and_interactions(world, rng, named, now, posts)
    log(f"  posts: {len(world.posts)}, comments: {world.counts.get('comment', 0)}, "
        f"likes: {world.counts.get('like', 0)}")
    with transaction.atomic():
        _checkins(world, rng, now)
    log(f"  check-ins: {world.counts.get('checkin', 0)}")
    with transaction.atomic():
        _specials(world, rng, named, now)
    shop = build_commerce(world, rng, named, now, log, orders_total=orders)
    build_product_gallery(shop, log)  # galleries and SKU pictures for the product page (#14)
    build_growth(world, rng, named, shop, now, log)
    # loyalty and referrals (#9): levels first (member prices), then points, tasks and lotteries that pay in them,
    # then invitations and the commissions that follow them
    for builder in (build_loyalty_membership, build_loyalty_points, build_loyalty_tasks, build_loyalty_lotteries,
                    build_referrals_invites, build_referrals_distribution):
        builder(world, rng, named, shop, now, log)
    build_ads(world, rng, named, shop, now, log)  # before the statements: its credited orders are sales too
    build_live(world, rng, named, shop, now, log)  # live selling: its credited orders are sales too
    build_chat(world, rng, named, shop, now, log)  # 私信 and customer service about an order
    build_malls(world, rng, named, shop, now, log)  # 商场社群: a mall, its tenants, partner, calendar, offers
    build_paidcontent(world, rng, named, now, log)  # 知识付费: before the statements (the author's sales)
    build_kolmarket(world, rng, named, shop, now, log)  # 达人广场: its deal's credited orders are sales too
    build_statements(now, log)  # last: it covers every order the parts above paid
    build_recommend(world, rng, named, log)  # after everything that leaves events and orders: trains once
    return world


def _communities(world: DemoWorld, rng: random.Random, named: dict[str, User], fillers: list[User],
                 start: dt.datetime) -> None:
    with clock_at(start + dt.timedelta(hours=1)):
        for i, spec in enumerate(corpus.COMMUNITIES):
            owner = named["owner"] if i in (0, 2, 6) else fillers[i]
            community = communities.community_create(
                owner=owner, name=spec["name"], slug=spec["slug"], vertical=spec["vertical"], tags=spec["tags"],
                positioning=spec["positioning"], rules=corpus.RULES, visibility=spec["visibility"],
                cover=picture(rng, f"cover-{spec['slug']}", (960, 400)),
            )
            world.communities.append(community)
            world.members[community.pk] = [owner]
    with clock_at(start + dt.timedelta(days=1)):
        for community in world.communities:
            owner = world.members[community.pk][0]
            code = None
            if community.visibility == "invite":
                code = communities.invitation_create(actor=owner, community=community).code
            joiners = [named["member"], named["kol"], *rng.sample(fillers, k=min(len(fillers), rng.randint(60, 140)))]
            if community.slug in ("mama-baby", "beauty-lab", "vip-beauty"):
                joiners.append(named["merchant"])
            for user in joiners:
                if user.pk == owner.pk or user in world.members[community.pk]:
                    continue
                membership = _try(world, "join", communities.community_join, user=user, community=community,
                                  code=code, apply_note="想加入学习交流")
                if membership is None:
                    continue
                if membership.status == "pending":
                    if rng.random() < 0.85:
                        communities.membership_approve(actor=owner, community=community, user_id=user.pk)
                    else:
                        continue  # left pending: the owner's review queue has work
                world.members[community.pk].append(user)
            kols = [named["kol"]] + rng.sample(world.members[community.pk][3:], k=2)
            for kol in kols:
                _try(world, "kol", communities.role_set, actor=owner, community=community, user_id=kol.pk, role="kol")
            admin = rng.choice(world.members[community.pk][4:])
            _try(world, "admin", communities.role_set, actor=owner, community=community, user_id=admin.pk,
                 role="admin")


def _post_kwargs(rng: random.Random, kind: str, vertical: str, when: dt.datetime, now: dt.datetime) -> dict[str, Any]:
    topic = rng.choice(corpus.TOPICS.get(vertical, corpus.TOPICS["home"]))
    if kind == "article":
        return {"title": rng.choice(corpus.ARTICLE_TEMPLATES).format(t=topic),
                "body": "\n\n".join(rng.choice(corpus.NOTE_TEMPLATES).format(t=topic) for _ in range(4))}
    if kind == "question":
        return {"title": rng.choice(corpus.QUESTIONS).format(t=topic),
                "body": f"最近在研究{topic}，想听听大家的经验。"}
    if kind == "poll":
        i = rng.randrange(len(corpus.POLL_TITLES))
        closes = min(when + dt.timedelta(days=rng.randint(2, 10)), now + dt.timedelta(days=5))
        return {"title": corpus.POLL_TITLES[i], "body": f"关于{topic}，投个票吧！", "poll_options": corpus.POLL_OPTIONS[i],
                "poll_multiple": rng.random() < 0.3, "poll_closes_at": max(closes, when + dt.timedelta(hours=2))}
    if kind == "event":
        starts = when + dt.timedelta(days=rng.randint(3, 20), hours=rng.randint(0, 6))
        return {"title": rng.choice(corpus.EVENT_TITLES).format(t=topic), "body": f"一起来聊聊{topic}，名额有限。",
                "event_starts_at": starts, "event_ends_at": starts + dt.timedelta(hours=3),
                "event_location": rng.choice(corpus.PLACES), "event_capacity": rng.choice([10, 20, 30, 50])}
    return {"title": "", "body": rng.choice(corpus.NOTE_TEMPLATES).format(t=topic) + f" #{topic}"}  # a #topic page


def _posts_and_interactions(world: DemoWorld, rng: random.Random, named: dict[str, User], now: dt.datetime,
                            total: int) -> None:
    kinds = ["note"] * 10 + ["article"] * 3 + ["question"] * 3 + ["poll"] * 2 + ["event"] * 2
    moments = sorted(now - dt.timedelta(minutes=rng.randint(30, 30 * 24 * 60)) for _ in range(total))
    for i, when in enumerate(moments):
        community = rng.choice(world.communities)
        people = world.members[community.pk]
        author = named["kol"] if i % 9 == 0 and named["kol"] in people else rng.choice(people)
        kind = rng.choice(kinds)
        images = [picture(rng, f"p{i}-{k}") for k in range(rng.choice([0, 0, 1, 3]))] if i % 4 == 0 else []
        with clock_at(when):
            post = _try(world, "post", content.post_create, author=author, community=community, kind=kind,
                        images=images, **_post_kwargs(rng, kind, community.vertical, when, now))
        if post is None:
            continue
        world.posts.append(post)
        _interact(world, rng, post, people, when, now)


def _interact(world: DemoWorld, rng: random.Random, post: Post, people: list[User], when: dt.datetime,
              now: dt.datetime) -> None:
    span = max(60, int((now - when).total_seconds()))
    later = lambda: when + dt.timedelta(seconds=rng.randint(30, span))  # noqa: E731
    comments = []
    for user in rng.sample(people, k=min(len(people), rng.choice([0, 1, 2, 3, 4, 6]))):
        with clock_at(later()):
            c = _try(world, "comment", content.comment_create, author=user, post=post,
                     body=rng.choice(corpus.COMMENTS))
        if c is not None:
            comments.append(c)
            if rng.random() < 0.3:
                replier = rng.choice(people)
                with clock_at(later()):
                    _try(world, "reply", content.comment_create, author=replier, post=post,
                         body=rng.choice(corpus.REPLIES), parent_id=c.pk)
    if post.kind == "question" and comments and rng.random() < 0.6:
        with clock_at(later()):
            _try(world, "accept", content.answer_accept, actor=post.author, post=post, comment_id=comments[0].pk)
    for user in rng.sample(people, k=min(len(people), rng.randint(0, 15))):
        with clock_at(later()):
            _try(world, "like", content.reaction_toggle, user=user, post=post, kind="like")
            if rng.random() < 0.25:
                _try(world, "favourite", content.reaction_toggle, user=user, post=post, kind="favourite")
    if post.kind == "poll":
        poll = post.poll
        options = list(poll.options.values_list("pk", flat=True))
        for user in rng.sample(people, k=min(len(people), rng.randint(3, 20))):
            picked = rng.sample(options, k=rng.randint(1, 2) if poll.multiple else 1)
            with clock_at(min(later(), poll.closes_at - dt.timedelta(minutes=1))):
                _try(world, "vote", content.poll_vote, user=user, post=post, option_ids=picked)
    if post.kind == "event":
        ev = post.event
        for user in rng.sample(people, k=min(len(people), rng.randint(2, 12))):
            with clock_at(min(later(), ev.starts_at - dt.timedelta(hours=1))):
                _try(world, "signup", content.event_signup, user=user, post=post)
    if rng.random() < 0.2:
        sharer = rng.choice(people)
        with clock_at(later()):
            share = _try(world, "share", content.share_create, user=sharer, post=post)
        if share is not None:
            for viewer in rng.sample(world.users, k=rng.randint(1, 5)):
                with clock_at(later()):
                    _try(world, "share_visit", content.share_visit, token=share.token, viewer=viewer)


def _checkins(world: DemoWorld, rng: random.Random, now: dt.datetime) -> None:
    for community in world.communities:
        people = world.members[community.pk]
        for user in rng.sample(people, k=min(len(people), 40)):
            habit = rng.choice([0.3, 0.6, 0.9])
            for days_ago in range(30, -1, -1):
                if days_ago and rng.random() > habit:
                    continue
                if days_ago == 0 and rng.random() < 0.5:
                    continue  # leave some of today's check-ins for the visitor to do
                with clock_at(now - dt.timedelta(days=days_ago, hours=rng.randint(0, 3))):
                    _try(world, "checkin", content.checkin, user=user, community=community,
                         note=rng.choice(corpus.CHECKIN_NOTES))


def _specials(world: DemoWorld, rng: random.Random, named: dict[str, User], now: dt.datetime) -> None:
    operator = named["operator"]
    for word in ["加微信代购", "刷单返利", "赌博"]:
        content.sensitive_word_create(actor=operator, word=word)
    run = next(c for c in world.communities if c.slug == "run-fit")
    mama = next(c for c in world.communities if c.slug == "mama-baby")
    owner = named["owner"]
    # An open poll and an upcoming event that are always there, whatever the random draw did.
    content.post_create(author=owner, community=run, kind="poll", title="本周六晨跑集合点投票",
                        body="选一个大家都方便的地方", poll_options=["世纪公园", "滨江大道", "徐家汇公园"],
                        poll_closes_at=now + dt.timedelta(days=3))
    content.post_create(author=named["kol"], community=run, kind="event", title="周日 10 公里团跑 + 跑姿讲解",
                        body="达人阿杰带跑，配速 6 分，结束后一起拉伸。", event_starts_at=now + dt.timedelta(days=4),
                        event_ends_at=now + dt.timedelta(days=4, hours=2), event_location="上海市浦东新区世纪公园 7 号门",
                        event_capacity=30, event_signup_deadline=now + dt.timedelta(days=3))
    content.post_create(author=owner, community=mama, kind="article", title="下周一：夏季宝宝防晒科普（定时发布）",
                        body="内容预告：物理防晒与化学防晒的区别……", publish_at=now + dt.timedelta(days=5))
    spammer = world.members[mama.pk][-1]
    held = _try(world, "held", content.post_create, author=spammer, community=mama, kind="note",
                body="需要的宝妈加微信代购，价格美丽")
    if held is not None:
        world.posts.append(held)
    target = rng.choice([p for p in world.posts if p.community_id == mama.pk and p.author_id != owner.pk])
    reporter = named["member"]
    _try(world, "report", communities.report_create, reporter=reporter, community=mama, target_type="post",
         target_id=target.pk, reason="疑似广告")
    _try(world, "mute", communities.member_mute, actor=owner, community=mama, user_id=spammer.pk,
         until=now + dt.timedelta(days=1), reason="发布广告")
