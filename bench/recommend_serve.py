"""Serving latency of 为你推荐 on demo-like data, against a trivial endpoint in the same run.

Builds a small shop through the services (members, communities, posts, products, views, likes, favourites, cart
adds, paid orders, follows, some members sharing purchases, some with personalisation off, some never trained),
trains once (`recommend.services.model_train`), then requests, through Django's test client with a logged-in
session, members in turn:

- `/recommend/for-you/`: the HTML fragment the home feed loads (the headline figure),
- `/api/v1/recommend/for-you`: the same list as JSON,
- `/api/v1/health`: the baseline (one `SELECT 1`, the whole middleware stack),

interleaved so machine load hits all alike. Prints p50/p90/p99 per request and the ratio to the baseline. Target:
p99 of the fragment under 20 ms. Last line: `recommend-serve: p50_ms=A p99_ms=B baseline_p50_ms=C ratio_p50=D`.

    .venv/bin/python bench/recommend_serve.py [--members 120] [--requests 400]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import header, setup_django  # noqa: E402


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] * 1000


def build(members: int, seed: int = 11) -> list[object]:
    from conftest import make_user
    from quanzi.accounts import services as accounts
    from quanzi.catalog import services as catalog
    from quanzi.communities import services as communities
    from quanzi.content import services as content
    from quanzi.orders import services as orders
    from quanzi.payments import services as payments
    from quanzi.recommend import services as recommend

    rng = random.Random(seed)
    operator = make_user("运营")
    operator.is_staff = True
    operator.save(update_fields=["is_staff"])
    users = [make_user(f"会员{i}") for i in range(members)]
    merchant_user = make_user("商家")
    m = catalog.merchant_apply(user=merchant_user, business_name="好物小店", licence_no="91330100MA2XXXX",
                               contact_name="王老板", contact_phone="13800000000")
    catalog.merchant_approve(operator=operator, merchant_id=m.pk, commission_rate=Decimal("0.05"))
    cats = [catalog.category_create(operator=operator, name=n) for n in ("护肤", "零食", "运动", "家居")]
    skus, products = [], []
    for i in range(60):
        p = catalog.product_create(user=merchant_user, category_id=cats[i % 4].pk, title=f"好物{i}",
                                   tags=[["护肤", "零食", "跑步", "收纳"][i % 4]])
        sku = catalog.sku_create(user=merchant_user, product_id=p.pk, spec={"规格": "标准"},
                                 price_fen=1000 + 100 * i, stock=10_000)
        catalog.product_set_shelf(user=merchant_user, product_id=p.pk, on_shelf=True)
        products.append(p)
        skus.append(sku)
    groups = [communities.community_create(owner=users[i], name=f"兴趣圈{i}", slug=f"bench-{i}",
                                           vertical="beauty") for i in range(4)]
    joined: dict[int, set[int]] = {}
    for u in users:
        joined[u.pk] = {g.pk for g in groups if g.owner_id == u.pk}
        for g in rng.sample(groups, k=2):
            if g.owner_id != u.pk:
                communities.community_join(user=u, community=g)
            joined[u.pk].add(g.pk)
    posts = [content.post_create(author=g.owner, community=g, title=f"{g.name}的帖子{i}", body="分享")
             for g in groups for i in range(25)]
    for u in users:
        taste = rng.randrange(4)  # each member leans to one category: structure for the model to find
        mine = [p for i, p in enumerate(products) if i % 4 == taste]
        for p in rng.sample(mine, k=6) + rng.sample(products, k=2):
            catalog.product_view(viewer=u, product=p, via="page")
        for post in rng.sample(posts, k=8):
            content.post_view(viewer=u, post=post)
        for post in rng.sample([p for p in posts if p.community_id in joined[u.pk]], k=2):
            content.reaction_toggle(user=u, post=post, kind=rng.choice(["like", "favourite"]))
        for u2 in rng.sample(users, k=5):
            if u2.pk != u.pk:
                accounts.follow(follower=u, followee_id=u2.pk)
        address = orders.address_create(user=u, name="小红", phone="13912345678", province="浙江省", city="杭州市",
                                        district="西湖区", detail="文三路 100 号")
        buy = rng.sample([skus[i] for i in range(len(skus)) if i % 4 == taste], k=2)
        orders.cart_add(user=u, sku_id=buy[0].pk)
        checkout = orders.order_place(user=u, address_id=address.pk, idempotency_key=uuid.uuid4().hex,
                                      items=[(s.pk, 1) for s in buy])
        for order in checkout.orders.all():
            payments.sandbox_pay_now(user=u, order_id=order.pk)
    for u in rng.sample(users, k=members // 3):
        recommend.preference_set(user=u, share_purchases=True)
    for u in rng.sample(users, k=members // 10):
        recommend.preference_set(user=u, personalised=False)
    newcomers = [make_user(f"新会员{i}") for i in range(members // 10)]  # never trained: the cold start
    for u in newcomers:
        communities.community_join(user=u, community=rng.choice(groups))
    return users + newcomers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", type=int, default=120)
    parser.add_argument("--requests", type=int, default=400)
    args = parser.parse_args()
    setup_django()
    from django.test import Client

    from quanzi.recommend import services as recommend

    header("recommend-serve: build demo-like data")
    started = time.perf_counter()
    people = build(args.members)
    print(f"built {len(people)} members in {time.perf_counter() - started:.1f} s")
    run = recommend.model_train()
    print(f"trained {run.algorithm}: {run.users} members, {run.items} items, {run.interactions} interactions, "
          f"{run.seconds:.2f} s")

    clients = []
    for u in people:
        c = Client()
        c.force_login(u)
        clients.append(c)
    urls = {"fragment": "/recommend/for-you/", "api": "/api/v1/recommend/for-you", "baseline": "/api/v1/health"}
    times: dict[str, list[float]] = {k: [] for k in urls}
    for i in range(30):  # warm-up: templates, connections, caches
        for url in urls.values():
            assert clients[i % len(clients)].get(url).status_code == 200
    kinds: dict[str, int] = {}
    for i in range(args.requests):
        c = clients[i % len(clients)]
        for name, url in urls.items():
            t0 = time.perf_counter()
            r = c.get(url)
            times[name].append(time.perf_counter() - t0)
            assert r.status_code == 200, (url, r.status_code)
            if name == "api":
                body = r.json()
                kinds[body["kind"]] = kinds.get(body["kind"], 0) + 1
                assert body["items"], "an empty for-you list"

    header(f"recommend-serve: {args.requests} requests each, members in turn")
    base50 = percentile(times["baseline"], 0.5)
    for name in urls:
        p50, p90, p99 = (percentile(times[name], q) for q in (0.5, 0.9, 0.99))
        print(f"{name:9s} {urls[name]:30s} p50 {p50:6.2f} ms  p90 {p90:6.2f} ms  p99 {p99:6.2f} ms  "
              f"p50/baseline {p50 / base50:5.2f}x")
    print(f"list kinds served: {kinds}")
    p50, p99 = percentile(times["fragment"], 0.5), percentile(times["fragment"], 0.99)
    print(f"target p99 < 20 ms: {'met' if p99 < 20 else 'MISSED'}")
    print(f"recommend-serve: p50_ms={p50:.2f} p99_ms={p99:.2f} baseline_p50_ms={base50:.2f} "
          f"ratio_p50={p50 / base50:.2f}")


if __name__ == "__main__":
    main()
