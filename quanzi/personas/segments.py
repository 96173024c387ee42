"""Segment filters (人群条件): what they are, how a form or a JSON body becomes them (every bad value refused
with `invalid_filters` and a message that says which), and who passes them.

A segment's population is the active members of its community, or every active member for a platform segment.
The filters narrow it, all of them at once (AND):

- `tags_all`: has every one of these tags, `tags_any`: has at least one of these — active tags only (a tag the
  member switched off, or a basic attribute whose consent was withdrawn, does not count: `selectors`);
- `spend_min_fen` / `spend_max_fen` and `orders_min`: paid less refunded, and paid orders, in the last
  `spend_days` days (30 by default);
- `active_days`: did something in the last N days; `inactive_days`: did nothing in the last N days.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from quanzi.accounts import persona_selectors as account_reads
from quanzi.communities import persona_selectors as community_reads
from quanzi.core import persona_selectors as event_reads
from quanzi.core.money import parse_yuan
from quanzi.core.personal_data import withdrawn_among
from quanzi.orders import persona_selectors as order_reads
from quanzi.personas import errors
from quanzi.personas.enums import TagGroup
from quanzi.personas.models import MemberTag, TagSwitchOff
from quanzi.personas.tags import basic_tag_still_consented, group_of, kind_of

MAX_TAGS = 10
MAX_DAYS = 365
MAX_FEN = 100_000_000_00  # 100 million yuan
IN_LIMIT = 5000  # above this many ids, filter in Python rather than with a long SQL IN list


@dataclass(frozen=True)
class SegmentFilters:
    tags_all: list[str] = field(default_factory=list)
    tags_any: list[str] = field(default_factory=list)
    spend_days: int = 30
    spend_min_fen: int | None = None
    spend_max_fen: int | None = None
    orders_min: int | None = None
    active_days: int | None = None
    inactive_days: int | None = None

    def as_json(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v not in (None, [])}

    @property
    def uses_orders(self) -> bool:
        return self.spend_min_fen is not None or self.spend_max_fen is not None or self.orders_min is not None


def _codes(raw: Any, label: str) -> list[str]:
    if raw in (None, ""):
        return []
    items = [raw] if isinstance(raw, str) else raw
    if not isinstance(items, list | tuple):
        raise errors.invalid_filters(_("%(f)s须为标签列表") % {"f": label})
    codes: list[str] = []
    for item in items:
        code = str(item).strip()
        if not code:
            continue
        if kind_of(code) is None or ":" not in code or len(code) > 80:
            raise errors.invalid_filters(_("未知的标签：%(c)s") % {"c": code[:40]})
        if code not in codes:
            codes.append(code)
    if len(codes) > MAX_TAGS:
        raise errors.invalid_filters(_("%(f)s最多 %(n)s 个标签") % {"f": label, "n": MAX_TAGS})
    return codes


def _int(raw: Any, label: str, *, low: int, high: int) -> int | None:
    if raw in (None, ""):
        return None
    if isinstance(raw, bool) or not (isinstance(raw, int) or (isinstance(raw, str) and raw.strip().isdigit())):
        raise errors.invalid_filters(_("%(f)s须为 %(a)s–%(b)s 之间的整数") % {"f": label, "a": low, "b": high})
    value = int(raw)
    if not low <= value <= high:
        raise errors.invalid_filters(_("%(f)s须为 %(a)s–%(b)s 之间的整数") % {"f": label, "a": low, "b": high})
    return value


def _fen(raw: Any, label: str, *, from_yuan: bool) -> int | None:
    if raw in (None, ""):
        return None
    if from_yuan:
        try:
            value = parse_yuan(raw, symbol=True)
        except ValueError:
            raise errors.invalid_filters(_("%(f)s须为金额（元，最多两位小数）") % {"f": label}) from None
    else:
        value = _int(raw, label, low=0, high=MAX_FEN) or 0
    if value > MAX_FEN:
        raise errors.invalid_filters(_("%(f)s过大") % {"f": label})
    return value


def parse_filters(raw: dict[str, Any], *, from_form: bool = False) -> SegmentFilters:
    """Filters from a JSON body (amounts in fen: `spend_min_fen`) or from the builder's form (`from_form`: amounts
    in yuan: `spend_min`, `spend_max`). Unknown keys are refused, so a typo never widens a segment silently."""
    known = {"tags_all", "tags_any", "spend_days", "orders_min", "active_days", "inactive_days"}
    known |= {"spend_min", "spend_max"} if from_form else {"spend_min_fen", "spend_max_fen"}
    extra = sorted(k for k in raw if k not in known)
    if extra:
        raise errors.invalid_filters(_("未知的条件：%(k)s") % {"k": ", ".join(extra)[:60]})
    smin_key, smax_key = ("spend_min", "spend_max") if from_form else ("spend_min_fen", "spend_max_fen")
    filters = SegmentFilters(
        tags_all=_codes(raw.get("tags_all"), _("必须有的标签")),
        tags_any=_codes(raw.get("tags_any"), _("任一标签")),
        spend_days=_int(raw.get("spend_days"), _("消费统计天数"), low=1, high=MAX_DAYS) or 30,
        spend_min_fen=_fen(raw.get(smin_key), _("最低消费"), from_yuan=from_form),
        spend_max_fen=_fen(raw.get(smax_key), _("最高消费"), from_yuan=from_form),
        orders_min=_int(raw.get("orders_min"), _("最少订单数"), low=1, high=10000),
        active_days=_int(raw.get("active_days"), _("最近活跃天数"), low=1, high=MAX_DAYS),
        inactive_days=_int(raw.get("inactive_days"), _("沉默天数"), low=1, high=MAX_DAYS),
    )
    if filters.spend_min_fen is not None and filters.spend_max_fen is not None \
            and filters.spend_min_fen > filters.spend_max_fen:
        raise errors.invalid_filters(_("最低消费不能高于最高消费"))
    if filters.active_days and filters.inactive_days:
        raise errors.invalid_filters(_("“最近活跃”和“沉默”只能选一个"))
    return filters


def stored_filters(raw: dict[str, Any]) -> SegmentFilters:
    """A saved segment's filters (written by `parse_filters`, so trusted; a key from an older version is ignored)."""
    names = set(SegmentFilters.__dataclass_fields__)
    return SegmentFilters(**{k: v for k, v in (raw or {}).items() if k in names})


def switched_off_q() -> Exists:
    """A tag row whose member switched it, or its whole group, off."""
    return Exists(TagSwitchOff.objects.filter(user_id=OuterRef("user_id"), group=OuterRef("group"))
                  .filter(Q(code="") | Q(code=OuterRef("code"))))


def holders_of(code: str, *, among: set[int] | None = None) -> set[int]:
    """The members who hold `code` as an active tag: not switched off (the tag or its group), and for a basic
    attribute, still consented (the persona field still holds that value)."""
    qs = MemberTag.objects.filter(code=code).exclude(switched_off_q())
    if among is not None and len(among) <= IN_LIMIT:
        qs = qs.filter(user_id__in=list(among))
    ids = set(qs.values_list("user_id", flat=True))
    if among is not None:
        ids &= among
    ids -= withdrawn_among("persona", ids)  # a member who withdrew the persona consent holds no tag
    if ids and group_of(code) == TagGroup.BASIC:
        persona = account_reads.consented_persona(user_ids=ids)
        ids = {u for u in ids if basic_tag_still_consented(code, persona.get(u, {}))}
    return ids


def population(community_id: int | None, *, among: set[int] | None = None) -> set[int]:
    """Who a segment can contain: the community's active members, or every active member of the platform
    (`among`: only these candidates, e.g. the one member a coupon claim asks about)."""
    if community_id is None:
        return account_reads.active_user_ids(user_ids=among)
    members = community_reads.member_ids(community_id=community_id)
    return account_reads.active_user_ids(user_ids=members if among is None else members & among)


def apply_filters(ids: set[int], filters: SegmentFilters, *, now: dt.datetime | None = None) -> set[int]:
    """The members of `ids` who pass `filters` (tag filters through `selectors.holders_of`, which applies the
    switch-offs and consent)."""
    now = now or timezone.now()
    for code in filters.tags_all:
        if not ids:
            return ids
        ids = ids & holders_of(code, among=ids)
    if filters.tags_any and ids:
        anyone: set[int] = set()
        for code in filters.tags_any:
            anyone |= holders_of(code, among=ids)
        ids = ids & anyone
    if filters.uses_orders and ids:
        spend = order_reads.spend_by_buyer(since=now - dt.timedelta(days=filters.spend_days), user_ids=ids)

        def passes(user_id: int) -> bool:
            s = spend.get(user_id, order_reads.Spend(0, 0))
            return (filters.spend_min_fen is None or s.spend_fen >= filters.spend_min_fen) \
                and (filters.spend_max_fen is None or s.spend_fen <= filters.spend_max_fen) \
                and (filters.orders_min is None or s.orders >= filters.orders_min)

        ids = {u for u in ids if passes(u)}
    if filters.active_days and ids:
        ids = ids & event_reads.user_ids_active_since(since=now - dt.timedelta(days=filters.active_days),
                                                      user_ids=ids)
    if filters.inactive_days and ids:
        ids = ids - event_reads.user_ids_active_since(since=now - dt.timedelta(days=filters.inactive_days),
                                                      user_ids=ids)
    return ids
