"""Serving reads: what is cached (a READY run's lists for everyone, per run id) is never stale, and what is live
(the member's hidden items, stock and shelf) takes effect on the next request; the popular list only tops up a
short list; the SQL a "for you" request costs stays bounded."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from quanzi.aftersales.tests.helpers import paid_order
from quanzi.catalog import services as catalog
from quanzi.catalog.models import Sku
from quanzi.recommend import selectors, services
from quanzi.recommend.enums import ItemKind, ListKind, Reason
from quanzi.recommend.models import UserRecommendation
from quanzi.recommend.tests.helpers import shop, view

pytestmark = pytest.mark.django_db


def _titles(rec: selectors.RecList) -> list[str]:
    return [i.title for i in rec.of_kind(ItemKind.PRODUCT)]


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_a_new_run_is_served_at_once_by_a_process_that_did_not_train_it(monkeypatch: pytest.MonkeyPatch) -> None:
    s = shop()
    first = services.model_train()
    before = _titles(selectors.popular(kinds=[ItemKind.PRODUCT]))
    assert before[0] == "商品B"  # the best seller
    # D becomes the hit; another process trains: this one's cache is not told (clear() does nothing here)
    monkeypatch.setattr(selectors.run_lists, "clear", lambda: None)
    for buyer in s.buyers:
        view(buyer, s.products["D"], times=5)
        paid_order(buyer, [(s.skus["D"], 2)])
    second = services.model_train()
    assert second.pk != first.pk
    after = selectors.popular(kinds=[ItemKind.PRODUCT])
    assert _titles(after)[0] == "商品D" and after.source == "model"
    # the member's 为你推荐 tops up from the new run's popular list too
    assert "商品D" in _titles(selectors.for_you(user=s.member, kinds=[ItemKind.PRODUCT]))


def test_run_lists_are_cached_per_run(django_assert_num_queries: Any) -> None:
    shop()
    run = services.model_train()
    selectors.popular(kinds=[ItemKind.PRODUCT])  # loads the run's site list
    assert selectors.run_lists.popular(run.pk, [None])[None] is not None
    with django_assert_num_queries(0):
        selectors.run_lists.popular(run.pk, [None])
    with django_assert_num_queries(1):
        selectors.run_lists.repurchasable(run.pk)  # loaded once ...
    with django_assert_num_queries(0):
        selectors.run_lists.repurchasable(run.pk)  # ... then from memory
    selectors.run_lists.clear()
    with django_assert_num_queries(1):
        selectors.run_lists.popular(run.pk, [None])


def test_hiding_stock_and_shelf_take_effect_on_the_next_request() -> None:
    s = shop()
    services.model_train()
    c = _client(s.member)
    b = s.products["B"]
    assert "商品B" in c.get("/recommend/for-you/").content.decode()
    c.post("/recommend/hide/", {"kind": "product", "item_id": b.pk}, HTTP_HX_REQUEST="true")
    assert "商品B" not in c.get("/recommend/for-you/").content.decode()
    c.post("/settings/recommend/", {"unhide_kind": "product", "unhide_id": b.pk})
    assert "商品B" in c.get("/recommend/for-you/").content.decode()
    merchant = b.merchant.user
    stock = Sku.objects.get(pk=s.skus["B"].pk).stock
    catalog.sku_stock_adjust(user=merchant, sku_id=s.skus["B"].pk, delta=-stock)  # sold out
    assert "商品B" not in c.get("/recommend/for-you/").content.decode()
    catalog.sku_stock_adjust(user=merchant, sku_id=s.skus["B"].pk, delta=5)
    assert "商品B" in c.get("/recommend/for-you/").content.decode()
    catalog.product_set_shelf(user=merchant, product_id=b.pk, on_shelf=False)
    assert "商品B" not in c.get("/recommend/for-you/").content.decode()
    assert "商品B" not in c.get("/").content.decode()  # nor anywhere in the visitor's popular list
    assert "商品B" not in [i["title"] for i in Client().get("/api/v1/recommend/for-you").json()["items"]]


def test_popular_tops_up_a_short_personal_list() -> None:
    s = shop()
    services.model_train()
    a = s.products["A"].pk
    # what training stored for the member: one product only (the others are left to the popular list)
    UserRecommendation.objects.filter(user=s.member).update(items={"product": [[a, Reason.SIMILAR]], "post": []})
    rec = selectors.for_you(user=s.member, kinds=[ItemKind.PRODUCT], limit=3)
    assert rec.kind == ListKind.PERSONALISED and len(rec.items) == 3
    assert (rec.items[0].id, rec.items[0].reason) == (a, Reason.SIMILAR)
    assert {i.reason for i in rec.items[1:]} == {Reason.POPULAR}
    # a full personal list needs no popular items
    assert [i.id for i in selectors.for_you(user=s.member, kinds=[ItemKind.PRODUCT], limit=1).items] == [a]
    # every candidate of the member's own hidden: all popular
    services.item_hide(user=s.member, kind=ItemKind.PRODUCT, item_id=a)
    rec = selectors.for_you(user=s.member, kinds=[ItemKind.PRODUCT], limit=3)
    assert [i.title for i in rec.items] == ["商品B", "商品C"]  # the popular list (D never sold, E sold out)
    assert {i.reason for i in rec.items} == {Reason.POPULAR}


def test_the_fragment_costs_a_bounded_number_of_queries(django_assert_max_num_queries: Any) -> None:
    s = shop()
    services.model_train()
    c = _client(s.member)
    c.get("/recommend/for-you/")  # the run's lists are now cached in this process
    # session, user, consent (privacy), setting, stored row, follows, hidden, recent purchases, product cards (this
    # shop has no posts; the demo's members, with posts and friends who share, cost 12: bench/recommend_serve.py)
    with django_assert_max_num_queries(9):
        html = c.get("/recommend/for-you/").content.decode()
    assert "为你推荐" in html and "rec-reason" in html and "¥" in html
    with django_assert_max_num_queries(9):
        assert c.get("/api/v1/recommend/for-you").json()["items"]


def test_prepared_queries_answer_like_the_orm_and_stay_live() -> None:
    from quanzi.catalog.selectors import product_cards_query

    s = shop()
    ids = [p.pk for p in s.products.values()]
    # one id, every id, repeats, and a list past the largest bucket (the ORM's own path)
    for chosen in (ids[:1], ids, ids * 3, list(range(10_000, 10_300)) + ids):
        expected = sorted(tuple(r) for r in product_cards_query(product_ids=chosen))
        assert sorted(selectors._product_cards.run(ids=chosen)) == expected
    assert any(isinstance(r[2], list) for r in selectors._product_cards.run(ids=ids))  # JSON tags decoded
    assert selectors._product_cards.run(ids=[]) == []
    a = s.products["A"]
    assert a.pk in {r[0] for r in selectors._product_cards.run(ids=ids)}
    catalog.product_set_shelf(user=a.merchant.user, product_id=a.pk, on_shelf=False)
    assert a.pk not in {r[0] for r in selectors._product_cards.run(ids=ids)}  # same statement, live answer
    # the member's own reads
    services.preference_set(user=s.member, personalised=False)
    assert selectors._personalised(s.member) is False
    services.item_hide(user=s.member, kind=ItemKind.PRODUCT, item_id=s.products["B"].pk)
    assert selectors.hidden_items(user=s.member) == {(ItemKind.PRODUCT, s.products["B"].pk)}


def test_prepared_post_cards_keep_each_viewers_visibility() -> None:
    from conftest import make_user
    from quanzi.catalog.tests import factories as f
    from quanzi.communities.enums import Visibility

    s = shop()
    secret = f.community(visibility=Visibility.INVITE)
    public_post = f.post(s.community, s.buyers[0], title="公开的帖子")
    secret_post = f.post(secret, secret.owner, title="")  # no title: the body's start stands in
    ids = [public_post.pk, secret_post.pk]
    outsider, insider = make_user("路人"), make_user("圈内人")
    f.add_member(secret, insider)
    assert set(selectors._post_cards(None, ids)) == {public_post.pk}  # a visitor
    assert set(selectors._post_cards(outsider, ids)) == {public_post.pk}
    cards = selectors._post_cards(insider, ids)  # the same statement, another member: their own memberships
    assert set(cards) == {public_post.pk, secret_post.pk}
    assert cards[secret_post.pk][2] == "很好用" and cards[public_post.pk][3] == s.community.name
    assert set(selectors._post_cards(outsider, ids)) == {public_post.pk}
