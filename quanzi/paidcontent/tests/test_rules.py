"""Bad input gets a clear code and changes nothing: a price ≤ 0, buying one's own content, buying twice, an order
still waiting, reading a lesson without access, selling where one may not, a period the column does not offer."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client

from quanzi.content.models import Post
from quanzi.core.errors import DomainError
from quanzi.orders.models import Order
from quanzi.paidcontent import rules, services
from quanzi.paidcontent.enums import ItemKind
from quanzi.paidcontent.models import Course, LessonRead, PaidPost, Purchase
from quanzi.paidcontent.tests.helpers import TEXT, course, order_of, paid_post, world

pytestmark = pytest.mark.django_db(transaction=True)


def _code(fn, **kwargs) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as exc:
        fn(**kwargs)
    return str(exc.value.code)


@pytest.mark.parametrize("price", [0, -100, 1.5, True, rules.MAX_PRICE_FEN + 1])
def test_bad_price_refused_nothing_written(price) -> None:  # type: ignore[no-untyped-def]
    w = world()
    posts = Post.objects.count()
    assert _code(services.paid_post_create, author=w["kol"], community_id=w["community"].pk, text=TEXT,
                 price_fen=price) == "invalid_price"
    assert _code(services.course_create, author=w["kol"], community_id=w["community"].pk, title="课",
                 price_fen=price) == "invalid_price"
    assert Post.objects.count() == posts and not PaidPost.objects.exists() and not Course.objects.exists()


def test_preview_split_and_empty_parts_refused() -> None:
    assert rules.split_body(TEXT)[1].startswith("第一步")
    assert rules.split_body("一二三四五六", free_chars=2) == ("一二", "三四五六")
    w = world()
    assert _code(services.paid_post_create, author=w["kol"], community_id=w["community"].pk,
                 text="只有预览\n---付费---\n", price_fen=100) == "invalid_paid_body"
    assert not PaidPost.objects.exists()


def test_only_owner_kol_or_allowed_member_sells() -> None:
    w = world()
    reader = w["reader"]
    assert _code(services.paid_post_create, author=reader, community_id=w["community"].pk, text=TEXT,
                 price_fen=100) == "cannot_sell_here"
    assert _code(services.seller_allow, owner=w["kol"], community_id=w["community"].pk,
                 user_id=reader.pk) == "cannot_sell_here"
    services.seller_allow(owner=w["owner"], community_id=w["community"].pk, user_id=reader.pk)
    paid = services.paid_post_create(author=reader, community_id=w["community"].pk, text=TEXT, price_fen=100)
    assert paid.author_id == reader.pk
    assert services.paid_post_create(author=w["owner"], community_id=w["community"].pk, text=TEXT, price_fen=100)


def test_buying_own_twice_or_while_pending_is_refused_and_changes_nothing() -> None:
    w = world()
    paid = paid_post(w)
    orders = Order.objects.count()
    assert _code(services.buy, user=w["kol"], kind=ItemKind.POST, item_id=paid.post_id,
                 idempotency_key=uuid.uuid4().hex) == "own_content"
    assert Order.objects.count() == orders
    first = order_of(w["reader"], ItemKind.POST, paid.post_id)
    assert _code(services.buy, user=w["reader"], kind=ItemKind.POST, item_id=paid.post_id,
                 idempotency_key=uuid.uuid4().hex) == "purchase_pending"
    assert Order.objects.count() == orders + 1
    from quanzi.payments import services as payments
    from quanzi.payments.tests.helpers import pay_with_sandbox

    assert pay_with_sandbox(payments.payment_create(user=w["reader"], order_id=first.pk, gateway="sandbox")).ok
    assert _code(services.buy, user=w["reader"], kind=ItemKind.POST, item_id=paid.post_id,
                 idempotency_key=uuid.uuid4().hex) == "already_bought"
    assert Order.objects.count() == orders + 1 and Purchase.objects.count() == 1
    api = Client()
    api.force_login(w["reader"])
    r = api.post(f"/api/v1/paid/posts/{paid.post_id}/buy", {"idempotency_key": uuid.uuid4().hex},
                 content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] == "already_bought"


def test_reading_a_lesson_without_access_is_refused_and_not_counted() -> None:
    w = world()
    c = course(w)
    locked = c.lessons.get(position=2)
    assert _code(services.lesson_read, user=w["reader"], lesson=locked) == "paid_content_locked"
    assert not LessonRead.objects.exists()
    api = Client()
    api.force_login(w["reader"])
    r = api.get(f"/api/v1/paid/lessons/{locked.pk}")
    assert r.status_code == 403 and r.json() == {"code": "paid_content_locked",
                                                 "message": "这是付费内容，购买后即可阅读全部"}
    assert not LessonRead.objects.exists()
    assert _code(services.lesson_add, author=w["reader"], course_id=c.pk, title="偷加",
                 body="x") == "not_author"
    assert _code(services.lesson_add, author=w["kol"], course_id=c.pk, title="视频",
                 video_url="http://x.example.com/v.mp4") == "invalid_video_url"
    assert c.lessons.count() == 2


def test_column_period_must_be_offered() -> None:
    w = world()
    col = services.column_create(author=w["kol"], community_id=w["community"].pk, title="只有月付",
                                 month_price_fen=1000)
    assert _code(services.buy, user=w["reader"], kind=ItemKind.COLUMN, item_id=col.pk,
                 idempotency_key=uuid.uuid4().hex, period="year") == "invalid_period"
    assert _code(services.buy, user=w["reader"], kind=ItemKind.COLUMN, item_id=col.pk,
                 idempotency_key=uuid.uuid4().hex, period="") == "invalid_period"
    assert _code(services.column_create, author=w["kol"], community_id=w["community"].pk, title="无价",
                 month_price_fen=0, year_price_fen=0) == "invalid_price"
    assert not Purchase.objects.exists()
