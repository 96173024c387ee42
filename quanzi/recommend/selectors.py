"""Recommendation reads: the lists pages and the API show. Serving never trains: it reads what the newest READY
training run stored (a few indexed queries), applies the business filters and the member's choices live, and
falls back to popularity computed from the orders and the hot posts when no model has been trained (logged).

Every list says what it is (`kind`: personalised, or popular = the same for everyone, E-Commerce Law art. 18) and
each item why it is there (`reason`: 同社群热卖 / 好友买过 / 看过相似 …).

Filters, in this order, on every list: items the member hid (不感兴趣); products bought in the last
`conf.recent_purchase_days()` unless repurchasable (bought again by members, or a consumable tag); products that
are not on shelf, of a merchant not approved, or out of stock; posts not published or in a community the viewer
may not read; the viewer's own posts.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from quanzi.accounts.selectors import following_ids
from quanzi.catalog.selectors import (
    community_shelf,
    product_ids_tagged,
    product_titles,
    products_sellable_in_stock,
)
from quanzi.communities.selectors import community_by_id, joined_community_ids
from quanzi.content.selectors import community_feed, posts_published_for_viewer, public_hot_feed
from quanzi.orders.selectors import product_sales_since, purchases_since
from quanzi.personas.selectors import active_tags
from quanzi.recommend import conf, errors
from quanzi.recommend.enums import ItemKind, ListKind, Reason, TrainingStatus
from quanzi.recommend.models import (
    HiddenItem,
    ItemNeighbours,
    MemberPreference,
    PopularList,
    TrainedModel,
    UserRecommendation,
)

logger = logging.getLogger("quanzi.recommend")
FRIENDS_FIRST = 3  # friends' purchases put at the top of "for you"
SALES_WINDOW_DAYS = 30  # the fallback popularity: units sold in this window
_fallback_logged_at = 0.0


@dataclass
class RecItem:
    kind: str  # ItemKind
    id: int
    reason: str  # Reason
    obj: Any = None  # the Product or Post

    @property
    def reason_label(self) -> str:
        return str(Reason(self.reason).label)


@dataclass
class RecList:
    name: str  # for_you | friends_bought | community_hot | also_bought
    kind: str  # ListKind
    items: list[RecItem] = field(default_factory=list)
    source: str = "model"  # "model" (a trained run's lists) or "fallback" (no model: live popularity)

    def of_kind(self, kind: str) -> list[RecItem]:
        return [i for i in self.items if i.kind == kind]


Candidates = list[tuple[str, int, str]]  # (item kind, id, reason), best first


def _authed(user: Any) -> bool:
    return user is not None and bool(getattr(user, "is_authenticated", False))


def _log_fallback(what: str) -> None:
    """Serving without a trained model is allowed but worth knowing: logged at most once a minute per process."""
    global _fallback_logged_at
    now = time.monotonic()
    if now - _fallback_logged_at > 60:
        _fallback_logged_at = now
        logger.warning("no trained recommendation model: %s served from popularity (run `quanzi recommend train`)",
                       what)


# --- the member's choices ------------------------------------------------------------------------------------


def preference_of(*, user: Any) -> MemberPreference:
    """The member's settings (an unsaved row with the defaults when they never changed them)."""
    if not _authed(user):
        return MemberPreference(personalised=False, share_purchases=False)
    return MemberPreference.objects.filter(user_id=user.pk).first() or MemberPreference(user_id=user.pk)


def hidden_items(*, user: Any) -> set[tuple[str, int]]:
    if not _authed(user):
        return set()
    return set(HiddenItem.objects.filter(user_id=user.pk).values_list("item_kind", "item_id"))


def hidden_list(*, user: Any) -> list[HiddenItem]:
    """The member's 不感兴趣 items, latest first, each with `title` (empty when the item is gone or not
    readable)."""
    if not _authed(user):
        return []
    rows = list(HiddenItem.objects.filter(user_id=user.pk).order_by("-created_at", "-pk"))
    product_ids = [h.item_id for h in rows if h.item_kind == ItemKind.PRODUCT]
    post_ids = [h.item_id for h in rows if h.item_kind == ItemKind.POST]
    titles: dict[tuple[str, int], str] = {
        (ItemKind.PRODUCT, pk): t for pk, t in product_titles(product_ids=product_ids).items()}
    titles.update({(ItemKind.POST, p.pk): p.title or p.body[:30]
                   for p in posts_published_for_viewer(viewer=user, post_ids=post_ids)})
    for h in rows:
        h.title = titles.get((h.item_kind, h.item_id), "")  # type: ignore[attr-defined]
    return rows


# --- the stored model ----------------------------------------------------------------------------------------


def current_model() -> TrainedModel | None:
    return TrainedModel.objects.filter(status=TrainingStatus.READY).order_by("-pk").first()


def _popular_row(community_id: int | None) -> tuple[dict[str, Any] | None, bool]:
    """(the newest READY run's popular list of the site or a community, whether a model exists at all)."""
    row = (PopularList.objects.filter(model__status=TrainingStatus.READY, community_id=community_id)
           .order_by("-model_id").values_list("items", flat=True).first())
    if row is not None:
        return row, True
    return None, TrainedModel.objects.filter(status=TrainingStatus.READY).exists()


def _as_candidates(items: dict[str, Any] | None, kinds: Iterable[str], reason: str | None = None) -> Candidates:
    out: Candidates = []
    for kind in kinds:
        out += [(kind, int(i), reason or str(r)) for i, r in (items or {}).get(kind, [])]
    return out


# --- filters and loading -------------------------------------------------------------------------------------


@dataclass
class _Viewer:
    user: Any
    hidden: set[tuple[str, int]]
    recently_bought: set[int]
    repurchasable: set[int]


def _viewer(user: Any) -> _Viewer:
    if not _authed(user):
        return _Viewer(None, set(), set(), set())
    since = timezone.now() - dt.timedelta(days=conf.recent_purchase_days())
    bought = {p for _, p, _, _ in purchases_since(since=since, buyer_ids=[user.pk])}
    repurchasable: set[int] = set()
    if bought:
        row = TrainedModel.objects.filter(status=TrainingStatus.READY).order_by("-pk")\
            .values_list("repurchasable", flat=True).first()
        repurchasable = {int(p) for p in row or []}
    return _Viewer(user, hidden_items(user=user), bought, repurchasable)


def _load(candidates: Candidates, viewer: _Viewer, *, limit: int, community_id: int | None = None) -> list[RecItem]:
    """The first `limit` candidates of each kind that pass the filters, with their objects. Two steps, so the
    page's objects (with pictures and SKUs) are loaded only for the items shown: which candidates pass (ids and
    the few columns the filters need), then the chosen ones."""
    seen: set[tuple[str, int]] = set()
    wanted: Candidates = []
    for kind, item_id, reason in candidates:
        key = (kind, item_id)
        if key in seen or key in viewer.hidden:
            continue
        seen.add(key)
        wanted.append((kind, item_id, reason))
    product_ids = [i for k, i, _ in wanted if k == ItemKind.PRODUCT]
    post_ids = [i for k, i, _ in wanted if k == ItemKind.POST]
    product_tags = dict(products_sellable_in_stock(product_ids=product_ids).prefetch_related(None)
                        .values_list("pk", "tags")) if product_ids else {}
    post_facts = {pk: (c, a) for pk, c, a in posts_published_for_viewer(viewer=viewer.user, post_ids=post_ids)
                  .values_list("pk", "community_id", "author_id")} if post_ids else {}
    tags = conf.repurchasable_tags()
    chosen: Candidates = []
    counts: dict[str, int] = {ItemKind.PRODUCT: 0, ItemKind.POST: 0}
    for kind, item_id, reason in wanted:
        if counts[kind] >= limit:
            continue
        if kind == ItemKind.PRODUCT:
            if item_id not in product_tags:
                continue
            if item_id in viewer.recently_bought and item_id not in viewer.repurchasable \
                    and not tags.intersection(product_tags[item_id] or []):
                continue
        else:
            facts = post_facts.get(item_id)
            if facts is None or (viewer.user is not None and facts[1] == viewer.user.pk):
                continue
            if community_id is not None and facts[0] != community_id:
                continue
        counts[kind] += 1
        chosen.append((kind, item_id, reason))
    shown_products = [i for k, i, _ in chosen if k == ItemKind.PRODUCT]
    shown_posts = [i for k, i, _ in chosen if k == ItemKind.POST]
    objects: dict[tuple[str, int], Any] = {}
    if shown_products:
        objects.update({(ItemKind.PRODUCT, p.pk): p for p in products_sellable_in_stock(product_ids=shown_products)})
    if shown_posts:
        objects.update({(ItemKind.POST, p.pk): p
                        for p in posts_published_for_viewer(viewer=viewer.user, post_ids=shown_posts)})
    return [RecItem(kind=kind, id=item_id, reason=reason, obj=objects[(kind, item_id)])
            for kind, item_id, reason in chosen if (kind, item_id) in objects]


# --- popularity (the non-personalised lists, and the fallback) -----------------------------------------------


def _live_popular(kinds: Iterable[str], community_id: int | None, viewer: Any) -> Candidates:
    """Popularity without a model: best sellers of the last 30 days (of the community), then the shelf; hot posts."""
    reason = Reason.COMMUNITY_HOT if community_id is not None else Reason.POPULAR
    since = timezone.now() - dt.timedelta(days=SALES_WINDOW_DAYS)
    community = community_by_id(community_id=community_id) if community_id is not None else None
    out: Candidates = []
    for kind in kinds:
        if kind == ItemKind.PRODUCT:
            out += [(kind, p, reason) for p, _ in product_sales_since(since=since, community_id=community_id)]
            if community is not None:
                out += [(kind, p, reason) for p in community_shelf(community=community).values_list("pk", flat=True)[:50]]
        else:
            if community is not None:
                qs = community_feed(community=community, viewer=viewer, order="hot")
            else:
                qs = public_hot_feed(viewer=None)
            out += [(kind, p, reason) for p in qs.values_list("pk", flat=True)[:50]]
    return out


def _popular_candidates(kinds: Iterable[str], community_id: int | None, viewer: Any) -> tuple[Candidates, str]:
    kinds = list(kinds)
    items, have_model = _popular_row(community_id)
    if items is not None:
        return _as_candidates(items, kinds), "model"
    if not have_model:
        _log_fallback("popular lists")
    return _live_popular(kinds, community_id, viewer), "fallback" if not have_model else "model"


def popular(*, user: Any = None, kinds: Iterable[str] = tuple(ItemKind.values), community_id: int | None = None,
            limit: int = conf.PAGE_SIZE, name: str = "for_you") -> RecList:
    """The same list for everyone: the site's (or a community's) popular products and posts."""
    candidates, source = _popular_candidates(kinds, community_id, user)
    return RecList(name=name, kind=ListKind.POPULAR, source=source,
                   items=_load(candidates, _viewer(user), limit=limit, community_id=community_id))


# --- personalised lists --------------------------------------------------------------------------------------


def _friends_bought_candidates(user: Any) -> Candidates:
    """Products bought lately by the members the viewer follows who chose to share their purchases."""
    followed = following_ids(user=user)
    if not followed:
        return []
    sharing = list(MemberPreference.objects.filter(user_id__in=followed, share_purchases=True)
                   .values_list("user_id", flat=True))
    if not sharing:
        return []
    since = timezone.now() - dt.timedelta(days=conf.friends_window_days())
    latest: dict[int, dt.datetime] = {}
    for _, product_id, _, paid_at in purchases_since(since=since, buyer_ids=sharing):
        latest[product_id] = paid_at
    ordered = sorted(latest, key=lambda p: latest[p], reverse=True)
    return [(ItemKind.PRODUCT, p, Reason.FRIENDS_BOUGHT) for p in ordered]


def _cold_start_candidates(user: Any, kinds: list[str], community_id: int | None) -> Candidates:
    """A member the model does not know yet: products matching their persona tags, then what is hot in the
    communities they joined."""
    out: Candidates = []
    if ItemKind.PRODUCT in kinds:
        try:  # persona tags (用户画像), those the member has not switched off
            tags = [t for tag in active_tags(user) for t in (tag.label, tag.code) if t]
        except Exception:  # a persona problem must not break the feed
            logger.exception("persona tags unavailable for the cold start")
            tags = []
        out += [(ItemKind.PRODUCT, p, Reason.INTERESTS) for p in product_ids_tagged(tags=tags, limit=30)]
    communities = [community_id] if community_id is not None else joined_community_ids(user=user)
    rows = (PopularList.objects.filter(model__status=TrainingStatus.READY, community_id__in=communities)
            .order_by("-model_id").values_list("community_id", "items"))
    newest: dict[int, dict[str, Any]] = {}
    for c, items in rows:
        if c is not None:
            newest.setdefault(c, items)
    if newest:
        lists = [_as_candidates(newest[c], kinds, Reason.COMMUNITY_HOT) for c in communities if c in newest]
        for n in range(max(len(x) for x in lists)):  # interleave the communities
            out += [x[n] for x in lists if n < len(x)]
    else:
        for c in communities[:5]:
            out += [(k, i, Reason.COMMUNITY_HOT) for k, i, _ in _live_popular(kinds, c, user)]
    return out


def for_you(*, user: Any, kinds: Iterable[str] = tuple(ItemKind.values), community_id: int | None = None,
            limit: int = conf.PAGE_SIZE) -> RecList:
    """为你推荐: the member's stored candidates, friends' purchases first, the member's filters applied; a member
    the model does not know starts from persona tags and joined communities. Visitors and members who switched
    personalisation off get the popular list (kind popular). In a community only its posts are shown."""
    kinds = list(kinds)
    for k in kinds:
        if k not in ItemKind.values:
            raise errors.invalid_item_kind(k)
    if not _authed(user) or not preference_of(user=user).personalised:
        return popular(user=user, kinds=kinds, community_id=community_id, limit=limit)
    row = (UserRecommendation.objects.filter(user_id=user.pk, model__status=TrainingStatus.READY)
           .order_by("-model_id").values_list("items", flat=True).first())
    friends_list = _friends_bought_candidates(user) if ItemKind.PRODUCT in kinds else []
    candidates: Candidates = friends_list[:FRIENDS_FIRST]
    source = "model"
    if row is not None:
        friends = {i for _, i, _ in friends_list}
        for kind, item_id, reason in _as_candidates(row, kinds):
            candidates.append((kind, item_id, Reason.FRIENDS_BOUGHT if item_id in friends and kind == ItemKind.PRODUCT
                               else reason))
    else:
        if current_model() is None:
            _log_fallback("for you")
            source = "fallback"
        candidates += _cold_start_candidates(user, kinds, community_id)
    # then the popular list, so a member with few candidates left after the filters still sees a full list
    popular_candidates, popular_source = _popular_candidates(kinds, community_id, user)
    candidates += popular_candidates
    items = _load(candidates, _viewer(user), limit=limit, community_id=community_id)
    # built for this member (their candidates, friends, communities), topped up with popular items if short
    return RecList(name="for_you", kind=ListKind.PERSONALISED, items=items,
                   source="fallback" if "fallback" in (source, popular_source) else "model")


def friends_bought(*, user: Any, limit: int = conf.PAGE_SIZE) -> RecList:
    """好友买过: products bought by members the viewer follows who share their purchases (empty for visitors and
    for members who switched personalisation off: it is based on their follow graph)."""
    if not _authed(user) or not preference_of(user=user).personalised:
        return RecList(name="friends_bought", kind=ListKind.PERSONALISED, items=[])
    return RecList(name="friends_bought", kind=ListKind.PERSONALISED,
                   items=_load(_friends_bought_candidates(user), _viewer(user), limit=limit))


def community_hot(*, community_id: int, user: Any = None, limit: int = conf.PAGE_SIZE) -> RecList:
    """本社群热卖: the community's best products (the same for everyone)."""
    return popular(user=user, kinds=[ItemKind.PRODUCT], community_id=community_id, limit=limit,
                   name="community_hot")


def also_bought(*, product_id: int, user: Any = None, limit: int = 6) -> RecList:
    """买了还买: products bought by the members who bought this one (看了还看 when there are none yet), else the
    site's best sellers. The same for everyone (kind popular); the viewer's 不感兴趣 still applies."""
    row = (ItemNeighbours.objects.filter(model__status=TrainingStatus.READY, product_id=product_id)
           .order_by("-model_id").values_list("items", flat=True).first())
    candidates = _as_candidates(row, [ItemKind.PRODUCT]) if row is not None else []
    popular_candidates, source = _popular_candidates([ItemKind.PRODUCT], None, user)
    candidates = [c for c in candidates + popular_candidates if c[1] != product_id]
    return RecList(name="also_bought", kind=ListKind.POPULAR, source="model" if row is not None else source,
                   items=_load(candidates, _viewer(user), limit=limit))
