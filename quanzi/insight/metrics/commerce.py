"""Sales: GMV, AOV, refunds, repurchase and its interval, each member's next purchase, RFM, revenue mix,
conversion by community / post / KOL / campaign. Money stays integer fen (rounded division) in every result."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from quanzi.insight.metrics.registry import Metric, register
from quanzi.insight.metrics.sqlparts import in_community, in_range

# paid orders whose payment day is in the range: the base of every sales figure
PAID = f"""
SELECT id, user_id, community_id, paid_at, paid_fen, refunded_fen, commission_fen
FROM orders
WHERE paid_at IS NOT NULL AND {in_range('paid_at')} AND {in_community('community_id')}
"""

register(Metric(
    key="sales",
    title=_("成交额、客单价与退款率"),
    definition=_("所选日期内付款的订单：成交额（GMV）= 实付合计（分）；客单价（AOV）= 成交额 ÷ 付款订单数；"
                 "退款率 = 这些订单已退金额 ÷ 成交额；退款订单率 = 有退款的订单 ÷ 付款订单数。"),
    sql=f"""
SELECT count(*) AS paid_orders,
       count(DISTINCT user_id) AS buyers,
       coalesce(sum(paid_fen), 0) AS gmv_fen,
       CAST(round(CAST(sum(paid_fen) AS DOUBLE) / nullif(count(*), 0)) AS BIGINT) AS aov_fen,
       coalesce(sum(refunded_fen), 0) AS refunded_fen,
       round(CAST(sum(refunded_fen) AS DOUBLE) / nullif(sum(paid_fen), 0), 4) AS refund_rate,
       round(CAST(sum(CASE WHEN refunded_fen > 0 THEN 1 ELSE 0 END) AS DOUBLE) / nullif(count(*), 0), 4)
           AS refund_order_rate
FROM ({PAID}) AS p
""",
    chart="number",
    group="overview",
))

register(Metric(
    key="gmv_daily",
    title=_("每日成交"),
    definition=_("每天付款的订单数和实付合计（分），按付款时间计。"),
    sql=f"""
SELECT CAST(paid_at AS DATE) AS day, count(*) AS paid_orders, sum(paid_fen) AS gmv_fen
FROM ({PAID}) AS p
GROUP BY CAST(paid_at AS DATE)
ORDER BY day
""",
    chart="line",
    group="overview",
))

_GAPS = f"""
WITH p AS ({PAID}),
g AS (
    SELECT user_id,
           date_diff('second', lag(paid_at) OVER (PARTITION BY user_id ORDER BY paid_at, id), paid_at) AS gap_s
    FROM p
)
"""

register(Metric(
    key="repurchase",
    title=_("复购率与复购周期"),
    definition=_("所选日期内付过款的买家中：复购率 = 付款订单 ≥ 2 的买家 ÷ 全部买家；复购周期 = 同一买家相邻两次付款的"
                 "间隔（天）的平均数和中位数。"),
    sql=_GAPS + """
, b AS (SELECT user_id, count(*) AS orders FROM p GROUP BY user_id)
SELECT (SELECT count(*) FROM b) AS buyers,
       (SELECT count(*) FROM b WHERE orders >= 2) AS repeat_buyers,
       round(CAST((SELECT count(*) FROM b WHERE orders >= 2) AS DOUBLE) / nullif((SELECT count(*) FROM b), 0), 4)
           AS repurchase_rate,
       round(avg(gap_s) / 86400.0, 2) AS interval_days_mean,
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY gap_s) / 86400.0, 2) AS interval_days_median
FROM g WHERE gap_s IS NOT NULL
""",
    chart="number",
    group="overview",
))

register(Metric(
    key="repurchase_interval",
    title=_("复购间隔分布"),
    definition=_("同一买家相邻两次付款的间隔，按整天数分组（0 = 同一天内再次购买）的次数。"),
    sql=_GAPS + """
SELECT CAST(floor(gap_s / 86400.0) AS BIGINT) AS days, count(*) AS repeats
FROM g WHERE gap_s IS NOT NULL
GROUP BY CAST(floor(gap_s / 86400.0) AS BIGINT)
ORDER BY days
""",
    chart="bar",
    group="overview",
))

register(Metric(
    key="next_purchase",
    title=_("预计下次购买"),
    definition=_("每位买过 2 次以上的会员：预计下次购买日 = 最近一次付款日 + 他自己的平均复购间隔（截至结束日的全部"
                 "付款）。只买过一次的会员用全平台复购间隔的中位数。为什么不用 BG/NBD、在留出时间上的准确率见 "
                 "docs/notes/insight.md。"),
    sql=f"""
WITH p AS (
    SELECT id, user_id, paid_at FROM orders
    WHERE paid_at IS NOT NULL AND CAST(paid_at AS DATE) <= CAST($date_to AS DATE) AND {in_community('community_id')}
),
g AS (
    SELECT user_id, paid_at,
           date_diff('second', lag(paid_at) OVER (PARTITION BY user_id ORDER BY paid_at, id), paid_at) AS gap_s
    FROM p
),
m AS (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY gap_s) AS median_gap_s FROM g WHERE gap_s IS NOT NULL),
u AS (SELECT user_id, count(*) AS orders, max(paid_at) AS last_paid_at, avg(gap_s) AS mean_gap_s
      FROM g GROUP BY user_id)
SELECT u.user_id, u.orders, CAST(u.last_paid_at AS DATE) AS last_paid_day,
       round(coalesce(u.mean_gap_s, m.median_gap_s) / 86400.0, 2) AS expected_interval_days,
       CAST(u.last_paid_at AS DATE) + CAST(round(coalesce(u.mean_gap_s, m.median_gap_s) / 86400.0) AS INTEGER)
           AS predicted_next_day
FROM u CROSS JOIN m
WHERE CAST(u.last_paid_at AS DATE) >= CAST($date_from AS DATE)
ORDER BY predicted_next_day, u.user_id
""",
    chart="table",
    group="overview",
))

register(Metric(
    key="rfm",
    title=_("RFM 分层"),
    definition=_("所选日期内付过款的买家：R = 结束日距最近一次付款的天数，F = 付款订单数，M = 实付合计。R 不高于平均为"
                 "“近”，F、M 高于平均为“高”。三项都好为重要价值客户，依次分成八类（重要价值、重要发展、重要保持、"
                 "重要挽留、一般价值、一般发展、一般保持、一般挽留）。"),
    sql=f"""
WITH p AS ({PAID}),
u AS (
    SELECT user_id, date_diff('day', CAST(max(paid_at) AS DATE), CAST($date_to AS DATE)) AS recency,
           count(*) AS frequency, sum(paid_fen) AS monetary_fen
    FROM p GROUP BY user_id
),
a AS (SELECT avg(recency) AS r, avg(frequency) AS f, avg(monetary_fen) AS m FROM u),
s AS (
    SELECT u.*, CASE WHEN u.recency <= a.r THEN 1 ELSE 0 END AS r_hi,
           CASE WHEN u.frequency > a.f THEN 1 ELSE 0 END AS f_hi,
           CASE WHEN u.monetary_fen > a.m THEN 1 ELSE 0 END AS m_hi
    FROM u CROSS JOIN a
)
SELECT CASE r_hi * 4 + f_hi * 2 + m_hi
         WHEN 7 THEN '重要价值客户' WHEN 5 THEN '重要发展客户' WHEN 3 THEN '重要保持客户' WHEN 1 THEN '重要挽留客户'
         WHEN 6 THEN '一般价值客户' WHEN 4 THEN '一般发展客户' WHEN 2 THEN '一般保持客户' ELSE '一般挽留客户' END
           AS segment,
       count(*) AS members, round(avg(recency), 2) AS recency_days, round(avg(frequency), 2) AS orders,
       CAST(round(avg(monetary_fen)) AS BIGINT) AS monetary_fen
FROM s
GROUP BY r_hi * 4 + f_hi * 2 + m_hi
ORDER BY members DESC, segment
""",
    chart="table",
    group="overview",
))

register(Metric(
    key="revenue_mix",
    title=_("收入构成"),
    definition=_("所选日期内付款的订单带来的平台收入（分）：商品佣金 = 普通订单的平台佣金；付费会员 = 会员方案订单的实付"
                 "（membership.buy 事件指向的订单）。退款从各项扣除。"),
    sql=f"""
WITH p AS ({PAID}),
ms AS (SELECT DISTINCT order_id FROM events WHERE name = 'membership.buy' AND order_id IS NOT NULL),
t AS (
    SELECT CASE WHEN ms.order_id IS NULL THEN 'commission' ELSE 'membership' END AS line,
           CASE WHEN ms.order_id IS NULL THEN p.commission_fen ELSE p.paid_fen - p.refunded_fen END AS fen
    FROM p LEFT JOIN ms ON ms.order_id = p.id
)
SELECT line, count(*) AS orders, sum(fen) AS revenue_fen FROM t GROUP BY line ORDER BY line
""",
    chart="bar",
    group="overview",
))

# conversion: visitors of a unit in the range vs. its credited paid orders (order lines carry the credit)
_CREDITED = f"""
SELECT l.order_id, l.user_id, l.community_id, l.post_id, l.kol_id, l.payable_fen, l.refunded_fen
FROM order_lines AS l
WHERE l.paid_at IS NOT NULL AND {in_range('l.paid_at')} AND {in_community('l.community_id')}
"""

register(Metric(
    key="conversion_by_community",
    title=_("各社群转化"),
    definition=_("所选日期内：访客 = 在该社群有事件的不同用户；买家 = 付款订单行归因到该社群的不同用户；"
                 "转化率 = 买家 ÷ 访客；成交额 = 这些订单行的实付（分）。"),
    sql=f"""
WITH v AS (
    SELECT community_id, count(DISTINCT user_id) AS visitors FROM event_days
    WHERE community_id IS NOT NULL AND user_id IS NOT NULL AND {in_range('day')}
      AND {in_community('community_id')}
    GROUP BY community_id
),
b AS (
    SELECT community_id, count(DISTINCT user_id) AS buyers, count(DISTINCT order_id) AS orders,
           sum(payable_fen) AS gmv_fen
    FROM ({_CREDITED}) AS c WHERE community_id IS NOT NULL GROUP BY community_id
)
SELECT coalesce(v.community_id, b.community_id) AS community_id, coalesce(v.visitors, 0) AS visitors,
       coalesce(b.buyers, 0) AS buyers, coalesce(b.orders, 0) AS orders, coalesce(b.gmv_fen, 0) AS gmv_fen,
       round(CAST(coalesce(b.buyers, 0) AS DOUBLE) / nullif(v.visitors, 0), 4) AS conversion
FROM v FULL OUTER JOIN b ON b.community_id = v.community_id
ORDER BY gmv_fen DESC, community_id
""",
    chart="table",
    group="community",
))

register(Metric(
    key="conversion_by_campaign",
    title=_("各活动转化"),
    definition=_("拼团：浏览拼团页的用户 → 开团或参团下单 → 付款；秒杀：浏览秒杀页 → 抢到下单 → 付款；优惠券：领到券"
                 "（领取、发放、券包）→ 下单用券 → 付款（用券下单的用户在所选日期内付款了一笔带优惠的订单）。各步为所选"
                 "日期内做过这一步的不同用户，转化率 = 付款 ÷ 第一步。"),
    sql=f"""
WITH e AS (
    SELECT user_id, name FROM event_days
    WHERE user_id IS NOT NULL AND {in_range('day')} AND {in_community('community_id')}
      AND name IN ('groupbuy.group_view', 'groupbuy.group_open', 'groupbuy.group_join', 'groupbuy.place_paid',
                   'page.flashsale', 'flashsale.reserve', 'flashsale.paid',
                   'coupon.claim', 'coupon.packet_claim', 'coupon.redeem')
),
s AS (
    SELECT user_id,
           CASE WHEN name LIKE 'groupbuy.%' THEN 'groupbuy' WHEN name LIKE 'coupon.%' THEN 'coupon'
                ELSE 'flashsale' END AS campaign,
           CASE WHEN name IN ('groupbuy.group_view', 'page.flashsale', 'coupon.claim', 'coupon.packet_claim') THEN 1
                WHEN name IN ('groupbuy.place_paid', 'flashsale.paid') THEN 3 ELSE 2 END AS step
    FROM e
),
discounted_payers AS (
    SELECT DISTINCT user_id FROM orders
    WHERE paid_at IS NOT NULL AND discount_fen > 0 AND {in_range('paid_at')} AND {in_community('community_id')}
),
steps AS (
    SELECT user_id, campaign, step FROM s
    UNION ALL
    SELECT s.user_id, 'coupon' AS campaign, 3 AS step
    FROM s JOIN discounted_payers AS p ON p.user_id = s.user_id
    WHERE s.campaign = 'coupon' AND s.step = 2
)
SELECT campaign,
       count(DISTINCT CASE WHEN step = 1 THEN user_id END) AS viewers,
       count(DISTINCT CASE WHEN step = 2 THEN user_id END) AS orderers,
       count(DISTINCT CASE WHEN step = 3 THEN user_id END) AS payers,
       round(CAST(count(DISTINCT CASE WHEN step = 3 THEN user_id END) AS DOUBLE)
             / nullif(count(DISTINCT CASE WHEN step = 1 THEN user_id END), 0), 4) AS conversion
FROM steps
GROUP BY campaign
ORDER BY campaign
""",
    chart="table",
    group="campaign",
))
