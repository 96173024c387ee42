"""The order queue behind the Redis gate: a winner gets a ticket at once and a worker places its order
(`services.flash_buy_start` → job → `services.ticket_place`). Exactly one order per ticket however often the job
runs, a failed placement gives the unit back, a retry of the same buy gets the same ticket, lost jobs are picked up
again, and the endpoints answer 202 with the ticket and follow it to the order. (The jobs run at once in tests:
HUEY immediate, on commit.)"""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from quanzi.accounts.models import Notification
from quanzi.core.testing import race
from quanzi.growth.flashsale import counters, services
from quanzi.growth.flashsale.enums import TicketStatus
from quanzi.growth.flashsale.models import FlashReservation, FlashTicket
from quanzi.growth.flashsale.tests.helpers import buyer, counts, shop
from quanzi.orders.models import CheckoutSession, Order

pytestmark = pytest.mark.django_db(transaction=True)


def start(user, item, *, key: str | None = None, quantity: int = 1, address: bool = True):  # type: ignore[no-untyped-def]
    address_id = user.addresses.first().pk if address else None
    return services.flash_buy_start(user=user, item_id=item.pk, address_id=address_id,
                                    idempotency_key=key or uuid.uuid4().hex, quantity=quantity)


def test_a_winner_gets_a_ticket_and_the_worker_places_its_order(redis_gate):
    s = shop(allotment=3, limit=1)
    member = buyer()
    ticket = start(member, s.item)
    assert isinstance(ticket, FlashTicket)
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.PLACED and ticket.done_at is not None
    order = Order.objects.get(checkout=ticket.checkout)
    assert order.buyer_id == member.pk and FlashReservation.objects.get().order_id == order.pk
    assert counts(s.item, s.sku)[:2] == (3, 1)
    assert counters.redis_view(item_id=s.item.pk) == {"remaining": 2, f"member:{member.pk}": 1}
    note = Notification.objects.get(recipient=member)
    assert note.url == f"/orders/{order.pk}/" and order.number in note.text


def test_the_job_run_again_places_nothing_twice(redis_gate):
    s = shop(allotment=3, limit=2)
    ticket = start(buyer(), s.item)
    assert services.ticket_place(ticket_id=ticket.pk) is None  # already placed: not queued any more
    FlashTicket.objects.filter(pk=ticket.pk).update(status=TicketStatus.QUEUED)  # as if its worker was lost
    again = services.ticket_place(ticket_id=ticket.pk)
    assert again is not None and again.pk == FlashTicket.objects.get(pk=ticket.pk).checkout_id
    assert CheckoutSession.objects.count() == 1 and counts(s.item, s.sku)[:2] == (3, 1)
    assert counters.redis_view(item_id=s.item.pk)["remaining"] == 2  # a replay gives nothing back


def test_a_failed_placement_gives_the_unit_back_and_says_why(redis_gate):
    s = shop(allotment=2, limit=1)
    member = buyer()
    ticket = start(member, s.item, address=False)  # no address: the checkout refuses
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.FAILED and ticket.error_code == "address_missing"
    assert ticket.error_message and ticket.checkout_id is None
    assert counters.redis_view(item_id=s.item.pk) == {"remaining": 2}
    assert counts(s.item, s.sku)[:2] == (2, 0) and not Order.objects.exists()
    # the unit is free again, and the member may try again with an address
    assert start(member, s.item).pk != ticket.pk


def test_a_retry_of_the_same_buy_gets_the_same_ticket(redis_gate):
    s = shop(allotment=5, limit=1)
    member = buyer()
    first = start(member, s.item, key="same-key-123")
    assert start(member, s.item, key="same-key-123").pk == first.pk  # the limit refuses, the key finds it
    roomy = shop(allotment=5, limit=3, product_title="秒杀口红")
    second = start(member, roomy.item, key="same-key-456")
    assert start(member, roomy.item, key="same-key-456").pk == second.pk  # the unique key, units given back
    assert counters.redis_view(item_id=roomy.item.pk) == {"remaining": 4, f"member:{member.pk}": 1}
    assert FlashTicket.objects.count() == 2 and CheckoutSession.objects.count() == 2


def test_a_lost_job_is_picked_up_by_the_requeue_job(redis_gate, settings):
    s = shop(allotment=2, limit=1)
    member = buyer()
    gate_pass = counters.take(item_id=s.item.pk, user_id=member.pk, quantity=1, ip=None)
    lost = FlashTicket.objects.create(user=member, item=s.item, sku_id=gate_pass.sku_id, quantity=1,
                                      address_id=member.addresses.first().pk, idempotency_key="lost-job-1")
    assert services.tickets_requeue_stale() == 0  # a fresh ticket is left to its own job
    FlashTicket.objects.filter(pk=lost.pk).update(created_at=timezone.now() - dt.timedelta(minutes=1))
    assert services.tickets_requeue_stale() == 1
    lost.refresh_from_db()
    assert lost.status == TicketStatus.PLACED and Order.objects.filter(checkout=lost.checkout).exists()


def test_without_the_queue_or_without_redis_the_order_is_placed_in_the_request(redis_gate, settings):
    s = shop(allotment=3, limit=1)
    settings.QUANZI_FLASHSALE = {"QUEUE": 0}
    assert isinstance(start(buyer(), s.item), CheckoutSession)
    settings.QUANZI_FLASHSALE = {}
    settings.REDIS_URL = ""
    assert isinstance(start(buyer(), s.item), CheckoutSession)
    assert not FlashTicket.objects.exists()


def test_the_api_answers_202_with_the_ticket_and_the_ticket_names_the_order(redis_gate):
    s = shop(allotment=3, limit=1)
    member = buyer()
    client = Client()
    client.force_login(member)
    answer = client.post(f"/api/v1/growth/flashsale/items/{s.item.pk}/buy",
                         json.dumps({"address_id": member.addresses.first().pk, "idempotency_key": "api-key-001"}),
                         content_type="application/json")
    assert answer.status_code == 202, answer.content
    body = answer.json()
    assert body["status"] == "queued" and body["item_id"] == s.item.pk
    polled = client.get(f"/api/v1/growth/flashsale/tickets/{body['id']}").json()
    order = Order.objects.get()
    assert polled["status"] == "placed" and polled["order_id"] == order.pk and polled["checkout_id"]
    other = Client()
    other.force_login(buyer())
    missing = other.get(f"/api/v1/growth/flashsale/tickets/{body['id']}")
    assert missing.status_code == 404 and missing.json()["code"] == "flashsale_ticket_not_found"


def test_the_page_follows_the_ticket_to_the_order(redis_gate):
    s = shop(allotment=3, limit=1)
    member = buyer()
    client = Client()
    client.force_login(member)
    answer = client.post(f"/flashsale/items/{s.item.pk}/buy/",
                         {"address_id": member.addresses.first().pk, "idempotency_key": "page-key-001"})
    ticket = FlashTicket.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/flashsale/tickets/{ticket.pk}/"
    order = Order.objects.get()
    polled = client.get(answer["Location"], HTTP_HX_REQUEST="true")
    assert polled.status_code == 204 and polled["HX-Redirect"] == f"/flashsale/tickets/{ticket.pk}/"
    followed = client.get(answer["Location"])
    assert followed.status_code == 302 and followed["Location"] == f"/orders/{order.pk}/"
    # while queued the page waits and asks again; once failed it says why
    FlashTicket.objects.filter(pk=ticket.pk).update(status=TicketStatus.QUEUED)
    waiting = client.get(answer["Location"]).content.decode()
    assert "正在为你下单" in waiting and 'hx-trigger="every 1s"' in waiting
    FlashTicket.objects.filter(pk=ticket.pk).update(status=TicketStatus.FAILED, error_message="收货地址不存在")
    failed = client.get(answer["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert "收货地址不存在" in failed and "hx-trigger" not in failed
    stranger = Client()
    stranger.force_login(buyer())
    assert stranger.get(answer["Location"]).status_code == 404


@pytest.mark.postgres
def test_racing_winners_through_the_queue_make_exactly_the_allotment(redis_gate):
    assert connection.vendor == "postgresql"
    s = shop(allotment=10, limit=1)
    members = [buyer() for _i in range(30)]

    outcomes = race([lambda m=m: start(m, s.item) for m in members])
    assert outcomes.count("ok") == 10 and outcomes.count("flashsale_sold_out") == 20, outcomes
    assert FlashTicket.objects.filter(status=TicketStatus.PLACED).count() == 10
    assert Order.objects.count() == 10 and counts(s.item, s.sku)[:2] == (10, 10)
    assert counters.redis_view(item_id=s.item.pk)["remaining"] == 0
