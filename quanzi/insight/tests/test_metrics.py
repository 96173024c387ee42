"""Every metric on a small hand-made lake whose figures are worked out by hand in the comments.

Members 1..7. Community 10: owner 1, members 2 (invited by 1) and 3. Community 11: owner 4, member 5.
2026-03-01 is a Sunday (cohort weeks start on Monday)."""

from __future__ import annotations

import datetime as dt

import pytest

from quanzi.insight import selectors
from quanzi.insight.tests.helpers import at, ev, put

D = dt.date.fromisoformat
MARCH = {"date_from": D("2026-03-01"), "date_to": D("2026-03-31")}


@pytest.fixture
def world(lake_root):  # type: ignore[no-untyped-def]
    return make_world(lake_root)


def make_world(lake_root):  # type: ignore[no-untyped-def]
    put(lake_root, "events", [
        ev("post.view", 1, "2026-03-01", community_id=10, post_id=101),
        ev("product.view", 1, "2026-03-02", community_id=10),
        ev("post.like", 1, "2026-03-08", community_id=10, post_id=101),
        ev("post.view", 1, "2026-03-31", community_id=10, post_id=101),
        ev("product.view", 2, "2026-03-01", community_id=10),
        ev("cart.add", 2, "2026-03-01", community_id=10),
        ev("order.place", 2, "2026-03-01", community_id=10),
        ev("order.paid", 2, "2026-03-01", community_id=10, order_id=1),
        ev("product.view", 3, "2026-03-02", community_id=11),
        ev("cart.add", 3, "2026-03-02", community_id=11),
        ev("post.view", 4, "2026-03-02", community_id=10, post_id=100),
        ev("post.view", 3, "2026-03-02", community_id=10, post_id=100),
        ev("product.card_click", 3, "2026-03-02", community_id=10, post_id=100),
        ev("post.like", 2, "2026-03-02", community_id=10, post_id=100),
        ev("comment.create", 2, "2026-03-01", 14, community_id=10, post_id=100),
        ev("community.invitation_create", 1, "2026-03-01", community_id=10),
        ev("community.invitation_create", 1, "2026-03-02", community_id=10),
        ev("community.join", 2, "2026-03-02", community_id=10),
        ev("community.join", 3, "2026-03-03", community_id=10),
        ev("community.leave", 3, "2026-03-20", community_id=10),
        ev("groupbuy.group_view", 1, "2026-03-03"),
        ev("groupbuy.group_view", 2, "2026-03-03"),
        ev("groupbuy.group_join", 2, "2026-03-03"),
        ev("groupbuy.place_paid", 2, "2026-03-03"),
        ev("membership.buy", 5, "2026-03-05", order_id=5),
        ev("page.discover", None, "2026-03-01"),
    ])

    def order(oid, user, day, paid, refunded=0, commission=0, community=None):  # type: ignore[no-untyped-def]
        return {"id": oid, "user_id": user, "status": "paid", "paid_fen": paid, "payable_fen": paid,
                "refunded_fen": refunded, "commission_fen": commission, "community_id": community,
                "created_at": at(day), "paid_at": at(day) if day else None}

    put(lake_root, "orders", [
        order(1, 2, "2026-03-01", 10000, 2000, 500, 10), order(2, 2, "2026-03-04", 6000, community=10),
        order(3, 5, "2026-03-03", 4000, 0, 200, 11), order(5, 5, "2026-03-05", 9900),
        order(7, 7, "2026-03-06", 3000, 0, 100),
        {"id": 4, "user_id": 6, "status": "pending_payment", "paid_fen": 0, "created_at": at("2026-03-02")},
    ])
    put(lake_root, "order_lines", [
        {"id": 1, "order_id": 1, "user_id": 2, "payable_fen": 10000, "commission_fen": 500, "community_id": 10,
         "post_id": 100, "kol_id": 1, "category_id": 7, "created_at": at("2026-03-01"), "paid_at": at("2026-03-01")},
        {"id": 2, "order_id": 2, "user_id": 2, "payable_fen": 6000, "community_id": 10, "category_id": 7,
         "created_at": at("2026-03-04"), "paid_at": at("2026-03-04")},
        {"id": 3, "order_id": 3, "user_id": 5, "payable_fen": 4000, "community_id": 11, "category_id": 8,
         "created_at": at("2026-03-03"), "paid_at": at("2026-03-03")},
    ])
    put(lake_root, "memberships", [
        {"community_id": 10, "user_id": 1, "role": "owner", "status": "active", "joined_at": at("2026-02-01"),
         "created_at": at("2026-02-01")},
        {"community_id": 10, "user_id": 2, "role": "member", "status": "active", "invited_by_id": 1,
         "joined_at": at("2026-03-02"), "created_at": at("2026-03-02")},
        {"community_id": 10, "user_id": 3, "role": "member", "status": "active", "joined_at": at("2026-03-03"),
         "created_at": at("2026-03-03")},
        {"community_id": 11, "user_id": 4, "role": "owner", "status": "active", "joined_at": at("2026-02-01"),
         "created_at": at("2026-02-01")},
        {"community_id": 11, "user_id": 5, "role": "member", "status": "active", "joined_at": at("2026-03-04"),
         "created_at": at("2026-03-04")},
    ])
    put(lake_root, "posts", [
        {"id": 100, "community_id": 10, "author_id": 1, "kind": "question", "status": "published",
         "created_at": at("2026-03-01", 12)},
        {"id": 101, "community_id": 10, "author_id": 2, "kind": "note", "status": "published",
         "created_at": at("2026-03-02")},
    ])
    put(lake_root, "comments", [
        {"id": 1, "post_id": 100, "community_id": 10, "author_id": 2, "created_at": at("2026-03-01", 14)},
        {"id": 2, "post_id": 100, "community_id": 10, "author_id": 3, "parent_id": 1, "created_at": at("2026-03-02")},
        {"id": 3, "post_id": 101, "community_id": 10, "author_id": 1, "created_at": at("2026-03-03")},
        {"id": 4, "post_id": 101, "community_id": 10, "author_id": 2, "created_at": at("2026-03-03")},
    ])
    put(lake_root, "follows", [{"follower_id": 3, "followee_id": 1, "created_at": at("2026-03-05")}])
    # the distribution ledger: KOL 1 earns 800 on order line 1, 200 of it reversed by a refund; the release and the
    # withdrawal move money between buckets (not counted); April is out of range; member 2 is not a KOL
    put(lake_root, "commissions", [
        {"user_id": 1, "kind": "accrue", "bucket": "pending", "amount_fen": 800, "order_id": 1, "order_line_id": 1,
         "level": 1, "community_id": 10, "is_kol": True, "created_at": at("2026-03-01")},
        {"user_id": 1, "kind": "reverse", "bucket": "pending", "amount_fen": -200, "order_id": 1, "order_line_id": 1,
         "level": 1, "community_id": 10, "is_kol": True, "created_at": at("2026-03-04")},
        {"user_id": 1, "kind": "release", "bucket": "available", "amount_fen": 600, "order_id": 1,
         "order_line_id": 1, "level": 1, "community_id": 10, "is_kol": True, "created_at": at("2026-03-10")},
        {"user_id": 1, "kind": "withdraw", "bucket": "available", "amount_fen": -500, "created_at": at("2026-03-11")},
        {"user_id": 1, "kind": "accrue", "bucket": "pending", "amount_fen": 900, "order_id": 9, "order_line_id": 9,
         "level": 1, "community_id": 10, "is_kol": True, "created_at": at("2026-04-02")},
        {"user_id": 2, "kind": "accrue", "bucket": "pending", "amount_fen": 300, "order_id": 1, "order_line_id": 1,
         "level": 2, "community_id": 10, "created_at": at("2026-03-01")},
    ])
    return lake_root


def rows(key: str, **kw):  # type: ignore[no-untyped-def]
    return selectors.metric_result(key, **{**MARCH, **kw}).rows


def one(key: str, **kw):  # type: ignore[no-untyped-def]
    res = selectors.metric_result(key, **{**MARCH, **kw})
    assert len(res.rows) == 1
    return dict(zip(res.columns, res.rows[0], strict=True))


def test_dau(world):
    assert rows("dau") == [(D("2026-03-01"), 2), (D("2026-03-02"), 4), (D("2026-03-03"), 3), (D("2026-03-05"), 1),
                           (D("2026-03-08"), 1), (D("2026-03-20"), 1), (D("2026-03-31"), 1)]


def test_wau_mau_stickiness_as_of_the_last_day(world):
    # 30 days to 03-31: 11 member-days, 5 members; last 7 days: member 1 only
    assert one("active_users") == {"dau": 1, "wau": 1, "mau": 5, "stickiness": round(11 / 30 / 5, 4)}


def test_new_vs_returning(world):
    assert rows("new_vs_returning")[:3] == [(D("2026-03-01"), 2, 0), (D("2026-03-02"), 2, 2), (D("2026-03-03"), 0, 3)]
    assert rows("new_vs_returning")[3] == (D("2026-03-05"), 1, 0)


def test_retention_daily(world):
    assert rows("retention_daily") == [
        (D("2026-03-01"), 2, 1.0, 0.5, 0.5),  # both back on 03-02; member 1 on 03-08 and 03-31
        (D("2026-03-02"), 2, 0.5, 0.0, None),  # day 30 (04-01) is after the last data day: not known yet
        (D("2026-03-05"), 1, 0.0, 0.0, None),
    ]


def test_retention_weekly(world):
    assert rows("retention_weekly") == [
        (D("2026-02-23"), 0, 2, 1.0), (D("2026-02-23"), 1, 2, 1.0), (D("2026-02-23"), 5, 1, 0.5),
        (D("2026-03-02"), 0, 3, 1.0), (D("2026-03-02"), 2, 1, 0.3333),
    ]


def test_funnel_is_closed_with_drop_off(world):
    assert rows("funnel") == [
        (1, "visit", 5, None, 1.0, 0), (2, "product", 3, 0.6, 0.6, 2), (3, "cart", 2, 0.6667, 0.4, 1),
        (4, "order", 1, 0.5, 0.2, 1), (5, "paid", 1, 1.0, 0.2, 0),
    ]


def test_sales_platform_and_community(world):
    assert one("sales") == {"paid_orders": 5, "buyers": 3, "gmv_fen": 32900, "aov_fen": 6580, "refunded_fen": 2000,
                            "refund_rate": round(2000 / 32900, 4), "refund_order_rate": 0.2}
    assert one("sales", community_id=10) == {"paid_orders": 2, "buyers": 1, "gmv_fen": 16000, "aov_fen": 8000,
                                             "refunded_fen": 2000, "refund_rate": 0.125, "refund_order_rate": 0.5}
    assert rows("gmv_daily")[0] == (D("2026-03-01"), 1, 10000)


def test_repurchase_and_interval(world):
    assert one("repurchase") == {"buyers": 3, "repeat_buyers": 2, "repurchase_rate": 0.6667,
                                 "interval_days_mean": 2.5, "interval_days_median": 2.5}
    assert rows("repurchase_interval") == [(2, 1), (3, 1)]


def test_next_purchase_own_mean_interval_else_platform_median(world):
    assert rows("next_purchase", date_to=D("2026-03-10")) == [
        (2, 2, D("2026-03-04"), 3.0, D("2026-03-07")),
        (5, 2, D("2026-03-05"), 2.0, D("2026-03-07")),
        (7, 1, D("2026-03-06"), 2.5, D("2026-03-09")),  # one purchase: the platform median 2.5 days, rounded
    ]


def test_rfm_segments(world):
    got = {r[0]: r[1:] for r in rows("rfm", date_to=D("2026-03-10"))}
    assert got == {"重要保持客户": (1, 6.0, 2.0, 16000), "重要价值客户": (1, 5.0, 2.0, 13900),
                   "一般发展客户": (1, 4.0, 1.0, 3000)}


def test_revenue_mix(world):
    assert rows("revenue_mix") == [("commission", 4, 800), ("membership", 1, 9900)]


def test_conversion_by_community_and_campaign(world):
    assert rows("conversion_by_community") == [(10, 4, 1, 2, 16000, 0.25), (11, 1, 1, 1, 4000, 1.0)]
    assert rows("conversion_by_campaign") == [("groupbuy", 2, 1, 1, 0.5)]


def test_coupon_conversion(lake_root):  # type: ignore[no-untyped-def]
    # 20 and 21 got a coupon (claim, packet), 22 was granted one and used it without a claim event in range;
    # 20 used hers and paid a discounted order; 21 used his, but his only paid order had no discount (not counted);
    # 23 paid a discounted order without any coupon event (a group-buy price): not in the coupon funnel
    put(lake_root, "events", [
        ev("coupon.claim", 20, "2026-03-02"), ev("coupon.redeem", 20, "2026-03-03"),
        ev("coupon.packet_claim", 21, "2026-03-02"), ev("coupon.redeem", 21, "2026-03-04"),
        ev("coupon.redeem", 22, "2026-03-05"),
        ev("coupon.claim", 24, "2026-02-20"),  # before the range
    ])
    put(lake_root, "orders", [
        {"id": 90, "user_id": 20, "status": "paid", "paid_fen": 9000, "discount_fen": 1000,
         "created_at": at("2026-03-03"), "paid_at": at("2026-03-03")},
        {"id": 91, "user_id": 21, "status": "paid", "paid_fen": 5000, "discount_fen": 0,
         "created_at": at("2026-03-04"), "paid_at": at("2026-03-04")},
        {"id": 92, "user_id": 22, "status": "pending_payment", "paid_fen": 0, "discount_fen": 500,
         "created_at": at("2026-03-05")},
        {"id": 93, "user_id": 23, "status": "paid", "paid_fen": 3000, "discount_fen": 300,
         "created_at": at("2026-03-06"), "paid_at": at("2026-03-06")},
    ])
    assert rows("conversion_by_campaign") == [("coupon", 2, 3, 1, 0.5)]


def test_invites_and_k_factor(world):
    assert one("invites") == {"invitations": 2, "invited_joins": 1, "inviters": 1, "invite_conversion": 0.5,
                              "k_factor": 0.5}


def test_community_health_with_its_parts(world):
    got = {r[0]: r for r in rows("community_health")}
    # members 3, all active; 2 posts; 4 comments + 2 likes; member->member 1, owner<->member 2 (a reply to oneself
    # is neither); joined 2, left 1; the question's first answer after 2 hours
    assert got[10] == (10, 3, 3, 1.0, 0.6667, 2.0, 1, 2, 0.5, 2, 1, 2.0, 68.0)
    assert got[11] == (11, 2, 0, 0.0, 0.0, 0.0, 0, 0, None, 0, 0, None, 0.0)
    assert [r[0] for r in rows("community_health", community_id=11)] == [11]


def test_community_vs_platform(world):
    assert rows("community_vs_platform", community_id=10) == [(7, 16000, 16000, 1.0, 0.8), (8, 0, 4000, 0.0, 0.2)]


def test_kol_effect(world):
    # KOL 1: commission 800 - 200 = 600 in March; ROI = 10000 / 600
    assert rows("kol_effect") == [(1, 2, 1, 2, 1, 1, 10000, 500, 600, 16.67, 5_000_000)]
    assert rows("kol_effect", kol_id=9) == [(9, 0, 0, 0, 0, 0, 0, 0, 0, None, None)]
    assert rows("kol_effect", community_id=11) == [(1, 0, 0, 0, 1, 0, 0, 0, 0, None, None)]
    april = {"date_from": D("2026-04-01"), "date_to": D("2026-04-30")}
    assert rows("kol_effect", **april) == [(1, 0, 0, 0, 0, 0, 0, 0, 900, 0.0, None)]


def test_content_effect(world):
    assert rows("content_effect") == [(100, 2, 1, 1, 10000, 0.5, 1.0), (101, 2, 0, 0, 0, 0.0, None)]


def test_a_changed_row_counts_once_in_its_latest_version(world):
    put(world, "orders", [{"id": 3, "user_id": 5, "status": "refunded", "paid_fen": 4000, "refunded_fen": 4000,
                           "community_id": 11, "created_at": at("2026-03-03"), "paid_at": at("2026-03-03"),
                           "_v": 5}])
    assert one("sales", community_id=11)["refunded_fen"] == 4000
    assert one("sales", community_id=11)["paid_orders"] == 1
