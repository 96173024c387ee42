"""The Redis gate (REDIS_URL set; db 9, flushed around each test): one Lua script answers refusals without any
database write, the database still decides (a drifted Redis cannot oversell), the reconcile job recomputes Redis
from the reservations, rate limits per member and per address answer 429, and a Redis that does not answer leaves
the database to decide."""

from __future__ import annotations

import pytest

from quanzi.core.errors import DomainError
from quanzi.growth.flashsale import counters, jobs
from quanzi.growth.flashsale.models import FlashReservation, FlashTicket
from quanzi.growth.flashsale.tests.helpers import buy, buyer, counts, shop
from quanzi.orders.models import CheckoutSession

pytestmark = pytest.mark.django_db(transaction=True)


def code_of(fn, *args, **kwargs) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as exc:
        fn(*args, **kwargs)
    return exc.value.code


def test_the_schedule_loads_redis_and_a_buy_moves_both_counters(redis_gate):
    s = shop(allotment=3, limit=1)
    assert counters.redis_view(item_id=s.item.pk) == {"remaining": 3}
    member = buyer()
    buy(member, s.item)
    assert counters.redis_view(item_id=s.item.pk) == {"remaining": 2, f"member:{member.pk}": 1}
    assert counts(s.item, s.sku)[:2] == (3, 1)


def test_refusals_come_from_redis_and_write_nothing(redis_gate, django_assert_max_num_queries):
    s = shop(allotment=1, limit=1)
    buy(buyer(), s.item)
    late = buyer()
    address_id = late.addresses.first().pk
    from quanzi.growth.flashsale import services

    # sold out: the script answers; no query but the sweep due once per 5 s and the limit lookup
    code_of(buy, late, s.item)  # the first refusal may sweep expired orders
    with django_assert_max_num_queries(0):
        assert code_of(services.flash_buy, user=late, item_id=s.item.pk, address_id=address_id,
                       idempotency_key="k" * 16) == "flashsale_sold_out"
    assert CheckoutSession.objects.count() == 1


def test_a_limit_refusal_from_redis_names_the_limit_without_reading_the_item(redis_gate,
                                                                             django_assert_max_num_queries):
    s = shop(allotment=5, limit=2)
    member = buyer()
    buy(member, s.item, quantity=2)
    code_of(buy, member, s.item)  # the first refusal may sweep expired orders
    from quanzi.growth.flashsale import services

    address_id = member.addresses.first().pk
    # the script answers with the limit; the two queries are the replay lookups of this idempotency key (a queued
    # buy's ticket, a buy placed at once's checkout)
    with django_assert_max_num_queries(2), pytest.raises(DomainError) as refused:
        services.flash_buy(user=member, item_id=s.item.pk, address_id=address_id, idempotency_key="k" * 16)
    assert refused.value.code == "flashsale_limit_reached" and "2" in str(refused.value.message)


def test_a_drifted_redis_cannot_oversell_and_is_reloaded(redis_gate):
    s = shop(allotment=1, limit=1)
    buy(buyer(), s.item)
    redis_gate.hset(counters.item_key(s.item.pk), "remaining", 5)  # Redis wrongly thinks 5 are left
    assert code_of(buy, buyer(), s.item) == "flashsale_sold_out"  # the database refuses
    assert counts(s.item, s.sku)[:2] == (1, 1) and FlashReservation.objects.count() == 1
    assert counters.redis_view(item_id=s.item.pk)["remaining"] == 0  # reloaded from the record


def test_the_reconcile_job_recomputes_redis_from_the_database(redis_gate, settings):
    settings.QUANZI_FLASHSALE = {"SYNC_QUIET_SECONDS": 0}  # quiet at once: the sync may raise Redis too
    s = shop(allotment=4, limit=2)
    member = buyer()
    buy(member, s.item, quantity=2)
    redis_gate.delete(counters.members_key(s.item.pk))
    redis_gate.hset(counters.item_key(s.item.pk), "remaining", 0)
    assert jobs.flashsale_reconcile.call_local() == 1
    assert counters.redis_view(item_id=s.item.pk) == {"remaining": 2, f"member:{member.pk}": 2}
    # and a key lost altogether (Redis restarted) is loaded again on the next attempt
    redis_gate.flushdb()
    assert code_of(buy, member, s.item) == "flashsale_limit_reached"
    buy(buyer(), s.item)
    assert counts(s.item, s.sku)[:2] == (4, 3)


def test_a_failed_checkout_gives_its_units_back_to_redis(redis_gate):
    s = shop(allotment=2, limit=1)
    member = buyer()
    from quanzi.growth.flashsale import services

    assert code_of(services.flash_buy, user=member, item_id=s.item.pk, address_id=None,
                   idempotency_key="no-address-1") == "address_missing"
    assert counters.redis_view(item_id=s.item.pk) == {"remaining": 2}
    assert counts(s.item, s.sku)[:2] == (2, 0)


def test_rate_limits_per_member_and_per_address(redis_gate, settings):
    settings.QUANZI_FLASHSALE = {"MEMBER_ATTEMPTS": 3, "IP_ATTEMPTS": 4, "WINDOW_SECONDS": 3600}
    s = shop(allotment=1, limit=1)
    member = buyer()
    buy(member, s.item, ip="10.0.0.1")
    assert [code_of(buy, member, s.item, ip="10.0.0.1") for _i in range(3)] == \
        ["flashsale_limit_reached", "flashsale_limit_reached", "too_many_requests"]
    others = [buyer() for _i in range(3)]
    # the address counted 3 (the attempt refused by the member's own limit stopped there): one more passes, the
    # one after is refused; another address is not affected
    assert code_of(buy, others[0], s.item, ip="10.0.0.1") == "flashsale_sold_out"
    assert code_of(buy, others[1], s.item, ip="10.0.0.1") == "too_many_requests"
    assert code_of(buy, others[2], s.item, ip="10.0.0.2") == "flashsale_sold_out"


def test_without_an_answer_from_redis_the_database_decides(redis_gate, settings):
    s = shop(allotment=1, limit=1)
    settings.REDIS_URL = "redis://127.0.0.1:1/9"  # nothing listens there
    buy(buyer(), s.item)
    assert code_of(buy, buyer(), s.item) == "flashsale_sold_out"
    assert counts(s.item, s.sku)[:2] == (1, 1)


def test_a_sync_while_winners_are_queued_hands_out_no_unit_or_place_twice(redis_gate, settings):
    """The reconcile job ran while the queue still held winners: the database did not know their units yet. Redis
    once went back up by those units and lost their member counts, and winners got a second ticket after the sale
    (bench/flashsale.py's wave of buys after the sale, 3 of 100). Queued tickets count as taken now."""
    settings.QUANZI_FLASHSALE = {"QUEUE": 1}
    s = shop(allotment=2, limit=1)
    first, second, late = buyer(), buyer(), buyer()
    for member, key in ((first, "queued-1"), (second, "queued-2")):  # Redis took both units, no order yet
        gate_pass = counters.take(item_id=s.item.pk, user_id=member.pk, quantity=1, ip=None)
        FlashTicket.objects.create(user=member, item=s.item, sku_id=gate_pass.sku_id, quantity=1,
                                   address_id=member.addresses.first().pk, idempotency_key=key)
    redis_gate.delete(counters.members_key(s.item.pk))  # and even with the member counts lost
    assert jobs.flashsale_reconcile.call_local() == 1
    view = counters.redis_view(item_id=s.item.pk)
    assert view == {"remaining": 0, f"member:{first.pk}": 1, f"member:{second.pk}": 1}
    assert code_of(counters.take, item_id=s.item.pk, user_id=first.pk, quantity=1, ip=None) == \
        "flashsale_limit_reached"
    assert code_of(counters.take, item_id=s.item.pk, user_id=late.pk, quantity=1, ip=None) == "flashsale_sold_out"


def test_a_busy_sync_only_lowers_redis_and_a_quiet_one_sets_it(redis_gate, settings):
    s = shop(allotment=3, limit=1)
    buy(buyer(), s.item)  # a take just now: the item is busy
    redis_gate.hset(counters.item_key(s.item.pk), "remaining", 0)  # Redis under-counts (a lost give-back)
    counters.sync_item(item_id=s.item.pk)
    assert counters.redis_view(item_id=s.item.pk)["remaining"] == 0  # busy: not raised yet
    redis_gate.hset(counters.item_key(s.item.pk), "remaining", 9)  # Redis over-counts
    counters.sync_item(item_id=s.item.pk)
    assert counters.redis_view(item_id=s.item.pk)["remaining"] == 2  # lowered at once
    redis_gate.hset(counters.item_key(s.item.pk), "remaining", 0)
    settings.QUANZI_FLASHSALE = {"SYNC_QUIET_SECONDS": 0}
    counters.sync_item(item_id=s.item.pk)
    assert counters.redis_view(item_id=s.item.pk)["remaining"] == 2  # quiet: the database's figure
