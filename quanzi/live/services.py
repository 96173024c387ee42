"""Live selling writes: schedule, start, end, pin and unpin products, comments, likes, viewers.

Every write is a conditional update or a row of its own (no read-then-write on a counter); what leaves the database
for the room (a comment, the like count, the viewer count, a pinned product, the end) is sent to the session's
channel group after the commit (`core.realtime.group_send_on_commit`)."""

from __future__ import annotations

import datetime as dt
import secrets
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from quanzi.catalog import selectors as catalog_selectors
from quanzi.catalog.enums import MerchantStatus
from quanzi.communities import selectors as community_selectors
from quanzi.communities.enums import MembershipStatus
from quanzi.communities.errors import ErrorCode as CommunityCode
from quanzi.content.sensitive import find_words
from quanzi.core.enums import TouchKind
from quanzi.core.errors import NotAuthenticated, PermissionDenied
from quanzi.core.events import touch_record, track
from quanzi.core.images import clean_image
from quanzi.core.realtime import group_send_on_commit
from quanzi.live import errors, hooks
from quanzi.live.enums import CommentStatus, SessionStatus
from quanzi.live.models import LiveComment, LivePin, LiveSession, LiveViewer

COMMENT_MAX = 200
STREAM_SUFFIXES = (".m3u8", ".flv")
ONLINE_TTL = 6 * 3600  # the online counter of a room outlives any session; a restart starts it again from zero


def _require_login(user: Any) -> None:
    if user is None or not getattr(user, "is_authenticated", False):
        raise NotAuthenticated(CommunityCode.NOT_AUTHENTICATED, _("请先登录"))


def _fresh_membership(user: Any, session: LiveSession) -> None:
    """communities' selectors keep a member's membership on the user object for the request; a WebSocket's user
    lives as long as the connection, so a mute or a ban made meanwhile must be read again."""
    cache_of_user = getattr(user, "_membership_cache", None)
    if isinstance(cache_of_user, dict):
        cache_of_user.pop(session.community_id, None)


def _session(session_id: int) -> LiveSession:
    session = LiveSession.objects.select_related("community").filter(pk=session_id).first()
    if session is None:
        raise errors.session_not_found()
    return session


def _host_session(user: Any, session_id: int) -> LiveSession:
    _require_login(user)
    session = _session(session_id)
    if not community_selectors.can_view(user=user, community=session.community):
        raise errors.session_not_found()
    if session.host_id != user.pk:
        raise errors.not_host()
    return session


def _clean_stream_url(url: str) -> str:
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(url) > 500 \
            or not parts.path.lower().endswith(STREAM_SUFFIXES):
        raise errors.invalid_stream_url()
    return url


def room_send(session: LiveSession, payload: dict[str, Any]) -> None:
    """Fan `payload` (a frame for the browsers) out to the room after the commit."""
    group_send_on_commit(session.group_name, {"type": "room.frame", "frame": payload})


# --- the session -------------------------------------------------------------------------------------------------


def session_schedule(*, user: Any, community_id: int, title: str, stream_url: str, scheduled_at: dt.datetime,
                     description: str = "", cover: Any = None) -> LiveSession:
    """A community's owner, admin or KOL (the roles that may carry products: `pick_products`) schedules a session.
    When the host runs an approved merchant, the session sells that merchant's products only."""
    _require_login(user)
    community = community_selectors.community_by_id(community_id=community_id)
    if community is None:
        raise errors.session_not_found()
    community_selectors.require_perm(user=user, community=community, perm="pick_products")
    title = (title or "").strip()
    if not title or len(title) > 60:
        raise errors.invalid_title()
    url = _clean_stream_url(stream_url)
    if scheduled_at < timezone.now() - dt.timedelta(minutes=5):
        raise errors.invalid_time()
    cover_file = clean_image(cover) if cover else None
    merchant = catalog_selectors.merchant_get_for_user(user=user)
    with transaction.atomic():
        session = LiveSession.objects.create(
            community=community, host=user, title=title, description=(description or "").strip()[:300],
            stream_url=url, scheduled_at=scheduled_at, token="lv" + secrets.token_hex(8),
            merchant=merchant if merchant is not None and merchant.status == MerchantStatus.APPROVED else None)
        if cover_file is not None:
            session.cover.save(cover_file.name or "cover.jpg", cover_file, save=True)
        track("live.session_schedule", user=user, obj=session, community_id=community.pk)
    return session


def _move(session: LiveSession, from_status: str, to_status: str, **fields: Any) -> None:
    moved = LiveSession.objects.filter(pk=session.pk, status=from_status).update(status=to_status, **fields)
    if not moved:
        session.refresh_from_db(fields=["status"])
        raise errors.illegal_transition(str(SessionStatus(session.status).label), str(SessionStatus(to_status).label))
    session.status = to_status
    for key, value in fields.items():
        setattr(session, key, value)


def session_start(*, user: Any, session_id: int) -> LiveSession:
    session = _host_session(user, session_id)
    with transaction.atomic():
        _move(session, SessionStatus.SCHEDULED, SessionStatus.LIVE, started_at=timezone.now())
        track("live.session_start", user=user, obj=session, community_id=session.community_id)
        room_send(session, {"type": "status", "status": session.status})
        transaction.on_commit(partial(hooks.session_started, session_id=session.pk,
                                      community_id=session.community_id, title=session.title,
                                      host_id=session.host_id))
    return session


def session_end(*, user: Any, session_id: int, replay_url: str = "") -> LiveSession:
    """The host ends the session: no more comments or likes, the live prices stop, the room is closed (4410)
    and the replay page takes over. `replay_url`: the provider's recording (defaults to the stream's URL)."""
    session = _host_session(user, session_id)
    replay = _clean_stream_url(replay_url) if replay_url else session.stream_url
    with transaction.atomic():
        _move(session, SessionStatus.LIVE, SessionStatus.ENDED, ended_at=timezone.now(), replay_url=replay)
        track("live.session_end", user=user, obj=session, community_id=session.community_id)
        room_send(session, {"type": "ended"})
    return session


def session_cancel(*, user: Any, session_id: int) -> LiveSession:
    session = _host_session(user, session_id)
    with transaction.atomic():
        _move(session, SessionStatus.SCHEDULED, SessionStatus.CANCELLED)
    return session


# --- products ----------------------------------------------------------------------------------------------------


def pin_frame(pin: LivePin) -> dict[str, Any]:
    return {"type": "pinned", "pin_id": pin.pk, "product_id": pin.product_id, "sku_id": pin.sku_id,
            "title": pin.product.title, "price_fen": pin.sku.price_fen, "live_price_fen": pin.live_price_fen}


def pin_product(*, user: Any, session_id: int, product_id: int, sku_id: int | None = None,
                live_price_fen: int | None = None) -> LivePin:
    """The host pins a product in a scheduled or live session. Allowed: a sellable product on the community's
    shelf; when the session sells for a merchant (the host runs one), only that merchant's products. The live
    price (optional) is for one SKU (the first sellable one unless named), above 0 and below its price; it applies
    to checkouts from the live page while the session is live and the product is pinned."""
    session = _host_session(user, session_id)
    if session.status in (SessionStatus.ENDED, SessionStatus.CANCELLED):
        raise errors.session_ended()
    shelf = catalog_selectors.community_shelf(community=session.community)
    product = shelf.filter(pk=product_id).first()
    if product is None:
        raise errors.product_not_on_shelf()
    if session.merchant_id is not None and product.merchant_id != session.merchant_id:
        raise errors.product_other_merchant()
    skus = list(catalog_selectors.product_skus(product=product))
    sku = next((s for s in skus if sku_id is None or s.pk == sku_id), None)
    if sku is None:
        raise errors.sku_not_found()
    if live_price_fen is not None and not 0 < live_price_fen < sku.price_fen:
        raise errors.invalid_price()
    with transaction.atomic():
        pin, _created = LivePin.objects.update_or_create(
            session=session, product=product,
            defaults={"sku": sku, "live_price_fen": live_price_fen, "active": True, "pinned_at": timezone.now(),
                      "unpinned_at": None})
        track("live.pin", user=user, obj=session, community_id=session.community_id, product_id=product.pk,
              live_price_fen=live_price_fen)
        pin.product, pin.sku = product, sku
        room_send(session, pin_frame(pin))
    return pin


def unpin_product(*, user: Any, session_id: int, pin_id: int) -> LivePin:
    session = _host_session(user, session_id)
    pin = LivePin.objects.filter(pk=pin_id, session=session).first()
    if pin is None:
        raise errors.pin_not_found()
    with transaction.atomic():
        LivePin.objects.filter(pk=pin.pk, active=True).update(active=False, unpinned_at=timezone.now())
        room_send(session, {"type": "unpinned", "pin_id": pin.pk})
    pin.refresh_from_db()
    return pin


# --- the room ----------------------------------------------------------------------------------------------------


def room_check(*, user: Any, session_id: int) -> LiveSession:
    """May this member be in the room? Anonymous: 401; a session of a community they may not see: 404 (never
    leaked); banned from the community: 403; an ended or cancelled session: 410 (its replay is a page)."""
    _require_login(user)
    session = _session(session_id)
    _fresh_membership(user, session)
    if not community_selectors.can_view(user=user, community=session.community):
        raise errors.session_not_found()
    membership = community_selectors.membership_get(user=user, community=session.community)
    if membership is not None and membership.status == MembershipStatus.BANNED:
        raise PermissionDenied(CommunityCode.BANNED, _("你已被该社群封禁"))
    if session.status in (SessionStatus.ENDED, SessionStatus.CANCELLED):
        raise errors.session_ended()
    return session


def comment_post(*, user: Any, session_id: int, body: str) -> LiveComment:
    """A comment in a live session. Refused (nothing written): the session not live (`live_not_live`) or over
    (`live_session_ended`), not a member, muted or banned (communities' `post` permission), empty or too long.
    A comment with a sensitive word is kept as held: only its author sees it, the room does not."""
    _require_login(user)
    session = _session(session_id)
    if not community_selectors.can_view(user=user, community=session.community):
        raise errors.session_not_found()
    if session.status in (SessionStatus.ENDED, SessionStatus.CANCELLED):
        raise errors.session_ended()
    if session.status != SessionStatus.LIVE:
        raise errors.not_live()
    _fresh_membership(user, session)
    community_selectors.require_perm(user=user, community=session.community, perm="post")
    body = " ".join((body or "").split())
    if not body:
        raise errors.comment_empty()
    if len(body) > COMMENT_MAX:
        raise errors.comment_too_long()
    held = bool(find_words(body))
    with transaction.atomic():
        comment = LiveComment.objects.create(session=session, user=user, body=body,
                                             status=CommentStatus.HELD if held else CommentStatus.VISIBLE)
        track("live.comment", user=user, obj=session, community_id=session.community_id, held=held)
        if not held:
            LiveSession.objects.filter(pk=session.pk).update(comment_count=F("comment_count") + 1)
            room_send(session, comment_frame(comment, user))
    return comment


def comment_frame(comment: LiveComment, user: Any) -> dict[str, Any]:
    return {"type": "comment", "id": comment.pk, "user": str(user),
            "body": comment.body, "held": comment.status == CommentStatus.HELD}


def like_add(*, user: Any, session_id: int) -> int:
    """One like (a tap on the heart); the room gets the new total. Only while live."""
    _require_login(user)
    session = _session(session_id)
    if session.status != SessionStatus.LIVE:
        raise errors.session_ended() if session.status in (SessionStatus.ENDED, SessionStatus.CANCELLED) \
            else errors.not_live()
    with transaction.atomic():
        LiveSession.objects.filter(pk=session.pk).update(like_count=F("like_count") + 1)
        likes = LiveSession.objects.filter(pk=session.pk).values_list("like_count", flat=True).get()
        room_send(session, {"type": "likes", "count": likes})
    return int(likes)


def _online_key(session_id: int) -> str:
    return f"live:online:{session_id}"


def viewer_join(*, user: Any, session_id: int) -> int:
    """A member's connection joined the room: the distinct viewers (once per member), the online count (in the
    cache: Redis in production, shared by every daphne process) and the peak (conditional update). Returns the
    online count, which the room is sent."""
    session = _session(session_id)
    key = _online_key(session.pk)
    cache.add(key, 0, timeout=ONLINE_TTL)
    online = int(cache.incr(key))
    with transaction.atomic():
        try:
            with transaction.atomic():
                LiveViewer.objects.create(session=session, user=user)
            LiveSession.objects.filter(pk=session.pk).update(viewer_count=F("viewer_count") + 1)
        except IntegrityError:
            pass  # a member seen before: one viewer however often they come back
        LiveSession.objects.filter(pk=session.pk, peak_viewers__lt=online).update(peak_viewers=online)
        room_send(session, {"type": "viewers", "online": online})
    return online


def viewer_leave(*, session_id: int) -> int:
    key = _online_key(session_id)
    try:
        online = max(0, int(cache.decr(key)))
    except ValueError:
        online = 0
    session = LiveSession.objects.filter(pk=session_id).first()
    if session is not None:
        room_send(session, {"type": "viewers", "online": online})
    return online


def buy_touch(*, user: Any, pin: LivePin) -> None:
    """The buy button of a pinned product: the touch that credits the order to the session (a `link_view` touch
    with the session's token; `orders.selectors.order_attribution` reads it, last touch wins)."""
    session = pin.session
    touch_record(user=user, kind=TouchKind.LINK_VIEW, product_id=pin.product_id, share_token=session.token,
                 community_id=session.community_id)
    track("live.buy_click", user=user, obj=session, community_id=session.community_id,
          share_token=session.token, product_id=pin.product_id)
