"""The tag definitions (四元分析法: basic attributes, behaviour, needs and scenarios, social) and how one member's
tags are computed from the event log, their orders, memberships, follows, replies and invitations.

A tag's code is "<kind>:<value>". Each kind says its group, how its label reads and how its reason reads (in the
reader's language, at read time, from the stored `value_label` and `evidence`). `compute_member_tags` is pure
reading: it returns the tags; `services.persona_refresh` stores them. Thresholds are written next to each kind and
in docs/notes/personas.md; the window is the last `WINDOW_DAYS` days.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from quanzi.accounts import persona_selectors as account_reads
from quanzi.accounts.enums import Gender, IncomeBand
from quanzi.catalog import persona_selectors as catalog_reads
from quanzi.communities import persona_selectors as community_reads
from quanzi.content import persona_selectors as content_reads
from quanzi.core import persona_selectors as event_reads
from quanzi.core.money import format_yuan
from quanzi.core.timeutil import SHANGHAI
from quanzi.orders import persona_selectors as order_reads
from quanzi.personas.enums import TagGroup
from quanzi.referrals.invites import selectors as invite_reads

WINDOW_DAYS = 90


@dataclass(frozen=True)
class Kind:
    group: str
    label: Callable[[str, str], str]  # (value, value_label) -> label
    reason: Callable[[dict[str, Any]], str]  # evidence -> why the member has it


@dataclass(frozen=True)
class ComputedTag:
    code: str
    group: str
    score: int
    value_label: str = ""
    evidence: dict[str, Any] = field(default_factory=dict)


def _choice(choices: Any, value: str) -> str:
    return str(dict(choices.choices).get(value, value))


_BROWSE = {"heavy": gettext_noop("深度浏览"), "regular": gettext_noop("常来逛逛"), "light": gettext_noop("偶尔浏览")}
_BUY = {"frequent": gettext_noop("高频购买"), "repeat": gettext_noop("复购会员"), "first": gettext_noop("首购会员"), "cart_only": gettext_noop("加购未下单")}
_HOURS = {"morning": gettext_noop("上午活跃（6–12点）"), "afternoon": gettext_noop("下午活跃（12–18点）"), "evening": gettext_noop("晚间活跃（18–23点）"),
          "night": gettext_noop("深夜活跃（23–6点）")}
_PRICE = {"low": gettext_noop("平价（均价 50 元以下）"), "mid": gettext_noop("中等价位（50–200 元）"), "high": gettext_noop("品质（200–500 元）"),
          "premium": gettext_noop("高端（500 元以上）")}
_OCCASION = {"groupbuy": gettext_noop("拼团购物"), "flashsale": gettext_noop("秒杀抢购"), "coupon": gettext_noop("用券购物"), "weekend": gettext_noop("周末购物"),
             "late_night": gettext_noop("夜间下单")}
_SOCIAL = {"follows:many": gettext_noop("关注多位会员"), "followers:many": gettext_noop("有一批粉丝"), "replies:giver": gettext_noop("热心回复"),
           "replies:receiver": gettext_noop("常获回复"), "invites:inviter": gettext_noop("邀请过好友"), "invites:super": gettext_noop("邀请达人")}


def _t(table: dict[str, str], value: str) -> str:
    # the tables hold gettext_noop literals (extracted for the catalogue), translated here at read time
    return _(table[value]) if value in table else value



KINDS: dict[str, Kind] = {
    # --- basic attributes: only the persona fields the member filled in with consent (accounts.Persona) ---------
    "gender": Kind(TagGroup.BASIC, lambda v, _l: _("性别：%(v)s") % {"v": _choice(Gender, v)},
                   lambda e: _("你在资料中填写并同意使用")),
    "age": Kind(TagGroup.BASIC, lambda v, _l: _("年龄段：%(v)s后") % {"v": v[-2:]},
                lambda e: _("由你同意使用的出生年份得出")),
    "region": Kind(TagGroup.BASIC, lambda v, label: _("地区：%(v)s") % {"v": label or v},
                   lambda e: _("你在资料中填写并同意使用")),
    "income": Kind(TagGroup.BASIC, lambda v, _l: _("收入：%(v)s") % {"v": _choice(IncomeBand, v)},
                   lambda e: _("你在资料中填写并同意使用")),
    # --- behaviour ------------------------------------------------------------------------------------------------
    "browse": Kind(TagGroup.BEHAVIOUR, lambda v, _l: _t(_BROWSE, v),
                   lambda e: _("近 %(d)s 天浏览帖子和商品 %(n)s 次") % {"d": WINDOW_DAYS, "n": e.get("views", 0)}),
    "favourite": Kind(TagGroup.BEHAVIOUR, lambda v, _l: _("爱收藏"),
                      lambda e: _("近 %(d)s 天收藏 %(n)s 次") % {"d": WINDOW_DAYS, "n": e.get("favourites", 0)}),
    "comment": Kind(TagGroup.BEHAVIOUR, lambda v, _l: _("爱评论"),
                    lambda e: _("近 %(d)s 天评论 %(n)s 次") % {"d": WINDOW_DAYS, "n": e.get("comments", 0)}),
    "buy": Kind(TagGroup.BEHAVIOUR, lambda v, _l: _t(_BUY, v),
                lambda e: _("近 %(d)s 天付款订单 %(n)s 笔，加购 %(c)s 次") % {
                    "d": WINDOW_DAYS, "n": e.get("orders", 0), "c": e.get("cart_adds", 0)}),
    "hours": Kind(TagGroup.BEHAVIOUR, lambda v, _l: _t(_HOURS, v),
                  lambda e: _("近 %(d)s 天 %(p)s%% 的活动在这个时段") % {"d": WINDOW_DAYS, "p": e.get("share", 0)}),
    # --- needs and scenarios --------------------------------------------------------------------------------------
    "category": Kind(TagGroup.NEEDS, lambda v, label: _("偏好类目：%(v)s") % {"v": label or v},
                     lambda e: _("浏览 %(v)s 次、加购 %(c)s 次、购买 %(b)s 件") % {
                         "v": e.get("views", 0), "c": e.get("carts", 0), "b": e.get("bought", 0)}),
    "brand": Kind(TagGroup.NEEDS, lambda v, label: _("偏好品牌：%(v)s") % {"v": label or v},
                  lambda e: _("浏览 %(v)s 次、加购 %(c)s 次、购买 %(b)s 件") % {
                      "v": e.get("views", 0), "c": e.get("carts", 0), "b": e.get("bought", 0)}),
    "price": Kind(TagGroup.NEEDS, lambda v, _l: _("价格带：%(v)s") % {"v": _t(_PRICE, v)},
                  lambda e: _("买过的商品单价中位数 %(p)s") % {"p": format_yuan(int(e.get("median_fen", 0)))}),
    "occasion": Kind(TagGroup.NEEDS, lambda v, _l: _t(_OCCASION, v),
                     lambda e: _("%(n)s 笔订单属于这个场景（共 %(t)s 笔）") % {"n": e.get("orders", 0),
                                                                         "t": e.get("total", 0)}),
    # --- social ---------------------------------------------------------------------------------------------------
    "community": Kind(TagGroup.SOCIAL, lambda v, label: _("社群：%(v)s") % {"v": label or v},
                      lambda e: _("已加入；近 %(d)s 天在群里活动 %(n)s 次") % {"d": WINDOW_DAYS,
                                                                       "n": e.get("events", 0)}),
    "follows": Kind(TagGroup.SOCIAL, lambda v, _l: _t(_SOCIAL, f"follows:{v}"),
                    lambda e: _("关注了 %(n)s 人") % {"n": e.get("following", 0)}),
    "followers": Kind(TagGroup.SOCIAL, lambda v, _l: _t(_SOCIAL, f"followers:{v}"),
                      lambda e: _("有 %(n)s 位粉丝") % {"n": e.get("followers", 0)}),
    "replies": Kind(TagGroup.SOCIAL, lambda v, _l: _t(_SOCIAL, f"replies:{v}"),
                    lambda e: _("近 %(d)s 天回复别人 %(g)s 次，收到回复 %(r)s 次") % {
                        "d": WINDOW_DAYS, "g": e.get("given", 0), "r": e.get("received", 0)}),
    "invites": Kind(TagGroup.SOCIAL, lambda v, _l: _t(_SOCIAL, f"invites:{v}"),
                    lambda e: _("邀请了 %(n)s 位好友") % {"n": e.get("invitees", 0)}),
}


def kind_of(code: str) -> Kind | None:
    return KINDS.get(code.split(":", 1)[0])


def tag_label(code: str, value_label: str = "") -> str:
    kind = kind_of(code)
    value = code.split(":", 1)[1] if ":" in code else ""
    return kind.label(value, value_label) if kind else code


def tag_reason(code: str, evidence: dict[str, Any]) -> str:
    kind = kind_of(code)
    return kind.reason(evidence or {}) if kind else ""


def group_of(code: str) -> str:
    kind = kind_of(code)
    return str(kind.group) if kind else ""


# --- computing one member's tags ------------------------------------------------------------------------------------


def basic_tags(persona: dict[str, Any]) -> list[ComputedTag]:
    """From the consented persona fields only (an empty field is one the member did not consent to keep)."""
    out = []
    if persona.get("gender"):
        out.append(ComputedTag(f"gender:{persona['gender']}", TagGroup.BASIC, 100))
    if persona.get("birth_year"):
        decade = int(persona["birth_year"]) // 10 * 10
        out.append(ComputedTag(f"age:{decade}", TagGroup.BASIC, 100))
    if persona.get("region"):
        region = str(persona["region"])[:40]
        out.append(ComputedTag(f"region:{region}", TagGroup.BASIC, 100, value_label=region))
    if persona.get("income_band"):
        out.append(ComputedTag(f"income:{persona['income_band']}", TagGroup.BASIC, 100))
    return out


def basic_tag_still_consented(code: str, persona: dict[str, Any]) -> bool:
    """A stored basic tag is used only while the field it came from still holds the same value (withdrawing
    consent erases the field at once; the next job run drops the tag, this check covers the time between)."""
    return any(t.code == code for t in basic_tags(persona))


def _hour_band(hour: int) -> str:
    if 6 <= hour < 12:
        return "morning"
    if 12 <= hour < 18:
        return "afternoon"
    if 18 <= hour < 23:
        return "evening"
    return "night"


def _price_band(median_fen: float) -> str:
    if median_fen < 5000:
        return "low"
    if median_fen < 20000:
        return "mid"
    if median_fen < 50000:
        return "high"
    return "premium"


def _behaviour(events: list[event_reads.MemberEvent], order_ids: set[int]) -> list[ComputedTag]:
    names = Counter(e.name for e in events)
    out: list[ComputedTag] = []
    views = names["post.view"] + names["product.view"]
    if views:
        level = "heavy" if views >= 50 else "regular" if views >= 10 else "light"
        out.append(ComputedTag(f"browse:{level}", TagGroup.BEHAVIOUR, min(100, views), evidence={"views": views}))
    if names["post.favourite"] >= 2:
        n = names["post.favourite"]
        out.append(ComputedTag("favourite:collector", TagGroup.BEHAVIOUR, min(100, n * 10),
                               evidence={"favourites": n}))
    if names["comment.create"] >= 3:
        n = names["comment.create"]
        out.append(ComputedTag("comment:active", TagGroup.BEHAVIOUR, min(100, n * 10), evidence={"comments": n}))
    orders, carts = len(order_ids), names["cart.add"]
    buy = ("frequent" if orders >= 4 else "repeat" if orders >= 2 else "first" if orders == 1
           else "cart_only" if carts else "")
    if buy:
        out.append(ComputedTag(f"buy:{buy}", TagGroup.BEHAVIOUR, min(100, orders * 20 or carts * 10),
                               evidence={"orders": orders, "cart_adds": carts}))
    if len(events) >= 5:
        bands = Counter(_hour_band(e.created_at.astimezone(SHANGHAI).hour) for e in events)
        band, n = bands.most_common(1)[0]
        share = round(100 * n / len(events))
        if share >= 40:
            out.append(ComputedTag(f"hours:{band}", TagGroup.BEHAVIOUR, share, evidence={"share": share}))
    return out


def _needs(events: list[event_reads.MemberEvent], lines: list[order_reads.PaidLine],
           order_ids: set[int]) -> list[ComputedTag]:
    # interest per product: a view 1, an add to cart 3, a unit bought 5
    views: Counter[int] = Counter(e.object_id for e in events if e.name == "product.view" and e.object_id)
    cart_skus = Counter(e.object_id for e in events if e.name == "cart.add" and e.object_id)
    sku_product = catalog_reads.sku_products(sku_ids=cart_skus) if cart_skus else {}
    carts: Counter[int] = Counter()
    for sku_id, n in cart_skus.items():
        if sku_id in sku_product:
            carts[sku_product[sku_id]] += n
    bought: Counter[int] = Counter()
    for line in lines:
        bought[line.product_id] += line.quantity
    facts = catalog_reads.product_facts(product_ids=set(views) | set(carts) | set(bought))
    out: list[ComputedTag] = []
    for kind, key, name, top in (("category", "category_id", "category_name", 3),
                                 ("brand", "brand_id", "brand_name", 2)):
        weight: Counter[int] = Counter()
        detail: dict[int, dict[str, int]] = {}
        names: dict[int, str] = {}
        for product_id, f in facts.items():
            ident = getattr(f, key)
            if ident is None:
                continue
            names[ident] = getattr(f, name)
            d = detail.setdefault(ident, {"views": 0, "carts": 0, "bought": 0})
            d["views"] += views[product_id]
            d["carts"] += carts[product_id]
            d["bought"] += bought[product_id]
            weight[ident] += views[product_id] + 3 * carts[product_id] + 5 * bought[product_id]
        total = sum(weight.values())
        for ident, w in weight.most_common(top):
            if w >= 3:
                out.append(ComputedTag(f"{kind}:{ident}", TagGroup.NEEDS, round(100 * w / total),
                                       value_label=names[ident][:80], evidence=detail[ident]))
    if lines:
        median = statistics.median(line.unit_price_fen for line in lines)
        out.append(ComputedTag(f"price:{_price_band(median)}", TagGroup.NEEDS, 100,
                               evidence={"median_fen": int(median)}))
    total = len(order_ids)
    if total:
        occasions: dict[str, set[int]] = {"groupbuy": set(), "flashsale": set(), "coupon": set()}
        for e in events:
            if e.name in ("groupbuy.group_open", "groupbuy.group_join"):
                occasions["groupbuy"].add(int(e.props.get("order_id", 0)))
            elif e.name == "flashsale.reserve":
                occasions["flashsale"].add(int(e.props.get("order_id", 0)))
            elif e.name == "coupon.redeem":
                occasions["coupon"].update(int(i) for i in e.props.get("order_ids", []) if isinstance(i, int))
        paid_at = {line.order_id: line.paid_at.astimezone(SHANGHAI) for line in lines}
        if total >= 2:
            occasions["weekend"] = {o for o, at in paid_at.items() if at.weekday() >= 5}
            occasions["late_night"] = {o for o, at in paid_at.items() if at.hour >= 22 or at.hour < 2}
        need = {"groupbuy": 1, "flashsale": 1, "coupon": 1, "weekend": 0.6 * total, "late_night": 0.5 * total}
        for occasion, ids in occasions.items():
            n = len(ids & order_ids)
            if n and n >= need[occasion]:
                out.append(ComputedTag(f"occasion:{occasion}", TagGroup.NEEDS, round(100 * n / total),
                                       evidence={"orders": n, "total": total}))
    return out


def _social(user_id: int, events: list[event_reads.MemberEvent], since: dt.datetime) -> list[ComputedTag]:
    out: list[ComputedTag] = []
    in_community = Counter(e.community_id for e in events if e.community_id)
    joined = community_reads.communities_of(user_id=user_id)
    for community_id, name in sorted(joined, key=lambda c: -in_community[c[0]])[:5]:
        n = in_community[community_id]
        out.append(ComputedTag(f"community:{community_id}", TagGroup.SOCIAL, min(100, 20 + n * 5),
                               value_label=(name or "")[:80], evidence={"events": n}))
    following, followers = account_reads.follow_counts(user_id=user_id)
    if following >= 5:
        out.append(ComputedTag("follows:many", TagGroup.SOCIAL, min(100, following * 5),
                               evidence={"following": following}))
    if followers >= 5:
        out.append(ComputedTag("followers:many", TagGroup.SOCIAL, min(100, followers * 5),
                               evidence={"followers": followers}))
    given = content_reads.replies_given(user_id=user_id, since=since)
    received = content_reads.replies_received(user_id=user_id, since=since)
    evidence = {"given": given, "received": received}
    if given >= 3:
        out.append(ComputedTag("replies:giver", TagGroup.SOCIAL, min(100, given * 10), evidence=evidence))
    if received >= 3:
        out.append(ComputedTag("replies:receiver", TagGroup.SOCIAL, min(100, received * 10), evidence=evidence))
    invitees = invite_reads.invitees_of(inviter_id=user_id).values("invitee_id").distinct().count()
    if invitees:
        out.append(ComputedTag(f"invites:{'super' if invitees >= 5 else 'inviter'}", TagGroup.SOCIAL,
                               min(100, invitees * 20), evidence={"invitees": invitees}))
    return out


def compute_member_tags(user_id: int, *, now: dt.datetime | None = None) -> list[ComputedTag]:
    """Every tag the member has now, in the four groups (switch-offs are applied when tags are read, not here)."""
    now = now or timezone.now()
    since = now - dt.timedelta(days=WINDOW_DAYS)
    events = event_reads.member_events(user_id=user_id, since=since)
    lines = order_reads.member_paid_lines(user_id=user_id, since=since)
    order_ids = {line.order_id for line in lines}
    persona = account_reads.consented_persona(user_ids=[user_id]).get(user_id, {})
    return [*basic_tags(persona), *_behaviour(events, order_ids), *_needs(events, lines, order_ids),
            *_social(user_id, events, since)]
