"""Serving: the fallback without a model, the trained lists and their reasons, the business filters, the
personalisation switch, friends-bought consent, 买了还买 and 本社群热卖."""

from __future__ import annotations

import logging

import pytest

from quanzi.aftersales.tests.helpers import paid_order
from quanzi.recommend import selectors, services
from quanzi.recommend.enums import ItemKind, ListKind, Reason, TrainingStatus
from quanzi.recommend.models import TrainedModel
from quanzi.recommend.tests.helpers import follow, shop

pytestmark = pytest.mark.django_db


def _titles(rec: selectors.RecList, kind: str = ItemKind.PRODUCT) -> list[str]:
    return [i.title for i in rec.of_kind(kind)]


def test_no_model_falls_back_to_popularity_and_logs_it(caplog: pytest.LogCaptureFixture) -> None:
    s = shop()
    selectors._fallback_logged_at = 0.0
    with caplog.at_level(logging.WARNING, logger="quanzi.recommend"):
        rec = selectors.for_you(user=s.member, kinds=[ItemKind.PRODUCT])
    assert TrainedModel.objects.count() == 0
    assert rec.source == "fallback"
    assert "no trained recommendation model" in caplog.text
    # best sellers first (B sold 4, A 3, C 2), E out of stock is left out
    assert _titles(rec)[:3] == ["商品B", "商品A", "商品C"]
    assert "商品E" not in _titles(rec)
    # visitors too
    assert _titles(selectors.for_you(user=None, kinds=[ItemKind.PRODUCT]))[:3] == ["商品B", "商品A", "商品C"]


def test_trained_lists_are_personal_with_reasons() -> None:
    s = shop()
    run = services.model_train()
    assert run.status == TrainingStatus.READY and run.users == 5 and run.interactions > 0
    rec = selectors.for_you(user=s.member, kinds=[ItemKind.PRODUCT])
    assert rec.kind == ListKind.PERSONALISED and rec.source == "model"
    titles = _titles(rec)
    # the member viewed A: the model offers what A's buyers bought (B, C) near the top (A itself may lead: viewed,
    # not bought)
    assert {"商品B", "商品C"} <= set(titles[:3]), titles
    assert all(i.reason in Reason.values for i in rec.items)
    assert {i.reason for i in rec.items[:2]} <= {Reason.SIMILAR, Reason.COMMUNITY_HOT}
    assert rec.items[0].reason_label in ("看过相似", "同社群热卖")


def test_a_second_training_replaces_the_first() -> None:
    shop()
    first = services.model_train()
    second = services.model_train()
    assert selectors.current_model() == second
    assert TrainedModel.objects.filter(pk=first.pk).exists()  # kept one run back (KEEP_MODELS = 2)
    third = services.model_train()
    assert not TrainedModel.objects.filter(pk=first.pk).exists()
    assert selectors.current_model() == third


def test_switch_off_gives_the_popular_list() -> None:
    s = shop()
    services.model_train()
    services.preference_set(user=s.member, personalised=False)
    rec = selectors.for_you(user=s.member, kinds=[ItemKind.PRODUCT])
    assert rec.kind == ListKind.POPULAR
    visitor = selectors.for_you(user=None, kinds=[ItemKind.PRODUCT])
    assert _titles(rec) == _titles(visitor)
    assert all(i.reason == Reason.POPULAR for i in rec.items)
    # friends bought is based on the follow graph: nothing while personalisation is off
    assert selectors.friends_bought(user=s.member).items == []
    services.preference_set(user=s.member, personalised=True)
    assert selectors.for_you(user=s.member, kinds=[ItemKind.PRODUCT]).kind == ListKind.PERSONALISED


def test_filters_hidden_stock_shelf_and_recent_purchases() -> None:
    s = shop()
    services.model_train()
    titles = _titles(selectors.for_you(user=s.member, kinds=[ItemKind.PRODUCT]))
    assert "商品E" not in titles  # out of stock
    assert "商品F" not in titles  # off shelf
    services.item_hide(user=s.member, kind=ItemKind.PRODUCT, item_id=s.products["B"].pk)
    services.item_hide(user=s.member, kind=ItemKind.PRODUCT, item_id=s.products["B"].pk)  # twice: no error
    titles = _titles(selectors.for_you(user=s.member, kinds=[ItemKind.PRODUCT]))
    assert "商品B" not in titles and "商品C" in titles
    # bought recently: not offered again ...
    paid_order(s.member, [(s.skus["C"], 1)])
    assert "商品C" not in _titles(selectors.for_you(user=s.member, kinds=[ItemKind.PRODUCT]))
    # ... unless repurchasable (a consumable tag)
    s.products["C"].tags = ["零食"]
    s.products["C"].save(update_fields=["tags"])
    assert "商品C" in _titles(selectors.for_you(user=s.member, kinds=[ItemKind.PRODUCT]))
    # taking the 不感兴趣 back
    assert services.item_unhide(user=s.member, kind=ItemKind.PRODUCT, item_id=s.products["B"].pk)
    assert "商品B" in _titles(selectors.for_you(user=s.member, kinds=[ItemKind.PRODUCT]))


def test_friends_bought_only_from_members_who_allow_it() -> None:
    s = shop()
    sharing, private = s.buyers[3], s.buyers[2]  # bought B, C / A, B, E
    follow(s.member, sharing)
    follow(s.member, private)
    assert selectors.friends_bought(user=s.member).items == []  # nobody shares by default
    services.preference_set(user=sharing, share_purchases=True)
    rec = selectors.friends_bought(user=s.member)
    assert rec.kind == ListKind.PERSONALISED
    assert sorted(_titles(rec)) == ["商品B", "商品C"]
    assert all(i.reason == Reason.FRIENDS_BOUGHT for i in rec.items)
    # and in 为你推荐, first, with the reason
    services.model_train()
    top = selectors.for_you(user=s.member, kinds=[ItemKind.PRODUCT]).items[:2]
    assert {i.title for i in top} == {"商品B", "商品C"}
    assert {i.reason_label for i in top} == {"好友买过"}
    # withdrawing consent takes effect at once, without training again
    services.preference_set(user=sharing, share_purchases=False)
    assert selectors.friends_bought(user=s.member).items == []
    assert "好友买过" not in {i.reason_label for i in selectors.for_you(user=s.member).items}


def test_also_bought_and_community_hot() -> None:
    s = shop()
    fallback = selectors.also_bought(product_id=s.products["A"].pk)
    assert fallback.source == "fallback" and "商品A" not in _titles(fallback)
    services.model_train()
    rec = selectors.also_bought(product_id=s.products["A"].pk)
    assert rec.kind == ListKind.POPULAR and rec.source == "model"
    assert _titles(rec)[0] == "商品B" and rec.items[0].reason == Reason.ALSO_BOUGHT
    hot = selectors.community_hot(community_id=s.community.pk)
    assert hot.kind == ListKind.POPULAR
    assert _titles(hot)[0] == "商品B" and hot.items[0].reason_label == "同社群热卖"


def test_cold_start_from_joined_communities() -> None:
    s = shop()
    services.model_train()
    from conftest import make_user
    from quanzi.catalog.tests import factories as f

    newcomer = make_user("新人")
    f.add_member(s.community, newcomer)
    rec = selectors.for_you(user=newcomer, kinds=[ItemKind.PRODUCT])
    assert rec.kind == ListKind.PERSONALISED
    assert rec.items and rec.items[0].reason == Reason.COMMUNITY_HOT
    assert _titles(rec)[0] == "商品B"
