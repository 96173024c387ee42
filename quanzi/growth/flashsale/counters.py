"""The buy endpoint's gate: rate limits and the allotment and per-member counters, checked before any order work.

With `REDIS_URL` the counters live in Redis, one hash per item (`remaining`, `limit`, `sku`, `starts`, `ends`,
`state`) and one hash of member counts per item. `RESERVE` checks the member's and the address's rate limits, the
session's phase, `remaining >= quantity` and `member count + quantity <= limit`, and takes the units, in one EVAL:
Redis runs a script alone, so two buyers never both take the last unit. The 1,900 shoppers who come too late are
answered from Redis without touching the database.

The database stays the record and the final guard: the checkout that follows takes the same units again from
`FlashItem.reserved` and `FlashMemberCount` by conditional updates (services.reserve_before_stock). Redis only
decides who may try; it can never oversell, even when it drifts. A unit Redis handed out whose checkout failed is
given back (`RELEASE`); when the database refuses a unit Redis allowed (the two drifted), the item is reloaded from
the database. `sync_item` recomputes an item from the database (the `flashsale_reconcile` job runs it every minute
for live and upcoming sessions, and every session move runs it).

Without Redis the gate reads the item from the database (a plain read, not a guarantee) and the rate limits count
in Django's cache (`accounts/throttle.py`'s pattern), and the conditional updates decide.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.utils import timezone

from quanzi.growth.flashsale import errors
from quanzi.growth.flashsale.conf import conf, redis_url
from quanzi.growth.flashsale.enums import SessionPhase, SessionStatus, TicketStatus
from quanzi.growth.flashsale.models import FlashItem, FlashMemberCount, FlashTicket
from quanzi.growth.flashsale.rules import phase

log = logging.getLogger(__name__)
PREFIX = "quanzi:flashsale:"
IN_FLIGHT = (TicketStatus.QUEUED, TicketStatus.PLACING)  # tickets whose unit Redis took and the database not yet

# KEYS: item hash, members hash, member rate key, address rate key ("" for none)
# ARGV: user id, quantity, now (seconds), member attempts, address attempts, window seconds
# -> {verdict, remaining, sku, member count (or on a refusal for limit / sold out: 1 when a sweep is due), and
#     for `limit` the per-member limit (the refusal's message names it: no database read for it)}
RESERVE = """
local window = tonumber(ARGV[6])
local n = redis.call('INCR', KEYS[3])
if n == 1 then redis.call('EXPIRE', KEYS[3], window + 1) end
if n > tonumber(ARGV[4]) then return {'rate', 0, 0, 0} end
if KEYS[4] ~= '' then
  local m = redis.call('INCR', KEYS[4])
  if m == 1 then redis.call('EXPIRE', KEYS[4], window + 1) end
  if m > tonumber(ARGV[5]) then return {'rate', 0, 0, 0} end
end
local f = redis.call('HMGET', KEYS[1], 'remaining', 'limit', 'sku', 'starts', 'ends', 'state')
if not f[1] then return {'missing', 0, 0, 0} end
local remaining, limit, sku = tonumber(f[1]), tonumber(f[2]), tonumber(f[3])
local now, qty = tonumber(ARGV[3]), tonumber(ARGV[2])
local mine = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
if f[6] == 'ended' or now >= tonumber(f[5]) then return {'ended', remaining, sku, mine} end
if f[6] == 'paused' then return {'paused', remaining, sku, mine} end
if f[6] ~= 'scheduled' then return {'missing', remaining, sku, mine} end
if now < tonumber(f[4]) then return {'not_started', remaining, sku, mine} end
if mine + qty > limit or remaining < qty then
  -- at most one refused shopper per item every few seconds is asked to expire unpaid orders past their window
  local due = redis.call('SET', KEYS[1] .. ':sweep', '1', 'NX', 'EX', 5) and 1 or 0
  if mine + qty > limit then return {'limit', remaining, sku, due, limit} end
  return {'sold_out', remaining, sku, due}
end
redis.call('HINCRBY', KEYS[1], 'remaining', -qty)
redis.call('HSET', KEYS[1], 'last_take', now)
redis.call('HINCRBY', KEYS[2], ARGV[1], qty)
return {'ok', remaining - qty, sku, mine + qty}
"""

# Recompute an item from the database's figures (sync_item). A take that Redis answered but whose ticket or order
# is not in the database yet is invisible to the database, so while the item is busy (a take in the last
# ARGV[9] seconds, or tickets still queued) the sync only lowers what Redis holds — remaining to at most the
# database's figure, each member's count to at least it — and never hands out a unit or a member's place twice.
# Once quiet, Redis is set to the database's figures exactly (units given back by a lost give-back come back then).
# KEYS: item hash, members hash
# ARGV: remaining, limit, sku, starts, ends, state, keep seconds, now, quiet seconds, 1 when tickets are in
#       flight, then user id / units pairs
SYNC = """
local fields = {'limit', ARGV[2], 'sku', ARGV[3], 'starts', ARGV[4], 'ends', ARGV[5], 'state', ARGV[6]}
local exists = redis.call('EXISTS', KEYS[1]) == 1
local last = tonumber(redis.call('HGET', KEYS[1], 'last_take') or '0')
local busy = exists and (ARGV[10] == '1' or tonumber(ARGV[8]) - last < tonumber(ARGV[9]))
local remaining = tonumber(ARGV[1])
if busy then
  remaining = math.min(remaining, tonumber(redis.call('HGET', KEYS[1], 'remaining') or remaining))
  for i = 11, #ARGV, 2 do
    local mine = tonumber(redis.call('HGET', KEYS[2], ARGV[i]) or '0')
    if tonumber(ARGV[i + 1]) > mine then redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]) end
  end
else
  redis.call('DEL', KEYS[2])
  for i = 11, #ARGV, 2 do redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]) end
end
table.insert(fields, 'remaining')
table.insert(fields, remaining)
redis.call('HSET', KEYS[1], unpack(fields))
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[7]))
redis.call('EXPIRE', KEYS[2], tonumber(ARGV[7]))
return busy and 1 or 0
"""

# KEYS: item hash, members hash; ARGV: user id, quantity, 1 when the units go back to the allotment
RELEASE = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if ARGV[3] == '1' then redis.call('HINCRBY', KEYS[1], 'remaining', tonumber(ARGV[2])) end
local mine = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0') - tonumber(ARGV[2])
if mine > 0 then redis.call('HSET', KEYS[2], ARGV[1], mine) else redis.call('HDEL', KEYS[2], ARGV[1]) end
return 1
"""

_client: dict[str, Any] = {}
_scripts: dict[tuple[int, str], Any] = {}


class RedisDown(Exception):
    """Redis did not answer: the gate falls back to the database, which decides anyway."""


def redis_client() -> Any | None:
    """One client (and connection pool) per process, or None without REDIS_URL."""
    url = redis_url()
    if not url:
        return None
    client = _client.get(url)
    if client is None:
        import redis

        client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        _client.clear()
        _client[url] = client
    return client


def item_key(item_id: int) -> str:
    return f"{PREFIX}item:{item_id}"


def members_key(item_id: int) -> str:
    return f"{PREFIX}item:{item_id}:members"


@dataclass
class Pass:
    """What the gate let through: this member may try to buy `quantity` of the item (`sku_id`). `from_redis`:
    Redis took the units, so a failed checkout gives them back (`give_back`)."""

    item_id: int
    sku_id: int
    user_id: int
    quantity: int
    from_redis: bool
    used: bool = False  # the checkout took the units from the database (services.reserve_before_stock)
    # the item with its session, read once for this checkout by the pricing and checkout hooks (plugin._item)
    item: Any = field(default=None, repr=False, compare=False)


def _bucket_keys(user_id: int, ip: str | None, window: int, now: float) -> tuple[str, str, float]:
    bucket = int(now // window)
    retry = (bucket + 1) * window - now
    return (f"{PREFIX}rate:m:{user_id}:{bucket}", f"{PREFIX}rate:ip:{ip}:{bucket}" if ip else "", retry)


def _verdict_error(verdict: str, limit: int) -> Exception:
    if verdict == "ended":
        return errors.ended()
    if verdict == "paused":
        return errors.paused()
    if verdict in ("not_started", SessionPhase.UPCOMING):
        return errors.not_started()
    if verdict == "limit":
        return errors.limit_reached(limit)
    if verdict == "sold_out":
        return errors.sold_out()
    return errors.item_not_found()


def take(*, item_id: int, user_id: int, quantity: int, ip: str | None) -> Pass:
    """Let one attempt through the gate, or raise the reason it may not buy (rate limit, phase, limit, sold out)."""
    client = redis_client()
    if client is not None:
        try:
            return _take_redis(client, item_id=item_id, user_id=user_id, quantity=quantity, ip=ip)
        except RedisDown:
            log.warning("flash-sale gate: Redis unavailable, the database decides")
    return _take_db(item_id=item_id, user_id=user_id, quantity=quantity, ip=ip)


def _run(client: Any, script: str, keys: list[str], args: list[Any]) -> Any:
    import redis

    try:
        registered = _scripts.get((id(client), script))
        if registered is None:
            registered = _scripts[(id(client), script)] = client.register_script(script)
        return registered(keys=keys, args=args)
    except redis.RedisError as exc:
        raise RedisDown(str(exc)) from exc


def _take_redis(client: Any, *, item_id: int, user_id: int, quantity: int, ip: str | None) -> Pass:
    window = max(1, conf("WINDOW_SECONDS"))
    now = time.time()
    member_key, ip_key, retry = _bucket_keys(user_id, ip, window, now)
    args = [user_id, quantity, int(timezone.now().timestamp()), conf("MEMBER_ATTEMPTS"), conf("IP_ATTEMPTS"),
            window]
    keys = [item_key(item_id), members_key(item_id), member_key, ip_key]
    for _attempt in range(2):
        answer = _run(client, RESERVE, keys, args)
        verdict, sku, extra = answer[0], answer[2], answer[3]
        verdict = verdict.decode() if isinstance(verdict, bytes) else str(verdict)
        if verdict == "ok":
            return Pass(item_id=item_id, sku_id=int(sku), user_id=user_id, quantity=quantity, from_redis=True)
        if verdict == "rate":
            raise errors.too_many_requests(retry)
        if verdict != "missing":
            exc = _verdict_error(verdict, int(answer[4]) if verdict == "limit" else 0)
            exc.sweep_due = verdict in ("limit", "sold_out") and int(extra) == 1  # type: ignore[attr-defined]
            raise exc
        if not sync_item(item_id=item_id):  # not loaded yet (or not sellable at all): load from the database
            raise errors.item_not_found()
        args[3] = args[4] = 10**9  # the rate limits were counted on the first try
    raise errors.item_not_found()


def _hit(key: str, window: int) -> int:
    """Count one hit on a cache key that lives `window` seconds (accounts/throttle.py's add-then-incr pattern)."""
    for _attempt in range(3):
        cache.add(key, 0, window)
        try:
            count = int(cache.incr(key))
        except ValueError:  # expired between add and incr: start again
            continue
        if count == 1:
            cache.touch(key, window)
        return count
    return 1


def _take_db(*, item_id: int, user_id: int, quantity: int, ip: str | None) -> Pass:
    window = max(1, conf("WINDOW_SECONDS"))
    member_key, ip_key, retry = _bucket_keys(user_id, ip, window, time.time())
    if _hit(member_key, window + 1) > conf("MEMBER_ATTEMPTS") or \
            (ip_key and _hit(ip_key, window + 1) > conf("IP_ATTEMPTS")):
        raise errors.too_many_requests(retry)
    item = FlashItem.objects.select_related("session").filter(pk=item_id).first()
    if item is None:
        raise errors.item_not_found()
    now = timezone.now()
    verdict = phase(status=item.session.status, starts_at=item.session.starts_at, ends_at=item.session.ends_at,
                    now=now)
    if verdict == SessionPhase.DRAFT:
        raise errors.item_not_found()
    if verdict != SessionPhase.LIVE:
        raise _verdict_error(verdict, item.per_member_limit)
    mine = FlashMemberCount.objects.filter(item_id=item_id, user_id=user_id).values_list("units", flat=True).first()
    refusal: Exception | None = None
    if (mine or 0) + quantity > item.per_member_limit:
        refusal = errors.limit_reached(item.per_member_limit)
    elif item.remaining < quantity:
        refusal = errors.sold_out()
    if refusal is not None:
        refusal.sweep_due = cache.add(f"{item_key(item_id)}:sweep", 1, 5)  # type: ignore[attr-defined]
        raise refusal
    return Pass(item_id=item_id, sku_id=item.sku_id, user_id=user_id, quantity=quantity, from_redis=False)


def sweep_expired(*, item_id: int) -> int:
    """Cancel the unpaid orders of this item's SKU past their payment window now, so their units come back to the
    allotment (the cancelled moment, plugin.py) before the minute job would. Returns how many were cancelled."""
    from quanzi.orders.services import release_expired_for_skus

    sku_id = FlashItem.objects.filter(pk=item_id).values_list("sku_id", flat=True).first()
    return release_expired_for_skus(sku_ids=[sku_id]) if sku_id is not None else 0


def give_back(p: Pass) -> None:
    """Return units Redis handed out to an attempt whose checkout did not take them."""
    client = redis_client()
    if client is None or not p.from_redis:
        return
    try:
        _run(client, RELEASE, [item_key(p.item_id), members_key(p.item_id)], [p.user_id, p.quantity, 1])
    except RedisDown:
        log.warning("flash-sale gate: could not give back item %s; the reconcile job will", p.item_id)


def note_released(*, item_id: int, user_id: int, quantity: int, to_allotment: bool) -> None:
    """After a cancelled order's units went back (to the allotment, or to normal stock): tell Redis."""
    client = redis_client()
    if client is None:
        return
    try:
        _run(client, RELEASE, [item_key(item_id), members_key(item_id)],
             [user_id, quantity, 1 if to_allotment else 0])
    except RedisDown:
        log.warning("flash-sale gate: could not release on item %s; the reconcile job will", item_id)


def sync_item(*, item_id: int) -> bool:
    """Recompute an item's Redis counters from the database (the record): remaining = allotment - reserved - the
    units of tickets still queued or being placed, the member counts (reservations plus those tickets), the
    session's window and state. While the item is busy (`SYNC` above says why) this only lowers Redis. False when
    the item does not exist or is a draft, or Redis did not answer."""
    client = redis_client()
    if client is None:
        return False
    from django.db.models import Sum

    item = FlashItem.objects.select_related("session").filter(pk=item_id).first()
    if item is None or item.session.status == SessionStatus.DRAFT:
        return False
    state = str(item.session.status) if item.returned_at is None else str(SessionStatus.ENDED)
    # tickets first, then the counts: a ticket placed in between is counted twice (Redis is set lower for a
    # moment, never higher)
    in_flight = dict(FlashTicket.objects.filter(item_id=item_id, status__in=IN_FLIGHT).values_list("user_id")
                     .annotate(units=Sum("quantity")).values_list("user_id", "units"))
    members = dict(FlashMemberCount.objects.filter(item_id=item_id, units__gt=0).values_list("user_id", "units"))
    for user_id, units in in_flight.items():
        members[user_id] = members.get(user_id, 0) + units
    remaining = FlashItem.objects.filter(pk=item_id).values_list("allotment", "reserved").get()
    left = max(0, remaining[0] - remaining[1] - sum(in_flight.values()))
    keep = max(3600, int(item.session.ends_at.timestamp() - time.time()) + 86400)
    args: list[Any] = [left, item.per_member_limit, item.sku_id, int(item.session.starts_at.timestamp()),
                       int(item.session.ends_at.timestamp()), state, keep, int(timezone.now().timestamp()),
                       conf("SYNC_QUIET_SECONDS"), 1 if in_flight else 0]
    for user_id, units in members.items():
        args += [user_id, units]
    try:
        _run(client, SYNC, [item_key(item_id), members_key(item_id)], args)
    except RedisDown:
        log.warning("flash-sale gate: could not sync item %s", item_id)
        return False
    return True


def redis_view(*, item_id: int) -> dict[str, int] | None:
    """What Redis holds for an item (tests and the reconcile check): remaining and the member counts."""
    client = redis_client()
    if client is None:
        return None
    raw = client.hget(item_key(item_id), "remaining")
    if raw is None:
        return None
    out = {"remaining": int(raw)}
    for user, units in client.hgetall(members_key(item_id)).items():
        out[f"member:{int(user)}"] = int(units)
    return out
