"""Feed pages at 100 vs 2,000 posts: the community page /c/<slug>/ (latest and hot), the member's home feed /
and the visitor's home /, rendered by Django's test Client on a throw-away SQLite database.

Every post, like, comment, vote and sign-up is made through the content services (post_create,
reaction_toggle, comment_create, poll_vote, event_signup), the same calls the pages make. One community holds
100 posts, another 2,000, each with its own reader; the two are requested in turns so that load from other
processes hits both alike. The visitor's home (hot posts of all public communities) is measured before and
after the large community is filled. For each page it prints the median and p90 latency and the number of SQL
queries, and the ratio large/small. Target: the same number of queries at both sizes (the run fails
otherwise) and a latency ratio near 1.

Then the scale section (`--scale-only` runs it alone): the hot feeds over 100 vs 100,000 posts. The visitor's home
used to score every public post in SQL per request (an HN-style gravity, sorted over every row); it now reads the
stored `Post.hot_score` (a generated column the database keeps on every write) through an index. 100 posts are
made through the services; the other 99,900 are inserted in bulk (100,000 service calls would take an hour; the
stored score is computed by the database from the same columns either way, and every post gets counters). For
each query it prints the median latency at both sizes and the ratio, and the same query ordered by the old
per-request expression for comparison. The last line:

    feed-scale: hot_public_ratio=R hot_community_ratio=R search_ratio=R old_hot_public_ratio=R

Run alone: .venv/bin/python bench/bench_feed.py   (--scale-only: only the 100 vs 100,000 section)
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import time
from typing import Any

import common

SMALL, LARGE = 100, 2_000
WARMUP, RUNS = 3, 40
PER_PAGE = 20


class World:
    """Two public communities with the same three authors: "small" gets 100 posts, "large" 2,000. Each has a
    reader who joins it, likes, comments, votes and signs up, and follows a member who posts in a third
    community (the home feed mixes joined communities and followed members)."""

    def __init__(self) -> None:
        from quanzi.accounts.services import follow, user_signup
        from quanzi.communities.services import community_create, community_join

        n = itertools.count(1)

        def user(nick: str) -> Any:
            return user_signup(phone=f"1370000{next(n):04d}", password="bench-pass-1", nickname=nick)

        owner = user("群主")
        self.small = community_create(owner=owner, name="跑步打卡圈", slug="run-small", vertical="fitness")
        self.large = community_create(owner=owner, name="跑步打卡大圈", slug="run-large", vertical="fitness")
        self.other = community_create(owner=owner, name="家常菜厨房", slug="home-cook", vertical="food")
        self.authors = [owner]
        for i in range(3):
            author = user(f"作者{i}")
            for community in (self.small, self.large):
                community_join(user=author, community=community)
            self.authors.append(author)
        self.readers: dict[int, Any] = {}
        self.followed: dict[int, Any] = {}
        for community in (self.small, self.large):
            reader = user(f"读者{community.slug}")
            community_join(user=reader, community=community)
            followed = user(f"美食达人{community.slug}")
            community_join(user=followed, community=self.other)
            follow(follower=reader, followee_id=followed.pk)
            self.readers[community.pk] = reader
            self.followed[community.pk] = followed
        self.calls = 0
        self.seconds = 0.0

    def fill(self, community: Any, total: int) -> None:
        """`total` posts in the community (and one in 20 by its reader's followed member in the third one)."""
        started = time.perf_counter()
        for i in range(total):
            self._post(community, self.readers[community.pk], i)
        self.seconds += time.perf_counter() - started

    def _post(self, community: Any, reader: Any, i: int) -> None:
        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.utils import timezone
        from PIL import Image

        from quanzi.content import services

        now = timezone.now()
        author = self.authors[i % len(self.authors)]
        kind = ("note", "note", "note", "note", "article", "note", "question", "note", "poll", "event")[i % 10]
        kwargs: dict[str, Any] = {"title": f"第 {i} 帖：今天跑了五公里" if kind != "note" else "",
                                  "body": f"配速六分半，心率一百四十。第 {i} 次记录，欢迎交流。"}
        if kind == "poll":
            kwargs.update(poll_options=["早上", "中午", "晚上"], poll_closes_at=now + dt.timedelta(days=7))
        if kind == "event":
            kwargs.update(event_starts_at=now + dt.timedelta(days=10), event_location="世纪公园 7 号门",
                          event_capacity=30)
        if i % 20 == 0:
            buf = io.BytesIO()
            Image.new("RGB", (64, 48), "orange").save(buf, "PNG")
            kwargs["images"] = [SimpleUploadedFile(f"p{i}.png", buf.getvalue(), content_type="image/png")]
        post = services.post_create(author=author, community=community, kind=kind, **kwargs)
        self.calls += 1
        if i % 3 == 0:
            services.reaction_toggle(user=reader, post=post, kind="like")
            self.calls += 1
        if i % 7 == 0:
            services.comment_create(author=reader, post=post, body="写得真好，收藏了")
            self.calls += 1
        if kind == "poll":
            services.poll_vote(user=reader, post=post, option_ids=[post.poll.options.first().pk])
            self.calls += 1
        if kind == "event" and i % 20 == 9:
            services.event_signup(user=reader, post=post)
            self.calls += 1
        if i % 20 == 0:
            services.post_create(author=self.followed[community.pk], community=self.other,
                                 body=f"今天做了红烧肉 {i}")
            self.calls += 1


def member_pages(world: World, community: Any) -> list[tuple[str, str, Any]]:
    from django.test import Client

    member = Client()
    member.force_login(world.readers[community.pk])
    return [
        ("community, latest (member)", f"/c/{community.slug}/", member),
        ("community, hot (member)", f"/c/{community.slug}/?order=hot", member),
        ("home feed (member)", "/", member),
    ]


def count_queries(path: str, client: Any) -> int:
    """SQL statements one request runs (checked to render a full page of post cards)."""
    from django.db import connection

    executed: list[str] = []

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        executed.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):  # counts every statement, whatever DEBUG and the query log say
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    cards = response.content.decode().count('class="card post"')
    assert cards == PER_PAGE, f"{path}: {cards} post cards rendered, expected a full page of {PER_PAGE}"
    return len(executed)


def latencies(requests: list[tuple[str, Any]]) -> list[list[float]]:
    """Timings of each request, taken in turns (small, large, small, ...) so load on a shared machine hits
    both sizes alike."""
    for path, client in requests:
        for _ in range(WARMUP):
            client.get(path)
    out: list[list[float]] = [[] for _ in requests]
    for _ in range(RUNS):
        for i, (path, client) in enumerate(requests):
            out[i].append(common.timed(lambda path=path, client=client: client.get(path)))
    return out


def row(name: str, size: int, queries: int, times: list[float]) -> dict[str, Any]:
    return {"name": name, "size": size, "queries": queries, "median": common.median_ms(times),
            "p90": common.p90_ms(times)}


def main() -> int:
    from django.test import Client

    from quanzi.content.models import Post

    common.header(f"feed pages: {SMALL} vs {LARGE} posts (Django test Client, throw-away SQLite)")
    world = World()
    results: list[tuple[dict[str, Any], dict[str, Any]]] = []

    # The visitor's home ranks hot public posts across all communities: measured before and after the
    # large community is filled (the only figure not taken in turns); its "posts" are all posts in the site.
    visitor = Client()
    world.fill(world.small, SMALL)
    v_small = row("home, hot public (visitor)", Post.objects.count(), count_queries("/", visitor),
                  latencies([("/", visitor)])[0])
    world.fill(world.large, LARGE)
    v_large = row("home, hot public (visitor)", Post.objects.count(), count_queries("/", visitor),
                  latencies([("/", visitor)])[0])

    for (name, s_path, s_client), (_n, l_path, l_client) in zip(
            member_pages(world, world.small), member_pages(world, world.large), strict=True):
        s_times, l_times = latencies([(s_path, s_client), (l_path, l_client)])
        results.append((row(name, SMALL, count_queries(s_path, s_client), s_times),
                        row(name, LARGE, count_queries(l_path, l_client), l_times)))
    results.append((v_small, v_large))

    print(f"data made through quanzi.content.services (no bulk inserts): {world.calls} service calls "
          f"in {world.seconds:.1f} s ({world.seconds / world.calls * 1000:.1f} ms per call); "
          f"{WARMUP} warm-up + {RUNS} timed requests per page and size")
    print(f"{'page':<28} {'posts':>6} {'queries':>8} {'median ms':>10} {'p90 ms':>8}")
    failed = []
    for small, large in results:
        for r in (small, large):
            print(f"{r['name']:<28} {r['size']:>6} {r['queries']:>8} {r['median']:>10.1f} {r['p90']:>8.1f}")
        q_ratio = large["queries"] / small["queries"]
        l_ratio = large["median"] / small["median"]
        verdict = "same queries" if q_ratio == 1 else "QUERY COUNT GROWS"
        print(f"{'':<28} {'ratio':>6} {q_ratio:>8.2f} {l_ratio:>10.2f} {'':>8}  {verdict}")
        if q_ratio != 1:
            failed.append(small["name"])
    if failed:
        print(f"FAILED: the number of SQL queries depends on the number of posts for: {', '.join(failed)}")
        return 1
    return 0


SCALE_SMALL, SCALE_LARGE = 100, 100_000


def _old_hot(qs: Any) -> Any:
    """The hot order as it was: the HN-style score computed for every row in SQL, per request."""
    from django.db.models import F, FloatField, Value
    from django.db.models.functions import Cast, Greatest, Power
    from django.utils import timezone

    points = Cast(F("like_count") + 2 * F("comment_count") + 3 * F("share_count") + F("favourite_count") + 1,
                  FloatField())
    age = (Value(timezone.now().timestamp(), output_field=FloatField()) - Cast(F("publish_ts"), FloatField())) \
        / Value(3600.0, output_field=FloatField())
    score = points / Power(Greatest(age, Value(0.0, output_field=FloatField())) + Value(2.0, output_field=FloatField()),
                           Value(1.5, output_field=FloatField()))
    return qs.annotate(old_hot=score).order_by("-old_hot", "-id")


def scale() -> int:
    """Hot feeds and search over 100, then 100,000 posts (see the module docstring)."""
    import random

    from django.db import connection
    from django.utils import timezone

    from quanzi.accounts.services import user_signup
    from quanzi.communities.services import community_create, community_join
    from quanzi.content import selectors, services
    from quanzi.content.models import Post

    common.header(f"hot feeds and search: {SCALE_SMALL} vs {SCALE_LARGE:,} posts (throw-away SQLite)")
    owner = user_signup(phone="13600000001", password="bench-pass-1", nickname="群主")
    author = user_signup(phone="13600000002", password="bench-pass-1", nickname="作者")
    communities = [community_create(owner=owner, name=f"跑步圈{i}", slug=f"run-{i}", vertical="fitness")
                   for i in range(5)]
    for community in communities:
        community_join(user=author, community=community)
    rng = random.Random(16)
    words = ["跑步", "配速", "装备", "减脂", "早餐", "拉伸", "马拉松", "心率", "跑鞋", "打卡"]
    for i in range(SCALE_SMALL):
        services.post_create(author=author, community=communities[i % 5],
                             body=f"{rng.choice(words)}记录第 {i} 次：{rng.choice(words)}和{rng.choice(words)}")

    def queries() -> dict[str, Any]:
        return {
            "hot_public": lambda: list(selectors.public_hot_feed()[:PER_PAGE]),
            "hot_community": lambda: list(selectors.community_feed(community=communities[0], viewer=None,
                                                                     order="hot")[:PER_PAGE]),
            "search": lambda: list(selectors.search_posts(q="马拉松", viewer=None)[:PER_PAGE]),
            "old_hot_public": lambda: list(_old_hot(selectors.public_hot_feed())[:PER_PAGE]),
        }

    def measure() -> dict[str, float]:
        return {name: common.median_ms(common.samples(fn, warmup=2, runs=15)) for name, fn in queries().items()}

    small = measure()
    started = time.perf_counter()
    now = timezone.now()
    batch = []
    for i in range(SCALE_LARGE - SCALE_SMALL):
        when = now - dt.timedelta(minutes=rng.randint(0, 60 * 24 * 90))
        body = f"{rng.choice(words)}记录第 {i} 次：{rng.choice(words)}和{rng.choice(words)}"
        batch.append(Post(community=communities[i % 5], author=author, body=body, publish_at=when,
                          publish_ts=int(when.timestamp()), search_text=selectors.search_text_of(title="", body=body),
                          like_count=rng.randint(0, 50), comment_count=rng.randint(0, 10),
                          share_count=rng.randint(0, 3), favourite_count=rng.randint(0, 8)))
        if len(batch) == 5000:
            Post.objects.bulk_create(batch)
            batch = []
    Post.objects.bulk_create(batch)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"{Post.objects.count():,} posts ({SCALE_LARGE - SCALE_SMALL:,} inserted in bulk in "
          f"{time.perf_counter() - started:.0f} s)")
    large = measure()
    plan = _plan(selectors.public_hot_feed()[:PER_PAGE])
    print(f"{'query':<16} {SCALE_SMALL:>10} {SCALE_LARGE:>10} {'ratio':>7}   (median ms of 15)")
    ratios = {}
    for name in small:
        ratios[name] = large[name] / small[name]
        print(f"{name:<16} {small[name]:>10.2f} {large[name]:>10.2f} {ratios[name]:>7.2f}")
    print(f"visitor's hot feed plan at {SCALE_LARGE:,}: {plan}")
    print(f"feed-scale: hot_public_ratio={ratios['hot_public']:.2f} hot_community_ratio={ratios['hot_community']:.2f} "
          f"search_ratio={ratios['search']:.2f} old_hot_public_ratio={ratios['old_hot_public']:.2f}")
    return 0


def _plan(qs: Any) -> str:
    from django.db import connection

    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return "; ".join(str(row[-1]) for row in cursor.fetchall())


if __name__ == "__main__":
    import sys

    common.setup_django()
    if "--scale-only" in sys.argv:
        raise SystemExit(scale())
    status = main()
    raise SystemExit(status or scale())
