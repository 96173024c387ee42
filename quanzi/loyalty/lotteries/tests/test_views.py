"""Lottery pages: the lottery page's states (anonymous, outsider, member, entered, closed for the organiser,
drawn with the verification data), taking a number, the organiser's draw button, the create form (bad input
shown, nothing written; members refused), the community panel, the verifier's source."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from conftest import make_user
from quanzi.loyalty.lotteries.models import Lottery, LotteryEntry
from quanzi.loyalty.lotteries.tests.helpers import close, lottery, members

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_the_lottery_page_through_its_states(owner: Any, group: Any) -> None:
    lot = lottery(owner, group, rules_text="中奖后 7 天内填写地址")
    url = f"/lotteries/{lot.pk}/"
    anon = Client().get(url).content.decode()
    assert 'id="login-to-enter"' in anon and lot.seed_hash in anon and "中奖后 7 天内填写地址" in anon
    assert "¥50000.00" in anon and "号码不出售" in anon and "开奖后公布" in anon and lot.seed_hex not in anon
    outsider = _client(make_user()).get(url).content.decode()
    assert "后才能参加" in outsider and 'id="enter"' not in outsider
    (m,) = members(group, 1)
    mc = _client(m)
    assert 'id="enter"' in mc.get(url).content.decode()
    res = mc.post(f"{url}enter/")
    assert res.status_code == 302
    page = mc.get(url).content.decode()
    assert "000001" in page and 'id="my-numbers"' in page and 'id="enter"' not in page
    mc.post(f"{url}enter/")  # twice: the message, nothing new
    assert LotteryEntry.objects.filter(lottery=lot).count() == 1

    close(lot)
    oc = _client(owner)
    assert 'id="draw"' in oc.get(url).content.decode() and 'id="draw"' not in mc.get(url).content.decode()
    assert mc.post(f"{url}draw/").status_code == 302
    assert Lottery.objects.get(pk=lot.pk).status == "open"  # a member cannot draw
    oc.post(f"{url}draw/")
    drawn = mc.get(url).content.decode()
    lot.refresh_from_db()
    assert lot.status == "drawn" and lot.seed_hex in drawn and 'id="lot-winners"' in drawn
    assert 'id="my-wins"' in drawn  # one entry, six prizes: the member won


def test_the_create_form(owner: Any, group: Any) -> None:
    oc = _client(owner)
    form = oc.get(f"/lotteries/new/?community={group.pk}")
    assert form.status_code == 200 and 'id="lottery-form"' in form.content.decode()
    base = {"community": group.pk, "title": "周末抽奖", "eligibility": "members",
            "opens_at": "2020-01-01T10:00", "closes_at": "2099-01-01T10:00", "draw_at": "2099-01-02T10:00",
            "prize1_name": "大奖", "prize1_count": "1", "prize1_kind": "goods", "prize1_value": "60000"}
    bad = oc.post("/lotteries/new/", {**base, "opens_at": "2098-12-01T10:00"})
    errors = bad.content.decode().split('id="form-errors"')[1].split("</ul>")[0]
    assert bad.status_code == 400 and "¥60000.00" in errors and "¥50000.00" in errors  # above the legal cap
    assert not Lottery.objects.exists()
    ok = oc.post("/lotteries/new/", {**base, "opens_at": "2098-12-01T10:00", "prize1_value": "888.00"})
    lot = Lottery.objects.get()
    assert ok.status_code == 302 and ok["Location"] == f"/lotteries/{lot.pk}/"
    assert lot.prizes.get().value_fen == 88800
    (m,) = members(group, 1)
    assert _client(m).get(f"/lotteries/new/?community={group.pk}").status_code == 403


def test_the_community_panel_and_the_verifier(owner: Any, group: Any) -> None:
    lot = lottery(owner, group)
    page = _client(owner).get(f"/c/{group.slug}/").content.decode()
    assert 'id="community-lotteries"' in page and f'data-lottery="{lot.pk}"' in page and 'id="new-lottery"' in page
    src = Client().get("/lotteries/verify.py")
    assert src.status_code == 200 and b"def verify(" in src.content and b"import django" not in src.content
    assert Client().get("/lotteries/999999/").status_code == 404
    assert Client().get("/lotteries/999999/data.json").status_code == 404
