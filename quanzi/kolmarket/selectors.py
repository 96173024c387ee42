"""KOL marketplace reads: the directory, a KOL's figures (computed from the apps below, cached on their
listing), the deals of a merchant or a KOL, a deal's page (terms, history, deliverables, credited orders and the
commission earned under it), the agreed rate the distribution ledger asks for, and the service-fee revenue line."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from quanzi.accounts.selectors import follower_list
from quanzi.catalog import kol_selectors as catalog_kol
from quanzi.catalog.selectors import merchant_get_for_user, product_titles
from quanzi.communities.enums import Vertical
from quanzi.communities.selectors import has_perm, my_communities
from quanzi.content.enums import PostStatus
from quanzi.content.selectors import member_posts, posts_by_id
from quanzi.kolmarket import errors
from quanzi.kolmarket.enums import DealStatus, EntryKind, Sort
from quanzi.kolmarket.models import Deal, DealCredit, DealEntry, KolProfile
from quanzi.live.selectors import hosted_sessions_with_products
from quanzi.orders import sales_selectors
from quanzi.orders.selectors import orders_by_id
from quanzi.personas.selectors import tag_distribution
from quanzi.referrals.distribution.kol_selectors import commission_by_line

AUDIENCE_SAMPLE = 5000  # the most recent followers whose persona tags make the audience figure
POST_DAYS = 90
GMV_DAYS = 30
OPEN = (DealStatus.PROPOSED, DealStatus.COUNTERED)
SERVICE_KINDS = (EntryKind.FEE_SERVICE, EntryKind.COMMISSION_SERVICE)


# --- a KOL's figures ----------------------------------------------------------------------------------------------


@dataclass
class Figures:
    verticals: list[str] = field(default_factory=list)
    community_ids: list[int] = field(default_factory=list)
    followers: int = 0
    posts_90d: int = 0
    engagement_bp: int = 0  # (likes + comments + favourites + shares) / views, in 1/10000
    favourite_bp: int = 0  # favourites / views: what readers keep, a content-quality signal
    avg_interactions: int = 0  # per post
    orders_30d: int = 0
    gmv_30d_fen: int = 0
    audience: list[tuple[str, int]] = field(default_factory=list)  # (persona tag label, share of followers in bp)


def pick_communities(user: Any) -> list[Any]:
    """The communities where this member may pick products (owner, admin, KOL): where a deal's products go."""
    return [c for c in my_communities(user=user) if has_perm(user=user, community=c, perm="pick_products")]


def kol_figures(*, user: Any, now: dt.datetime | None = None) -> Figures:
    """A KOL's figures, read through the apps below: followers (accounts), the last 90 days of posts and their
    interactions (content), what their posts and shelf picks sold over 30 days (orders' credit), the persona tags
    of their followers (personas). A few queries per KOL; the directory reads the cached copy."""
    now = now or timezone.now()
    fig = Figures()
    communities = pick_communities(user)
    fig.community_ids = sorted(c.pk for c in communities)
    fig.verticals = sorted({c.vertical for c in communities})
    followers = follower_list(user_id=user.pk)
    fig.followers = followers.count()
    agg = member_posts(user_id=user.pk, viewer=None).filter(publish_at__gte=now - dt.timedelta(days=POST_DAYS))\
        .order_by().aggregate(n=Count("pk"), likes=Sum("like_count"), comments=Sum("comment_count"),
                              favs=Sum("favourite_count"), shares=Sum("share_count"), views=Sum("view_count"))
    posts, views = int(agg["n"] or 0), int(agg["views"] or 0)
    interactions = sum(int(agg[k] or 0) for k in ("likes", "comments", "favs", "shares"))
    fig.posts_90d = posts
    fig.engagement_bp = min(interactions * 10000 // views, 10000) if views else 0
    fig.favourite_bp = min(int(agg["favs"] or 0) * 10000 // views, 10000) if views else 0
    fig.avg_interactions = interactions // posts if posts else 0
    since = now - dt.timedelta(days=GMV_DAYS)
    cards = catalog_kol.kol_post_cards(user_id=user.pk)
    picks = catalog_kol.kol_shelf_picks(user_id=user.pk)
    credited = [*sales_selectors.credited_to_posts(post_ids=cards, since=since).values(),
                *sales_selectors.credited_to_shelf(picks=[(p.community_id, p.product_id) for p in picks],
                                                   since=since).values()]
    fig.gmv_30d_fen = sum(c.gmv_fen for c in credited)
    fig.orders_30d = len(set().union(*(c.order_ids for c in credited))) if credited else 0
    sample = set(followers.values_list("pk", flat=True)[:AUDIENCE_SAMPLE])
    if sample:
        fig.audience = [(label, n * 10000 // len(sample)) for label, n in tag_distribution(user_ids=sample, limit=8)]
    return fig


# --- the directory ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DirectoryFilters:
    vertical: str = ""
    community_id: int | None = None
    followers_min: int | None = None
    followers_max: int | None = None
    engagement_min_bp: int | None = None
    audience_tag: str = ""
    gmv_min_fen: int | None = None
    q: str = ""
    sort: str = Sort.FOLLOWERS


SORTS = {Sort.FOLLOWERS: ("-followers", "-pk"), Sort.ENGAGEMENT: ("-engagement_bp", "-pk"),
         Sort.GMV: ("-gmv_30d_fen", "-pk"), Sort.NEWEST: ("-created_at", "-pk")}


def directory(*, filters: DirectoryFilters) -> QuerySet[KolProfile]:
    """The listed KOLs matching the filters, sorted: one indexed query on the cached figures."""
    qs = KolProfile.objects.filter(listed=True).select_related("user", "shelf_community")
    f = filters
    if f.vertical in Vertical.values:
        qs = qs.filter(verticals__contains=f"|{f.vertical}|")
    if f.community_id is not None:
        qs = qs.filter(community_ids__contains=f"|{f.community_id}|")
    if f.followers_min is not None:
        qs = qs.filter(followers__gte=f.followers_min)
    if f.followers_max is not None:
        qs = qs.filter(followers__lte=f.followers_max)
    if f.engagement_min_bp is not None:
        qs = qs.filter(engagement_bp__gte=f.engagement_min_bp)
    if f.audience_tag.strip():
        qs = qs.filter(audience_text__icontains=f"|{f.audience_tag.strip()}")
    if f.gmv_min_fen is not None:
        qs = qs.filter(gmv_30d_fen__gte=f.gmv_min_fen)
    if f.q.strip():
        qs = qs.filter(Q(user__nickname__icontains=f.q.strip()) | Q(bio__icontains=f.q.strip()))
    return qs.order_by(*SORTS[Sort(f.sort) if f.sort in Sort.values else Sort.FOLLOWERS])


def audience_tags(*, limit: int = 30) -> list[str]:
    """The persona tags met in the listed KOLs' audiences (the directory's "audience fit" choices)."""
    seen: dict[str, int] = {}
    for audience in KolProfile.objects.filter(listed=True).values_list("audience", flat=True)[:500]:
        for label, share in audience or []:
            seen[label] = seen.get(label, 0) + int(share)
    return [label for label, _s in sorted(seen.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]]


def profile_get(*, user_id: int) -> KolProfile | None:
    return KolProfile.objects.select_related("user", "shelf_community").filter(user_id=user_id).first()


def listed_profile(*, user_id: int) -> KolProfile:
    p = profile_get(user_id=user_id)
    if p is None or not p.listed:
        raise errors.kol_not_found()
    return p


def profiles_stale(*, before: dt.datetime, limit: int = 200) -> list[int]:
    return list(KolProfile.objects.filter(Q(stats_at__isnull=True) | Q(stats_at__lt=before))
                .order_by("stats_at", "pk").values_list("user_id", flat=True)[:limit])


# --- deals --------------------------------------------------------------------------------------------------------


def merchant_of(user: Any) -> Any:
    return merchant_get_for_user(user=user)


def deals_of_merchant(*, merchant_id: int) -> QuerySet[Deal]:
    return Deal.objects.filter(merchant_id=merchant_id).select_related("kol", "merchant").order_by("-pk")


def deals_of_kol(*, user_id: int) -> QuerySet[Deal]:
    return Deal.objects.filter(kol_id=user_id).select_related("kol", "merchant").order_by("-pk")


def deal_for_viewer(*, user: Any, deal_id: int) -> Deal:
    """A deal its merchant, its KOL or an operator may see; anyone else gets not-found."""
    deal = Deal.objects.select_related("kol", "merchant", "shelf_community").filter(pk=deal_id).first()
    if deal is None or not getattr(user, "is_authenticated", False):
        raise errors.deal_not_found()
    merchant = merchant_of(user)
    if not (user.is_staff or deal.kol_id == user.pk or (merchant is not None and deal.merchant_id == merchant.pk)):
        raise errors.deal_not_found()
    return deal


def deal_product_ids(deal: Deal) -> list[int]:
    return list(deal.products.order_by("product_id").values_list("product_id", flat=True))


def _day_bounds(deal: Deal) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(deal.starts_on, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(deal.ends_on + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return start, end


def active_deal_for(*, kol_id: int, product_id: int, at: dt.datetime) -> Deal | None:
    """The accepted deal of this KOL covering this product on this day (Asia/Shanghai), the latest accepted when
    two overlap. What the distribution ledger's KOL rate override and the deal credit both answer with."""
    day = timezone.localtime(at).date()
    return (Deal.objects.filter(kol_id=kol_id, status__in=(DealStatus.ACCEPTED, DealStatus.COMPLETED),
                                starts_on__lte=day, ends_on__gte=day, products__product_id=product_id)
            .order_by("-accepted_at", "-pk").first())


def agreed_kol_rate(kol_id: int, product_id: int, at: dt.datetime) -> Decimal | None:
    """The provider registered with `referrals.distribution.overrides.kol_rate`."""
    deal = active_deal_for(kol_id=kol_id, product_id=product_id, at=at)
    return deal.commission_rate if deal is not None else None


@dataclass
class Deliverables:
    posts: list[Any] = field(default_factory=list)  # the KOL's posts in the period carrying a deal product
    lives: list[Any] = field(default_factory=list)  # the KOL's live sessions in the period with one pinned
    posts_required: int = 0
    lives_required: int = 0

    @property
    def met(self) -> bool:
        return len(self.posts) >= self.posts_required and len(self.lives) >= self.lives_required


def deliverables_of(deal: Deal) -> Deliverables:
    """What the KOL delivered: each post they published within the period that carries a deal product (a product
    card they linked), and each live session they hosted within the period with a deal product pinned."""
    product_ids = set(deal_product_ids(deal))
    start, end = _day_bounds(deal)
    cards = catalog_kol.kol_post_cards(user_id=deal.kol_id)
    linked = [pid for pid, products in cards.items() if product_ids & set(products)]
    posts = [p for p in posts_by_id(post_ids=set(linked)).values()
             if p.publish_at is not None and start <= p.publish_at < end and p.status == PostStatus.PUBLISHED]
    posts.sort(key=lambda p: (p.publish_at, p.pk))
    lives = hosted_sessions_with_products(host_id=deal.kol_id, product_ids=product_ids, since=start, until=end)
    return Deliverables(posts=posts, lives=lives, posts_required=deal.posts_required,
                        lives_required=deal.lives_required)


@dataclass
class CreditedOrder:
    order_id: int
    number: str
    product: str
    paid_at: dt.datetime
    goods_payable_fen: int
    commission_fen: int


@dataclass
class DealPage:
    deal: Deal
    products: list[tuple[int, str]]
    history: list[Any]
    deliverables: Deliverables
    credited: list[CreditedOrder]
    gmv_fen: int
    commission_fen: int
    entries: list[DealEntry]
    service_fee_fen: int


def deal_page(deal: Deal) -> DealPage:
    ids = deal_product_ids(deal)
    titles = product_titles(product_ids=ids)
    credits = list(DealCredit.objects.filter(deal=deal).order_by("-paid_at", "-pk"))
    commission = commission_by_line(user_id=deal.kol_id, order_line_ids=[c.order_line_id for c in credits])
    orders = orders_by_id(order_ids={c.order_id for c in credits})
    rows = [CreditedOrder(order_id=c.order_id, number=getattr(orders.get(c.order_id), "number", str(c.order_id)),
                          product=titles.get(c.product_id, str(c.product_id)), paid_at=c.paid_at,
                          goods_payable_fen=c.goods_payable_fen, commission_fen=commission.get(c.order_line_id, 0))
            for c in credits]
    entries = list(deal.entries.order_by("pk"))
    return DealPage(deal=deal, products=[(i, titles.get(i, str(i))) for i in ids],
                    history=list(deal.status_changes.select_related("actor").order_by("pk")),
                    deliverables=deliverables_of(deal), credited=rows,
                    gmv_fen=sum(r.goods_payable_fen for r in rows), commission_fen=sum(r.commission_fen for r in rows),
                    entries=entries, service_fee_fen=sum(e.amount_fen for e in entries if e.kind in SERVICE_KINDS))


def credits_of_order(*, order_id: int) -> list[DealCredit]:
    return list(DealCredit.objects.filter(order_id=order_id).select_related("deal").order_by("pk"))


def deals_expired_due(*, now: dt.datetime, limit: int = 500) -> list[int]:
    return list(Deal.objects.filter(status__in=OPEN, expires_at__lte=now).order_by("pk")
                .values_list("pk", flat=True)[:limit])


def deals_accepted(*, limit: int = 500) -> list[int]:
    return list(Deal.objects.filter(status=DealStatus.ACCEPTED).order_by("pk").values_list("pk", flat=True)[:limit])


def counts_for(*, user: Any) -> dict[str, int]:
    """Open proposals waiting for this member (as KOL) and counters waiting for them (as merchant)."""
    merchant = merchant_of(user)
    return {"incoming": Deal.objects.filter(kol_id=user.pk, status=DealStatus.PROPOSED).count(),
            "countered": Deal.objects.filter(merchant_id=merchant.pk, status=DealStatus.COUNTERED).count()
            if merchant is not None else 0}


# --- the service-fee revenue line (ads.revenue) -------------------------------------------------------------------


def service_fees_by_day(since: dt.date | None) -> dict[dt.date, int]:
    qs = DealEntry.objects.filter(kind__in=SERVICE_KINDS)
    if since is not None:
        tz = timezone.get_current_timezone()
        qs = qs.filter(created_at__gte=dt.datetime.combine(since, dt.time.min, tzinfo=tz))
    rows = qs.annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone())).values("day")\
        .annotate(s=Sum("amount_fen")).values_list("day", "s")
    return {day: int(s or 0) for day, s in rows}


def service_fees_total() -> int:
    """The same money read from the deals' cached counters (each moved with its ledger row)."""
    return int(Deal.objects.aggregate(s=Sum("service_fee_fen"))["s"] or 0)
