"""Recommendation reads: the lists pages and the API show. Serving never trains: it reads what the newest READY
training run stored (a few indexed queries), applies the business filters and the member's choices live, and
falls back to popularity computed from the orders and the hot posts when no model has been trained (logged).

Every list says what it is (`kind`: personalised, or popular = the same for everyone, E-Commerce Law art. 18) and
each item why it is there (`reason`: 同社群热卖 / 好友买过 / 看过相似 …).

Filters, in this order, on every list: items the member hid (不感兴趣); products bought in the last
`conf.recent_purchase_days()` unless repurchasable (bought again by members, or a consumable tag); products that
are not on shelf, of a merchant not approved, or out of stock; posts not published or in a community the viewer
may not read; the viewer's own posts.

What a request reads live (never cached: the member's choices, stock and shelf take effect on the next request):
the member's setting and stored row, their hidden items and recent purchases, friends' shared purchases, and the
candidates' cards (one query for products, one for posts, filters included). What is cached: the lists a READY run
stored for everyone (popular lists, repurchasable products), per run id, in the process (`_RunLists`). A run's rows
are written before it turns READY and never change after, and a new training is a new id, so the cache needs no
expiry and cannot serve stale lists (docs/notes/recommend_serving.md).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Subquery
from django.db.models.functions import Left
from django.utils import timezone

from quanzi.accounts.selectors import following_ids
from quanzi.catalog.selectors import (
    ProductCard,
    community_shelf,
    product_cards_query,
    product_ids_tagged,
    product_titles,
)
from quanzi.communities.selectors import community_by_id, joined_community_ids
from quanzi.content.selectors import community_feed, posts_published_for_viewer, public_hot_feed
from quanzi.core.personal_data import consent_given
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
from quanzi.recommend.prepared import PreparedQuery

logger = logging.getLogger("quanzi.recommend")
FRIENDS_FIRST = 3  # friends' purchases put at the top of "for you"
SALES_WINDOW_DAYS = 30  # the fallback popularity: units sold in this window
POST_TITLE_CHARS = 40  # a post without a title shows the start of its body
_fallback_logged_at = 0.0


@dataclass
class RecItem:
    """One recommended item with what its tile shows (read with the filters, in one query per kind)."""

    kind: str  # ItemKind
    id: int
    reason: str  # Reason
    title: str = ""
    price_fen: int | None = None  # products: the lowest active price
    image: str = ""  # products: the first picture's URL
    place: str = ""  # posts: the community's name

    @property
    def reason_label(self) -> str:
        return str(Reason(self.reason).label)

    @property
    def url(self) -> str:
        return f"/shop/p/{self.id}/" if self.kind == ItemKind.PRODUCT else f"/p/{self.id}/"


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


def _checked_kinds(kinds: Iterable[str]) -> list[str]:
    out = list(kinds)
    for k in out:
        if k not in ItemKind.values:
            raise errors.invalid_item_kind(k)
    return out


# --- the member's choices ------------------------------------------------------------------------------------


def preference_of(*, user: Any) -> MemberPreference:
    """The member's settings (an unsaved row with the defaults when they never changed them)."""
    if not _authed(user):
        return MemberPreference(personalised=False, share_purchases=False)
    return MemberPreference.objects.filter(user_id=user.pk).first() or MemberPreference(user_id=user.pk)


# The per-member reads of every request, compiled once (prepared.py): each is a small indexed lookup whose Django
# compilation cost more than the lookup.
_preference = PreparedQuery(lambda ids, binds, fixed: MemberPreference.objects.filter(user_id=binds[0])
                            .values_list("personalised"))
_hidden = PreparedQuery(lambda ids, binds, fixed: HiddenItem.objects.filter(user_id=binds[0])
                        .values_list("item_kind", "item_id"))
_stored_row = PreparedQuery(lambda ids, binds, fixed: UserRecommendation.objects.filter(
    user_id=binds[0], model_id=Subquery(_newest_ready_ids()[:1])).values_list("model_id", "items")[:1])
_sharing = PreparedQuery(lambda ids, binds, fixed: MemberPreference.objects.filter(
    user_id__in=ids or [], share_purchases=True).values_list("user_id"))
_purchases = PreparedQuery(lambda ids, binds, fixed: purchases_since(since=fixed[0], buyer_ids=ids))


def _window_start(days: int) -> dt.datetime:
    """now - days, rounded down to the hour: a window an hour longer at most, and one statement per hour."""
    return (timezone.now() - dt.timedelta(days=days)).replace(minute=0, second=0, microsecond=0)


def _personalised(user: Any) -> bool:
    if not _authed(user):
        return False
    if not consent_given(user.pk, "recommendation"):  # the privacy consent withdrawn: popular lists only
        return False
    rows = _preference.run(binds=(user.pk,))
    return bool(rows[0][0]) if rows else True


def hidden_items(*, user: Any) -> set[tuple[str, int]]:
    if not _authed(user):
        return set()
    return {(kind, int(item_id)) for kind, item_id in _hidden.run(binds=(user.pk,))}


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


def _newest_ready_ids() -> Any:
    return TrainedModel.objects.filter(status=TrainingStatus.READY).order_by("-pk").values_list("pk", flat=True)


def _current_run_id() -> int | None:
    return _newest_ready_ids().first()


class _RunLists:
    """The lists a READY run stored for everyone (the site's and each community's popular list, the repurchasable
    products), cached in the process per run id. Safe without expiry: a run's rows are all written before its
    status turns READY and never change afterwards, and a new training is a new run id, so a retrained model is
    picked up by the very next request that reads the new id. The last `KEPT` runs are kept."""

    KEPT = 4
    _MISSING = object()

    def __init__(self) -> None:
        self._runs: OrderedDict[int, dict[str, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def _entry(self, run_id: int) -> dict[str, Any]:
        with self._lock:
            entry = self._runs.get(run_id)
            if entry is None:
                entry = self._runs[run_id] = {"popular": {}, "repurchasable": None}
                while len(self._runs) > self.KEPT:
                    self._runs.popitem(last=False)
            else:
                self._runs.move_to_end(run_id)
            return entry

    def popular(self, run_id: int, community_ids: list[int | None]) -> dict[int | None, dict[str, Any] | None]:
        """community id (None: the site) -> that run's popular list, or None when the run has none for it."""
        known: dict[int | None, Any] = self._entry(run_id)["popular"]
        missing = [c for c in community_ids if c not in known]
        if missing:
            rows = dict(PopularList.objects.filter(model_id=run_id, community_id__in=[c for c in missing if c])
                        .values_list("community_id", "items")) if any(missing) else {}
            if None in missing:
                rows[None] = (PopularList.objects.filter(model_id=run_id, community_id__isnull=True)
                              .values_list("items", flat=True).first())
            for c in missing:
                known[c] = rows.get(c)
        return {c: known[c] for c in community_ids}

    def repurchasable(self, run_id: int) -> frozenset[int]:
        entry = self._entry(run_id)
        if entry["repurchasable"] is None:
            row = TrainedModel.objects.filter(pk=run_id).values_list("repurchasable", flat=True).first()
            entry["repurchasable"] = frozenset(int(p) for p in row or [])
        return frozenset(entry["repurchasable"])

    def clear(self) -> None:
        with self._lock:
            self._runs.clear()


run_lists = _RunLists()


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
    repurchasable: frozenset[int]


def _viewer(user: Any, run_id: int | None) -> _Viewer:
    if not _authed(user):
        return _Viewer(None, set(), set(), frozenset())
    since = _window_start(conf.recent_purchase_days())
    bought = {p for _, p, _, _ in _purchases.run(ids=[user.pk], fixed=(since,))}
    repurchasable = run_lists.repurchasable(run_id) if bought and run_id is not None else frozenset()
    return _Viewer(user, hidden_items(user=user), bought, repurchasable)


# the candidates' product cards: compiled once, run live on every request (prepared.py says why)
_product_cards = PreparedQuery(lambda ids, binds, fixed: product_cards_query(product_ids=ids))


def _posts_query(ids: list[int] | None, binds: tuple[int, ...], fixed: tuple[Any, ...]) -> Any:
    """(id, community, author, title, body's start, community name) of the published posts among `ids` that the
    viewer (`binds`: their id; none: a visitor) may read."""
    viewer = get_user_model()(pk=binds[0]) if binds else None  # a member who is not staff: only the id is read
    return posts_published_for_viewer(viewer=viewer, post_ids=ids).values_list(
        "pk", "community_id", "author_id", "title", Left("body", POST_TITLE_CHARS), "community__name")


_post_rows = PreparedQuery(_posts_query)


def _post_cards(viewer: Any, post_ids: list[int]) -> dict[int, tuple[int, int, str, str]]:
    """post id -> (community id, author id, title or the body's start, community name) of the published posts
    among `post_ids` the viewer may read: one query, without the bodies."""
    if not post_ids:
        return {}
    rows: Iterable[tuple[Any, ...]]
    if viewer is not None and viewer.is_staff:  # staff read every community: another query shape, not prepared
        rows = posts_published_for_viewer(viewer=viewer, post_ids=post_ids).values_list(
            "pk", "community_id", "author_id", "title", Left("body", POST_TITLE_CHARS), "community__name")
    elif viewer is None:
        rows = _post_rows.run(ids=post_ids)
    else:
        rows = _post_rows.run(ids=post_ids, binds=(viewer.pk,))
    return {pk: (c, a, title or (start or ""), place) for pk, c, a, title, start, place in rows}


def _pick(wanted: Candidates, viewer: _Viewer, counts: dict[str, int], limit: int,
          community_id: int | None) -> list[RecItem]:
    """The first candidates of each kind that pass the filters, up to `limit` per kind counting `counts` (updated),
    with their cards. One query per kind for the whole candidate list: filters and cards together."""
    products = {row[0]: ProductCard.of_row(row)
                for row in _product_cards.run(ids=[i for k, i, _ in wanted if k == ItemKind.PRODUCT])}
    posts = _post_cards(viewer.user, [i for k, i, _ in wanted if k == ItemKind.POST])
    tags = conf.repurchasable_tags()
    out: list[RecItem] = []
    for kind, item_id, reason in wanted:
        if counts[kind] >= limit:
            continue
        if kind == ItemKind.PRODUCT:
            card = products.get(item_id)
            if card is None:
                continue
            if item_id in viewer.recently_bought and item_id not in viewer.repurchasable \
                    and not tags.intersection(card.tags):
                continue
            item = RecItem(kind=kind, id=item_id, reason=reason, title=card.title, price_fen=card.price_fen,
                           image=card.image_url)
        else:
            facts = posts.get(item_id)
            if facts is None or (viewer.user is not None and facts[1] == viewer.user.pk):
                continue
            if community_id is not None and facts[0] != community_id:
                continue
            item = RecItem(kind=kind, id=item_id, reason=reason, title=facts[2], place=facts[3])
        counts[kind] += 1
        out.append(item)
    return out


def _load(candidates: Candidates, viewer: _Viewer, *, limit: int, community_id: int | None = None,
          top_up: Callable[[], Candidates] | None = None, kinds: Iterable[str] = ()) -> list[RecItem]:
    """The first `limit` candidates of each kind that pass the filters, with their cards. When one of `kinds` is
    left short, `top_up()` (the popular list) is asked for more, and only then: most pages fill from the first
    list, so the popular candidates cost nothing."""
    seen: set[tuple[str, int]] = set()
    counts: dict[str, int] = {ItemKind.PRODUCT: 0, ItemKind.POST: 0}
    items: list[RecItem] = []

    def add(source: Candidates) -> None:
        wanted: Candidates = []
        for kind, item_id, reason in source:
            key = (kind, item_id)
            if key in seen or key in viewer.hidden:
                continue
            seen.add(key)
            wanted.append((kind, item_id, reason))
        if wanted:
            items.extend(_pick(wanted, viewer, counts, limit, community_id))

    add(candidates)
    if top_up is not None and any(counts[k] < limit for k in kinds):
        add([c for c in top_up() if counts[c[0]] < limit])
    return items


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


def _popular_candidates(kinds: Iterable[str], community_id: int | None, viewer: Any,
                        run_id: int | None) -> tuple[Candidates, str]:
    """The run's popular list (from the per-run cache); live popularity when no model was trained (source
    "fallback") or when the run has no list for this community (created since)."""
    kinds = list(kinds)
    if run_id is not None:
        items = run_lists.popular(run_id, [community_id])[community_id]
        if items is not None:
            return _as_candidates(items, kinds), "model"
        return _live_popular(kinds, community_id, viewer), "model"
    _log_fallback("popular lists")
    return _live_popular(kinds, community_id, viewer), "fallback"


def popular(*, user: Any = None, kinds: Iterable[str] = tuple(ItemKind.values), community_id: int | None = None,
            limit: int = conf.PAGE_SIZE, name: str = "for_you") -> RecList:
    """The same list for everyone: the site's (or a community's) popular products and posts."""
    run_id = _current_run_id()
    candidates, source = _popular_candidates(kinds, community_id, user, run_id)
    return RecList(name=name, kind=ListKind.POPULAR, source=source,
                   items=_load(candidates, _viewer(user, run_id), limit=limit, community_id=community_id))


# --- personalised lists --------------------------------------------------------------------------------------


def _friends_bought_candidates(user: Any) -> Candidates:
    """Products bought lately by the members the viewer follows who chose to share their purchases (read live:
    withdrawing consent takes effect on the next request)."""
    followed = following_ids(user=user)
    if not followed:
        return []
    sharing = [u for (u,) in _sharing.run(ids=followed)]
    if not sharing:
        return []
    latest: dict[int, dt.datetime] = {}
    for _, product_id, _, paid_at in _purchases.run(ids=sharing, fixed=(_window_start(conf.friends_window_days()),)):
        latest[product_id] = paid_at
    ordered = sorted(latest, key=lambda p: latest[p], reverse=True)
    return [(ItemKind.PRODUCT, p, Reason.FRIENDS_BOUGHT) for p in ordered]


def _cold_start_candidates(user: Any, kinds: list[str], community_id: int | None, run_id: int | None) -> Candidates:
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
    communities: list[int] = [community_id] if community_id is not None else joined_community_ids(user=user)
    stored = run_lists.popular(run_id, list(communities)) if run_id is not None else {}
    lists = [_as_candidates(items, kinds, Reason.COMMUNITY_HOT) for items in stored.values() if items]
    if lists:
        for n in range(max(len(x) for x in lists)):  # interleave the communities
            out += [x[n] for x in lists if n < len(x)]
    else:
        for c in communities[:5]:
            out += [(k, i, Reason.COMMUNITY_HOT) for k, i, _ in _live_popular(kinds, c, user)]
    return out


def for_you(*, user: Any, kinds: Iterable[str] = tuple(ItemKind.values), community_id: int | None = None,
            limit: int = conf.PAGE_SIZE) -> RecList:
    """为你推荐: the member's stored candidates, friends' purchases first, the member's filters applied; a member
    the model does not know starts from persona tags and joined communities; the popular list tops up a short
    list. Visitors and members who switched personalisation off get the popular list (kind popular). In a
    community only its posts are shown."""
    kinds = _checked_kinds(kinds)
    if not _personalised(user):
        return popular(user=user, kinds=kinds, community_id=community_id, limit=limit)
    # the member's row of the newest READY run, and that run's id, in one query
    rows = _stored_row.run(binds=(user.pk,))
    row = rows[0] if rows else None
    run_id = row[0] if row is not None else _current_run_id()
    friends_list = _friends_bought_candidates(user) if ItemKind.PRODUCT in kinds else []
    candidates: Candidates = friends_list[:FRIENDS_FIRST]
    if row is not None:
        friends = {i for _, i, _ in friends_list}
        for kind, item_id, reason in _as_candidates(row[1], kinds):
            candidates.append((kind, item_id, Reason.FRIENDS_BOUGHT if item_id in friends and kind == ItemKind.PRODUCT
                               else reason))
    else:
        candidates += _cold_start_candidates(user, kinds, community_id, run_id)
    if run_id is None:
        _log_fallback("for you")
    items = _load(candidates, _viewer(user, run_id), limit=limit, community_id=community_id, kinds=kinds,
                  top_up=lambda: _popular_candidates(kinds, community_id, user, run_id)[0])
    # built for this member (their candidates, friends, communities), topped up with popular items if short
    return RecList(name="for_you", kind=ListKind.PERSONALISED, items=items,
                   source="model" if run_id is not None else "fallback")


def friends_bought(*, user: Any, limit: int = conf.PAGE_SIZE) -> RecList:
    """好友买过: products bought by members the viewer follows who share their purchases (empty for visitors and
    for members who switched personalisation off: it is based on their follow graph)."""
    if not _personalised(user):
        return RecList(name="friends_bought", kind=ListKind.PERSONALISED, items=[])
    candidates = _friends_bought_candidates(user)
    viewer = _viewer(user, _current_run_id()) if candidates else _Viewer(user, set(), set(), frozenset())
    return RecList(name="friends_bought", kind=ListKind.PERSONALISED, items=_load(candidates, viewer, limit=limit))


def community_hot(*, community_id: int, user: Any = None, limit: int = conf.PAGE_SIZE) -> RecList:
    """本社群热卖: the community's best products (the same for everyone)."""
    return popular(user=user, kinds=[ItemKind.PRODUCT], community_id=community_id, limit=limit,
                   name="community_hot")


def also_bought(*, product_id: int, user: Any = None, limit: int = 6) -> RecList:
    """买了还买: products bought by the members who bought this one (看了还看 when there are none yet), topped up
    with the site's popular products. The same for everyone (kind popular); the viewer's 不感兴趣 still applies."""
    row = (ItemNeighbours.objects.filter(product_id=product_id, model_id=Subquery(_newest_ready_ids()[:1]))
           .values_list("model_id", "items").first())
    run_id = row[0] if row is not None else _current_run_id()
    candidates = [c for c in _as_candidates(row[1], [ItemKind.PRODUCT]) if c[1] != product_id] if row else []
    return RecList(name="also_bought", kind=ListKind.POPULAR, source="model" if run_id is not None else "fallback",
                   items=_load(candidates, _viewer(user, run_id), limit=limit, kinds=[ItemKind.PRODUCT],
                               top_up=lambda: [c for c in _popular_candidates([ItemKind.PRODUCT], None, user,
                                                                              run_id)[0] if c[1] != product_id]))
