"""Helpers for the paid content tests: a community with a KOL author, items published through the services,
bought through `services.buy` and paid through the real sandbox gateway, refunded through payments (the order's
moments run after commit, so tests that pay use transaction=True)."""

from __future__ import annotations

import uuid
from typing import Any

from conftest import make_user
from quanzi.communities.enums import Role
from quanzi.communities.models import Membership
from quanzi.content.tests.conftest import join, make_community
from quanzi.orders.models import Order
from quanzi.paidcontent import services
from quanzi.paidcontent.enums import ItemKind
from quanzi.paidcontent.models import Column, Course, PaidPost
from quanzi.payments import services as payments
from quanzi.payments.tests.helpers import pay_with_sandbox

TEXT = "今天分享我做了三年的护肤笔记，先说结论：温和清洁最重要。\n---付费---\n第一步：氨基酸洁面，水温 32 度。第二步：精华按压。"


def world() -> dict[str, Any]:
    owner = make_user("群主")
    community = make_community(owner)
    kol = join(make_user("美妆达人小林"), community)
    Membership.objects.filter(community=community, user=kol).update(role=Role.KOL)
    reader = join(make_user("爱学习的小鹿"), community)
    return {"owner": owner, "community": community, "kol": kol, "reader": reader}


def paid_post(w: dict[str, Any], price_fen: int = 990) -> PaidPost:
    return services.paid_post_create(author=w["kol"], community_id=w["community"].pk, title="护肤三年的笔记",
                                     text=TEXT, price_fen=price_fen)


def course(w: dict[str, Any], price_fen: int = 4900) -> Course:
    c = services.course_create(author=w["kol"], community_id=w["community"].pk, title="零基础学化妆",
                               summary="七节课学会日常妆", price_fen=price_fen)
    services.lesson_add(author=w["kol"], course_id=c.pk, title="认识你的肤质", body="干皮、油皮、混合皮……",
                        is_trial=True)
    services.lesson_add(author=w["kol"], course_id=c.pk, title="底妆三步", body="妆前乳、粉底、定妆",
                        video_url="https://video.example.com/2.mp4")
    return c


def column(w: dict[str, Any]) -> Column:
    col = services.column_create(author=w["kol"], community_id=w["community"].pk, title="小林的护肤周刊",
                                 month_price_fen=1200, year_price_fen=9900)
    services.article_add(author=w["kol"], column_id=col.pk, title="第 1 期：秋冬换季", body="换季先补水。")
    return col


def order_of(user: Any, kind: str, item_id: int, period: str = "") -> Order:
    checkout = services.buy(user=user, kind=kind, item_id=item_id, idempotency_key=uuid.uuid4().hex, period=period)
    return checkout.orders.get()


def pay(user: Any, order: Order) -> Order:
    payment = payments.payment_create(user=user, order_id=order.pk, gateway="sandbox")
    outcome = pay_with_sandbox(payment)
    assert outcome.ok, outcome
    order.refresh_from_db()
    return order


def buy_and_pay(user: Any, kind: str, item_id: int, period: str = "") -> Order:
    return pay(user, order_of(user, kind, item_id, period))


def refund(order: Order, amount_fen: int | None = None) -> None:
    line = order.lines.get()
    amount = line.payable_fen if amount_fen is None else amount_fen
    payments.refund_create(order_id=order.pk, amount_fen=amount, refund_no=f"T-{uuid.uuid4().hex[:10]}",
                           lines={line.pk: amount})


__all__ = ["ItemKind"]
