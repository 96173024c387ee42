"""Must show: a finished lottery's winners recomputed from its published data alone. The document is fetched as
anyone fetches it (GET /lotteries/<id>/data.json, no login), and then only `verify.py` runs on the JSON text —
with zero database queries — and agrees with the winners the page shows and the database holds. Before the draw
the same document has the seed's hash and no seed."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from quanzi.loyalty.lotteries import services, verify
from quanzi.loyalty.lotteries.models import LotteryWinner
from quanzi.loyalty.lotteries.tests.helpers import close, lottery, members

pytestmark = pytest.mark.django_db


def test_a_finished_lottery_is_recomputed_from_its_published_data_alone(owner: Any, group: Any,
                                                                        django_assert_num_queries: Any) -> None:
    lot = lottery(owner, group)
    people = members(group, 25)
    for m in people:
        services.lottery_enter(user=m, lottery_id=lot.pk)
    anonymous = Client()
    before = anonymous.get(f"/lotteries/{lot.pk}/data.json").json()
    assert before["seed"] is None and before["seed_hash"] == lot.seed_hash and before["winners"] == []
    close(lot, due=True)
    services.lotteries_draw_due()

    published = anonymous.get(f"/lotteries/{lot.pk}/data.json").content.decode()
    db_winners = [(w.prize.tier, w.entry.number) for w in
                  LotteryWinner.objects.filter(lottery=lot).select_related("prize", "entry").order_by("rank")]

    with django_assert_num_queries(0):  # from here on: the published text and verify.py, nothing else
        doc = json.loads(published)
        verdict = verify.verify(doc)
        assert verdict.ok, verdict.explain()
        assert verify.seed_hash(doc["seed"]) == before["seed_hash"]  # the seed is the one committed before
        recomputed = verify.recompute(doc)
    assert recomputed == db_winners and len(recomputed) == 6

    page = anonymous.get(f"/lotteries/{lot.pk}/").content.decode()
    assert doc["seed"] in page and doc["entries_digest"] in page
    for _tier, number in recomputed:
        assert f'data-number="{number}"' in page
