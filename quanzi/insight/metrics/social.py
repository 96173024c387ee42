"""Community health, invites and K-factor, KOL effect, content effect per post."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from quanzi.insight.metrics.registry import Metric, register
from quanzi.insight.metrics.sqlparts import for_kol, in_community, in_range

register(Metric(
    key="invites",
    title=_("邀请转化与 K 因子"),
    definition=_("所选日期内：邀请码 = 新建的邀请码数；经邀请加入 = 通过邀请加入（有邀请人）的新成员数；邀请人 = 他们的"
                 "不同邀请人数；邀请转化 = 经邀请加入 ÷ 邀请码；K 因子 = 经邀请加入 ÷ 期初已有成员数（每位老成员平均带来"
                 "几位新成员，大于 1 即自增长）。"),
    sql=f"""
WITH j AS (
    SELECT user_id, invited_by_id FROM memberships
    WHERE status = 'active' AND joined_at IS NOT NULL AND {in_range('joined_at')} AND {in_community('community_id')}
),
base AS (
    SELECT count(DISTINCT user_id) AS members FROM memberships
    WHERE status = 'active' AND CAST(joined_at AS DATE) < CAST($date_from AS DATE) AND {in_community('community_id')}
),
inv AS (
    SELECT coalesce(sum(n), 0) AS invitations FROM event_days
    WHERE name = 'community.invitation_create' AND {in_range('day')} AND {in_community('community_id')}
)
SELECT inv.invitations,
       (SELECT count(*) FROM j WHERE invited_by_id IS NOT NULL) AS invited_joins,
       (SELECT count(DISTINCT invited_by_id) FROM j) AS inviters,
       round(CAST((SELECT count(*) FROM j WHERE invited_by_id IS NOT NULL) AS DOUBLE) / nullif(inv.invitations, 0), 4)
           AS invite_conversion,
       round(CAST((SELECT count(*) FROM j WHERE invited_by_id IS NOT NULL) AS DOUBLE) / nullif(base.members, 0), 4)
           AS k_factor
FROM inv CROSS JOIN base
""",
    chart="number",
    group="community",
))

register(Metric(
    key="community_health",
    title=_("社群健康度"),
    definition=_("每个社群，所选日期内：活跃率 = 有事件的成员 ÷ 成员；人均发帖、人均互动（评论 + 点赞）；横向比 = 成员回复"
                 "成员的评论 ÷ 全部成员与群主之间的评论（群主↔成员）；新增、流失成员；问答首答时间（小时，中位数）。"
                 "健康分（0–100）= 40×活跃率 + 20×min(人均互动÷5, 1) + 20×横向占比 + 20×净增长（新增 ÷ (新增 + 流失)）。"),
    sql=f"""
WITH m AS (
    SELECT community_id, user_id, role FROM memberships
    WHERE status = 'active' AND {in_community('community_id')}
),
size AS (SELECT community_id, count(*) AS members FROM m GROUP BY community_id),
act AS (
    SELECT e.community_id, count(DISTINCT e.user_id) AS active_members,
           sum(CASE WHEN e.name = 'post.like' THEN e.n ELSE 0 END) AS likes
    FROM event_days AS e JOIN m ON m.community_id = e.community_id AND m.user_id = e.user_id
    WHERE {in_range('e.day')}
    GROUP BY e.community_id
),
p AS (
    SELECT community_id, count(*) AS posts FROM posts
    WHERE status = 'published' AND {in_range('created_at')} AND {in_community('community_id')}
    GROUP BY community_id
),
c AS (
    -- who answers whom: a reply's target is its parent comment's author, else the post's author
    SELECT c.community_id, c.id,
           CASE WHEN ma.role = 'owner' THEN 1 ELSE 0 END AS from_owner,
           CASE WHEN mt.role = 'owner' THEN 1 ELSE 0 END AS to_owner,
           CASE WHEN c.author_id = coalesce(pc.author_id, po.author_id) THEN 1 ELSE 0 END AS to_self
    FROM comments AS c
    JOIN posts AS po ON po.id = c.post_id
    LEFT JOIN comments AS pc ON pc.id = c.parent_id
    LEFT JOIN m AS ma ON ma.community_id = c.community_id AND ma.user_id = c.author_id
    LEFT JOIN m AS mt ON mt.community_id = c.community_id AND mt.user_id = coalesce(pc.author_id, po.author_id)
    WHERE {in_range('c.created_at')} AND {in_community('c.community_id')}
),
cc AS (
    SELECT community_id, count(*) AS comments,
           sum(CASE WHEN from_owner = 0 AND to_owner = 0 AND to_self = 0 THEN 1 ELSE 0 END) AS member_to_member,
           sum(CASE WHEN (from_owner + to_owner) = 1 AND to_self = 0 THEN 1 ELSE 0 END) AS owner_member
    FROM c GROUP BY community_id
),
moves AS (
    SELECT community_id,
           sum(CASE WHEN name = 'community.join' THEN n ELSE 0 END) AS joined,
           sum(CASE WHEN name = 'community.leave' THEN n ELSE 0 END) AS churned
    FROM event_days
    WHERE name IN ('community.join', 'community.leave') AND {in_range('day')}
      AND {in_community('community_id')}
    GROUP BY community_id
),
q AS (
    SELECT po.community_id,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY date_diff('second', po.created_at, fa.first_at)) / 3600.0
               AS first_answer_hours
    FROM posts AS po
    JOIN (SELECT c.post_id, min(c.created_at) AS first_at FROM comments AS c JOIN posts AS p2 ON p2.id = c.post_id
          WHERE c.author_id <> p2.author_id GROUP BY c.post_id) AS fa ON fa.post_id = po.id
    WHERE po.kind = 'question' AND {in_range('po.created_at')} AND {in_community('po.community_id')}
    GROUP BY po.community_id
),
t AS (
    SELECT s.community_id, s.members, coalesce(a.active_members, 0) AS active_members,
           CAST(coalesce(a.active_members, 0) AS DOUBLE) / s.members AS active_ratio,
           CAST(coalesce(p.posts, 0) AS DOUBLE) / s.members AS posts_per_member,
           CAST(coalesce(cc.comments, 0) + coalesce(a.likes, 0) AS DOUBLE) / s.members AS interactions_per_member,
           coalesce(cc.member_to_member, 0) AS member_to_member, coalesce(cc.owner_member, 0) AS owner_member,
           coalesce(mv.joined, 0) AS joined, coalesce(mv.churned, 0) AS churned, q.first_answer_hours
    FROM size AS s
    LEFT JOIN act AS a ON a.community_id = s.community_id
    LEFT JOIN p ON p.community_id = s.community_id
    LEFT JOIN cc ON cc.community_id = s.community_id
    LEFT JOIN moves AS mv ON mv.community_id = s.community_id
    LEFT JOIN q ON q.community_id = s.community_id
)
SELECT community_id, members, active_members, round(active_ratio, 4) AS active_ratio,
       round(posts_per_member, 4) AS posts_per_member, round(interactions_per_member, 4) AS interactions_per_member,
       member_to_member, owner_member,
       round(CAST(member_to_member AS DOUBLE) / nullif(owner_member, 0), 4) AS horizontal_ratio,
       joined, churned, round(first_answer_hours, 2) AS first_answer_hours,
       round(40 * active_ratio + 20 * least(interactions_per_member / 5, 1.0)
             + 20 * coalesce(CAST(member_to_member AS DOUBLE) / nullif(member_to_member + owner_member, 0), 0)
             + 20 * coalesce(CAST(joined AS DOUBLE) / nullif(joined + churned, 0), 0), 1) AS health_score
FROM t
ORDER BY health_score DESC, community_id
""",
    chart="table",
    group="community",
))

register(Metric(
    key="community_vs_platform",
    title=_("本群买什么（对比全平台）"),
    definition=_("所选日期内付款的订单行按商品类目：本群占比 = 该类目实付 ÷ 本群实付；全平台占比同理；差值为正说明本群更偏爱"
                 "这个类目。未选社群时只列全平台。"),
    sql=f"""
WITH l AS (
    SELECT category_id, community_id, payable_fen FROM order_lines
    WHERE paid_at IS NOT NULL AND {in_range('paid_at')} AND category_id IS NOT NULL
),
pl AS (SELECT category_id, sum(payable_fen) AS fen FROM l GROUP BY category_id),
cm AS (SELECT category_id, sum(payable_fen) AS fen FROM l WHERE {in_community('community_id')} GROUP BY category_id),
tot AS (SELECT (SELECT sum(fen) FROM pl) AS platform_fen, (SELECT sum(fen) FROM cm) AS community_fen)
SELECT pl.category_id, coalesce(cm.fen, 0) AS community_fen, pl.fen AS platform_fen,
       round(CAST(coalesce(cm.fen, 0) AS DOUBLE) / nullif(tot.community_fen, 0), 4) AS community_share,
       round(CAST(pl.fen AS DOUBLE) / nullif(tot.platform_fen, 0), 4) AS platform_share
FROM pl LEFT JOIN cm ON cm.category_id = pl.category_id CROSS JOIN tot
ORDER BY community_fen DESC, platform_fen DESC, pl.category_id
""",
    chart="table",
    group="community",
))

register(Metric(
    key="kol_effect",
    title=_("达人效果"),
    definition=_("每位达人（订单行上被归因的达人，或所选达人），所选日期内：触达 = 浏览他帖子的不同用户；点击 = 他帖子里的"
                 "商品卡片点击；互动 = 他帖子收到的评论和点赞；新增粉丝 = 新关注他的人；归因订单与成交额 = 付款订单行"
                 "上归因给他的订单数和实付（分）；平台佣金（分）= 这些订单行的平台佣金；达人佣金（分）= 分销佣金账本里记给他的"
                 "佣金净额（订单佣金减退款冲回，按入账日）；投入产出比 = 归因成交额 ÷ 达人佣金；每千次触达成交额。"),
    sql=f"""
WITH k AS (
    SELECT DISTINCT kol_id FROM order_lines WHERE kol_id IS NOT NULL AND {for_kol('kol_id')}
    UNION
    SELECT CAST($kol_id AS BIGINT) WHERE CAST($kol_id AS BIGINT) IS NOT NULL
),
kp AS (SELECT p.id AS post_id, p.author_id AS kol_id FROM posts AS p JOIN k ON k.kol_id = p.author_id
       WHERE {in_community('p.community_id')}),
e AS (
    SELECT kp.kol_id,
           count(DISTINCT CASE WHEN e.name = 'post.view' THEN e.user_id END) AS reach,
           sum(CASE WHEN e.name = 'product.card_click' THEN e.n ELSE 0 END) AS clicks,
           sum(CASE WHEN e.name IN ('post.like', 'comment.create') THEN e.n ELSE 0 END) AS interactions
    FROM event_days AS e JOIN kp ON kp.post_id = e.post_id
    WHERE {in_range('e.day')}
    GROUP BY kp.kol_id
),
f AS (
    SELECT followee_id AS kol_id, count(*) AS new_followers FROM follows JOIN k ON k.kol_id = follows.followee_id
    WHERE {in_range('created_at')} GROUP BY followee_id
),
o AS (
    SELECT kol_id, count(DISTINCT order_id) AS orders, sum(payable_fen) AS gmv_fen,
           sum(commission_fen) AS commission_fen
    FROM order_lines
    WHERE kol_id IS NOT NULL AND paid_at IS NOT NULL AND {in_range('paid_at')} AND {for_kol('kol_id')}
      AND {in_community('community_id')}
    GROUP BY kol_id
),
cm AS (
    -- what the distribution ledger booked to the KOL: accruals less refund reversals (releases and withdrawals
    -- move money between the KOL's buckets and are not counted again)
    SELECT c.user_id AS kol_id, sum(c.amount_fen) AS kol_commission_fen
    FROM commissions AS c JOIN k ON k.kol_id = c.user_id
    WHERE c.kind IN ('accrue', 'reverse') AND {in_range('c.created_at')} AND {in_community('c.community_id')}
    GROUP BY c.user_id
)
SELECT k.kol_id, coalesce(e.reach, 0) AS reach, coalesce(e.clicks, 0) AS clicks,
       coalesce(e.interactions, 0) AS interactions, coalesce(f.new_followers, 0) AS new_followers,
       coalesce(o.orders, 0) AS orders, coalesce(o.gmv_fen, 0) AS gmv_fen,
       coalesce(o.commission_fen, 0) AS commission_fen,
       coalesce(cm.kol_commission_fen, 0) AS kol_commission_fen,
       round(CAST(coalesce(o.gmv_fen, 0) AS DOUBLE) / nullif(cm.kol_commission_fen, 0), 2) AS roi,
       CAST(round(CAST(coalesce(o.gmv_fen, 0) AS DOUBLE) * 1000 / nullif(e.reach, 0)) AS BIGINT) AS gmv_per_1000_reach_fen
FROM k
LEFT JOIN e ON e.kol_id = k.kol_id LEFT JOIN f ON f.kol_id = k.kol_id LEFT JOIN o ON o.kol_id = k.kol_id
LEFT JOIN cm ON cm.kol_id = k.kol_id
ORDER BY gmv_fen DESC, k.kol_id
""",
    chart="table",
    group="kol",
))

register(Metric(
    key="content_effect",
    title=_("内容效果（每篇帖子）"),
    definition=_("每篇帖子，所选日期内：浏览（post.view 次数）→ 商品点击（帖内商品卡片点击）→ 归因订单（付款订单行归因到"
                 "这篇帖子的订单数）与成交额（分）；点击率 = 点击 ÷ 浏览，下单率 = 订单 ÷ 点击。"),
    sql=f"""
WITH e AS (
    SELECT post_id,
           sum(CASE WHEN name = 'post.view' THEN n ELSE 0 END) AS views,
           sum(CASE WHEN name = 'product.card_click' THEN n ELSE 0 END) AS clicks
    FROM event_days
    WHERE post_id IS NOT NULL AND name IN ('post.view', 'product.card_click') AND {in_range('day')}
      AND {in_community('community_id')}
    GROUP BY post_id
),
o AS (
    SELECT post_id, count(DISTINCT order_id) AS orders, sum(payable_fen) AS gmv_fen FROM order_lines
    WHERE post_id IS NOT NULL AND paid_at IS NOT NULL AND {in_range('paid_at')} AND {in_community('community_id')}
    GROUP BY post_id
)
SELECT coalesce(e.post_id, o.post_id) AS post_id, coalesce(e.views, 0) AS views, coalesce(e.clicks, 0) AS clicks,
       coalesce(o.orders, 0) AS orders, coalesce(o.gmv_fen, 0) AS gmv_fen,
       round(CAST(coalesce(e.clicks, 0) AS DOUBLE) / nullif(e.views, 0), 4) AS click_rate,
       round(CAST(coalesce(o.orders, 0) AS DOUBLE) / nullif(e.clicks, 0), 4) AS order_rate
FROM e FULL OUTER JOIN o ON o.post_id = e.post_id
ORDER BY gmv_fen DESC, views DESC, post_id
""",
    chart="table",
    group="content",
))
