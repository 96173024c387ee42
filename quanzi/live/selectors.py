"""Live selling reads: the sessions of a community, a session's page, pins, comments and the replay's figures."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from quanzi.catalog import selectors as catalog_selectors
from quanzi.communities import selectors as community_selectors
from quanzi.live import errors
from quanzi.live.enums import CommentStatus, SessionStatus
from quanzi.live.models import LiveComment, LiveOrderLine, LivePin, LiveSession


def session_get(*, session_id: int, user: Any) -> LiveSession:
    """A session whose community the viewer may see; else 404 (an invite-only community is never leaked)."""
    session = (LiveSession.objects.select_related("community", "host", "merchant").filter(pk=session_id).first())
    if session is None or not community_selectors.can_view(user=user, community=session.community):
        raise errors.session_not_found()
    return session


def session_list(*, community_id: int, user: Any) -> QuerySet[LiveSession]:
    """A community's sessions (live first, then the upcoming, then the replays), for a viewer who may see it."""
    community = community_selectors.community_by_id(community_id=community_id)
    if community is None or not community_selectors.can_view(user=user, community=community):
        raise errors.session_not_found()
    return (LiveSession.objects.filter(community=community).exclude(status=SessionStatus.CANCELLED)
            .select_related("host").order_by("status", "-scheduled_at"))


def sessions_visible(*, user: Any, limit: int = 30) -> QuerySet[LiveSession]:
    """Live and upcoming sessions in the communities this viewer may see, live first."""
    return (LiveSession.objects.filter(community_selectors.visible_communities_q(user=user, prefix="community__"))
            .filter(status__in=(SessionStatus.LIVE, SessionStatus.SCHEDULED))
            .select_related("community", "host").order_by("-status", "scheduled_at")[:limit])


def pins(*, session: LiveSession, active_only: bool = False) -> list[LivePin]:
    qs = session.pins.select_related("product", "sku").prefetch_related("product__images").order_by("-pinned_at")
    return list(qs.filter(active=True) if active_only else qs)


def pinnable_products(*, session: LiveSession) -> list[Any]:
    """What the host may pin (services.pin_product checks the same): the community shelf's sellable products, of
    the session's merchant when it has one."""
    shelf = catalog_selectors.community_shelf(community=session.community)
    if session.merchant_id is not None:
        shelf = shelf.filter(merchant_id=session.merchant_id)
    return list(shelf[:100])


def pin_get(*, session: LiveSession, pin_id: int) -> LivePin:
    pin = session.pins.select_related("product", "sku", "session").filter(pk=pin_id).first()
    if pin is None:
        raise errors.pin_not_found()
    return pin


def pin_for_price(*, pin_id: int) -> LivePin | None:
    return LivePin.objects.select_related("session", "sku").filter(pk=pin_id).first()


def recent_comments(*, session: LiveSession, user: Any, limit: int = 50) -> list[LiveComment]:
    """The latest visible comments, oldest first; the viewer's own held ones too (only they see them)."""
    shown = Q(status=CommentStatus.VISIBLE)
    if user is not None and getattr(user, "is_authenticated", False):
        shown |= Q(user=user)
    rows = list(LiveComment.objects.filter(session=session).filter(shown).select_related("user")
                .order_by("-id")[:limit])
    return rows[::-1]


def sessions_by_token(*, tokens: set[str]) -> dict[str, LiveSession]:
    return {s.token: s for s in LiveSession.objects.filter(token__in=tokens)}


def share_owners(tokens: set[str]) -> dict[str, int]:
    """orders.hooks.share_token_owner: the host is the sharer of the session's buy links."""
    return dict(LiveSession.objects.filter(token__in=tokens).values_list("token", "host_id"))


@dataclass(frozen=True)
class Figures:
    viewers: int
    peak_viewers: int
    comments: int
    likes: int
    orders: int
    gmv_fen: int
    refunded_fen: int


def figures(*, session: LiveSession) -> Figures:
    """The replay's figures. Orders and GMV count the paid order lines credited to the session (their last touch
    was its buy button): GMV is what buyers paid for the goods, before refunds (shown apart)."""
    paid = LiveOrderLine.objects.filter(session=session, paid=True).aggregate(
        orders=Count("order_id", distinct=True), gmv=Sum("goods_payable_fen"), refunded=Sum("refunded_fen"))
    return Figures(viewers=session.viewer_count, peak_viewers=session.peak_viewers, comments=session.comment_count,
                   likes=session.like_count, orders=int(paid["orders"] or 0), gmv_fen=int(paid["gmv"] or 0),
                   refunded_fen=int(paid["refunded"] or 0))


def hosted_sessions_with_products(*, host_id: int, product_ids: Any, since: Any, until: Any) -> list[LiveSession]:
    """Sessions this member hosted that went live between `since` and `until` with one of these products pinned
    (the KOL marketplace counts them as a deal's live deliverable), earliest first."""
    return list(LiveSession.objects.filter(
        host_id=host_id, started_at__gte=since, started_at__lt=until,
        status__in=(SessionStatus.LIVE, SessionStatus.ENDED),
        pk__in=LivePin.objects.filter(product_id__in=list(product_ids)).values("session_id"))
        .order_by("started_at", "pk"))
