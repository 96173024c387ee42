"""The pages: the fragments the feeds load, 不感兴趣, the settings page; the job and the command."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import Client

from quanzi.recommend import jobs, services
from quanzi.recommend.models import HiddenItem, MemberPreference, TrainedModel
from quanzi.recommend.tests.helpers import shop

pytestmark = pytest.mark.django_db


def _client(user: object) -> Client:
    c = Client()
    c.force_login(user)  # type: ignore[arg-type]
    return c


def test_home_feed_loads_for_you_with_reasons() -> None:
    s = shop()
    c = _client(s.member)
    home = c.get("/").content.decode()
    assert 'hx-get="/recommend/for-you/"' in home
    html = c.get("/recommend/for-you/").content.decode()
    assert "为你推荐" in html and "rec-reason" in html and "商品B" in html and "不感兴趣" in html
    services.model_train()
    html = c.get("/recommend/for-you/").content.decode()
    assert 'data-kind="personalised"' in html and 'data-source="model"' in html
    assert ("看过相似" in html) or ("同社群热卖" in html)


def test_community_page_has_the_slots_and_hot_list() -> None:
    s = shop()
    services.model_train()
    c = _client(s.member)
    page = c.get(f"/c/{s.community.slug}/").content.decode()
    assert f'/recommend/for-you/?community={s.community.pk}' in page
    assert f'/recommend/community/{s.community.pk}/hot/' in page
    hot = c.get(f"/recommend/community/{s.community.pk}/hot/").content.decode()
    assert "本社群热卖" in hot and "同社群热卖" in hot
    product = c.get(f"/shop/p/{s.products['A'].pk}/").content.decode()
    assert f"/recommend/product/{s.products['A'].pk}/also-bought/" in product
    also = c.get(f"/recommend/product/{s.products['A'].pk}/also-bought/").content.decode()
    assert "买了还买" in also and "商品B" in also


def test_hide_from_the_page_and_the_settings_switch() -> None:
    s = shop()
    services.model_train()
    c = _client(s.member)
    b = s.products["B"].pk
    r = c.post("/recommend/hide/", {"kind": "product", "item_id": b}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and r.content == b""
    assert HiddenItem.objects.filter(user=s.member, item_id=b).exists()
    assert c.post("/recommend/hide/", {"kind": "x", "item_id": b}, HTTP_HX_REQUEST="true").status_code == 400
    page = c.get("/settings/recommend/").content.decode()
    assert "个性化推荐" in page and "第十八条" in page and "商品B" in page
    c.post("/settings/recommend/", {"share_purchases": "on"})  # personalised box unticked
    pref = MemberPreference.objects.get(user=s.member)
    assert pref.personalised is False and pref.share_purchases is True
    html = c.get("/recommend/for-you/").content.decode()
    assert "热门推荐" in html and 'data-kind="popular"' in html and "个性化推荐已关闭" in html
    c.post("/settings/recommend/", {"unhide_kind": "product", "unhide_id": b})
    assert not HiddenItem.objects.exists()
    assert Client().get("/settings/recommend/").status_code == 302


def test_job_and_command_train() -> None:
    shop()
    run_id = jobs.train_nightly.call_local()
    assert TrainedModel.objects.get(pk=run_id).status == "ready"
    out, err = io.StringIO(), io.StringIO()
    call_command("recommend", "train", stdout=out, stderr=err)
    assert "members" in out.getvalue() and TrainedModel.objects.filter(status="ready").count() == 2
