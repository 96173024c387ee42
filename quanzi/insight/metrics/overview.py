"""Platform activity: DAU / WAU / MAU, stickiness, new vs returning members."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from quanzi.insight.metrics.registry import Metric, register
from quanzi.insight.metrics.sqlparts import ACTIVE_DAYS, SCOPE_DAYS, in_community, in_range

register(Metric(
    key="dau",
    title=_("日活跃用户（DAU）"),
    definition=_("每天至少有一条行为事件（浏览、点赞、评论、加购、下单等任何事件）的不同用户数。选了社群时只算发生在该社群的事件。"),
    sql=f"""
SELECT day, count(*) AS dau
FROM ({ACTIVE_DAYS}) AS a
GROUP BY day
ORDER BY day
""",
    chart="line",
    group="overview",
))

register(Metric(
    key="active_users",
    title=_("周活、月活与粘性"),
    definition=_("截至结束日：周活（WAU）= 最近 7 天有事件的不同用户数；月活（MAU）= 最近 30 天有事件的不同用户数；"
                 "粘性 = 最近 30 天平均日活 ÷ 月活（越接近 1 越是天天来）。"),
    sql=f"""
WITH d AS (
    SELECT user_id, day
    FROM ({SCOPE_DAYS}) AS s
    WHERE date_diff('day', day, CAST($date_to AS DATE)) BETWEEN 0 AND 29
),
u AS (SELECT user_id, max(day) AS last_day, count(*) AS active_days FROM d GROUP BY user_id)
-- one row per user of the 30 days: DAU and WAU count those whose last active day is late enough
SELECT CAST(coalesce(sum(CASE WHEN last_day = CAST($date_to AS DATE) THEN 1 ELSE 0 END), 0) AS BIGINT) AS dau,
       CAST(coalesce(sum(CASE WHEN date_diff('day', last_day, CAST($date_to AS DATE)) <= 6 THEN 1 ELSE 0 END), 0)
            AS BIGINT) AS wau,
       count(*) AS mau,
       round(CAST(sum(active_days) AS DOUBLE) / 30 / nullif(count(*), 0), 4) AS stickiness
FROM u
""",
    chart="number",
    group="overview",
))

register(Metric(
    key="new_vs_returning",
    title=_("新老用户"),
    definition=_("每天的活跃用户中：新用户 = 这一天是他第一次有事件的日子（看全部历史）；老用户 = 之前来过的。"),
    sql=f"""
SELECT day,
       sum(CASE WHEN first_day = day THEN 1 ELSE 0 END) AS new_users,
       sum(CASE WHEN first_day < day THEN 1 ELSE 0 END) AS returning_users
FROM ({ACTIVE_DAYS}) AS a
GROUP BY day
ORDER BY day
""",
    chart="bar",
    group="overview",
))

register(Metric(
    key="retention_daily",
    title=_("留存（次日、7 日、30 日）"),
    definition=_("按首次活跃日分组（首次活跃日在所选日期内）：N 日留存 = 首次活跃后第 N 天又有事件的用户 ÷ 该组人数。"
                 "第 N 天还没到的组，该项为空。"),
    sql=f"""
WITH days AS ({SCOPE_DAYS}),
c AS (SELECT * FROM days WHERE {in_range('first_day')}),
last_day AS (SELECT max(day) AS last_day FROM days)
-- one row per user and active day, each carrying the user's first day: a sum of matching rows counts users
SELECT c.first_day AS cohort_day,
       CAST(sum(CASE WHEN c.day = c.first_day THEN 1 ELSE 0 END) AS BIGINT) AS users,
       round(CAST(sum(CASE WHEN date_diff('day', c.first_day, c.day) = 1 THEN 1 ELSE 0 END) AS DOUBLE)
             / sum(CASE WHEN c.day = c.first_day THEN 1 ELSE 0 END), 4) AS d1,
       CASE WHEN date_diff('day', c.first_day, max(l.last_day)) >= 7 THEN
       round(CAST(sum(CASE WHEN date_diff('day', c.first_day, c.day) = 7 THEN 1 ELSE 0 END) AS DOUBLE)
             / sum(CASE WHEN c.day = c.first_day THEN 1 ELSE 0 END), 4) END AS d7,
       CASE WHEN date_diff('day', c.first_day, max(l.last_day)) >= 30 THEN
       round(CAST(sum(CASE WHEN date_diff('day', c.first_day, c.day) = 30 THEN 1 ELSE 0 END) AS DOUBLE)
             / sum(CASE WHEN c.day = c.first_day THEN 1 ELSE 0 END), 4) END AS d30
FROM c CROSS JOIN last_day AS l
GROUP BY c.first_day
ORDER BY c.first_day
""",
    chart="table",
    group="overview",
))

register(Metric(
    key="retention_weekly",
    title=_("周留存（同期群）"),
    definition=_("按首次活跃所在周（周一开始）分组：第 N 周留存 = 首次活跃后第 N 周又有事件的用户 ÷ 该组人数（第 0 周为 1）。"),
    sql=f"""
WITH c AS (
    SELECT user_id, day, first_day, date_trunc('week', first_day) AS cohort_week
    FROM ({SCOPE_DAYS}) AS s WHERE {in_range('first_day')}
),
size AS (SELECT cohort_week, count(*) AS users FROM c WHERE day = first_day GROUP BY cohort_week),
act AS (
    SELECT DISTINCT cohort_week, user_id,
           CAST(floor(date_diff('day', CAST(cohort_week AS DATE), CAST(date_trunc('week', day) AS DATE)) / 7)
                AS BIGINT) AS week_n
    FROM c
)
SELECT CAST(a.cohort_week AS DATE) AS cohort_week, a.week_n, count(*) AS users,
       round(CAST(count(*) AS DOUBLE) / max(s.users), 4) AS rate
FROM act AS a JOIN size AS s ON s.cohort_week = a.cohort_week
GROUP BY a.cohort_week, a.week_n
ORDER BY cohort_week, a.week_n
""",
    chart="heatmap",
    group="overview",
))

FUNNEL_STEPS = (("visit", None), ("product", "product.view"), ("cart", "cart.add"), ("order", "order.place"),
                ("paid", "order.paid"))

register(Metric(
    key="funnel",
    title=_("购买漏斗"),
    definition=_("所选日期内：访问（有任何事件）→ 浏览商品（product.view）→ 加购（cart.add）→ 下单（order.place）→ "
                 "付款（order.paid）。每一步只算前面各步都做过的用户（封闭漏斗，不看先后）；转化率 = 本步 ÷ 上一步，"
                 "流失 = 上一步 − 本步。"),
    sql=f"""
WITH u AS (
    SELECT user_id,
           max(CASE WHEN name = 'product.view' THEN 1 ELSE 0 END) AS s2,
           max(CASE WHEN name = 'cart.add' THEN 1 ELSE 0 END) AS s3,
           max(CASE WHEN name = 'order.place' THEN 1 ELSE 0 END) AS s4,
           max(CASE WHEN name = 'order.paid' THEN 1 ELSE 0 END) AS s5
    FROM event_days
    WHERE user_id IS NOT NULL AND {in_range('day')} AND {in_community('community_id')}
    GROUP BY user_id
),
n AS (
    SELECT count(*) AS n1, sum(s2) AS n2, sum(s2 * s3) AS n3, sum(s2 * s3 * s4) AS n4, sum(s2 * s3 * s4 * s5) AS n5
    FROM u
),
steps AS (
    SELECT 1 AS step_no, 'visit' AS step, n1 AS users FROM n
    UNION ALL SELECT 2, 'product', n2 FROM n
    UNION ALL SELECT 3, 'cart', n3 FROM n
    UNION ALL SELECT 4, 'order', n4 FROM n
    UNION ALL SELECT 5, 'paid', n5 FROM n
)
SELECT step_no, step, coalesce(users, 0) AS users,
       round(CAST(users AS DOUBLE) / nullif(lag(users) OVER (ORDER BY step_no), 0), 4) AS rate_from_previous,
       round(CAST(users AS DOUBLE) / nullif(first_value(users) OVER (ORDER BY step_no), 0), 4) AS rate_from_first,
       coalesce(lag(users) OVER (ORDER BY step_no) - users, 0) AS drop_off
FROM steps
ORDER BY step_no
""",
    chart="funnel",
    group="overview",
))
