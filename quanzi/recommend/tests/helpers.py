"""A small shop for the recommendation tests, made through the services (orders paid through the sandbox
cashier, views and favourites through `track()` as the pages record them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from conftest import make_user
from quanzi.accounts import services as accounts
from quanzi.aftersales.tests.helpers import paid_order
from quanzi.catalog import services as catalog
from quanzi.catalog.models import Product, Sku
from quanzi.catalog.tests import factories as f
from quanzi.core.events import track


@dataclass
class Shop:
    member: Any
    buyers: list[Any]
    community: Any
    products: dict[str, Product] = field(default_factory=dict)
    skus: dict[str, Sku] = field(default_factory=dict)


def view(user: Any, product: Product, times: int = 1) -> None:
    for _ in range(times):
        track("product.view", user=user, obj=product, via="page")


def shop() -> Shop:
    """Products A–D on sale, E out of stock, F off shelf; four buyers who bought A with B (and C), the member
    who only viewed A. So the model should offer the member B and C, and A's 买了还买 is B."""
    m = f.approved_merchant()
    cat = f.category("零食")
    s = Shop(member=make_user("小红"), buyers=[make_user(f"买家{i}") for i in range(4)],
             community=f.community())
    for name in "ABCDEF":
        p, sku = f.product_with_sku(m, title=f"商品{name}", stock=50, cat=cat, on_shelf=name != "F")
        s.products[name], s.skus[name] = p, sku
    for u in [s.member, *s.buyers]:
        f.add_member(s.community, u)
    plan = {0: "AB", 1: "ABC", 2: "ABE", 3: "BC"}
    for i, names in plan.items():
        for n in names:
            view(s.buyers[i], s.products[n])
        paid_order(s.buyers[i], [(s.skus[n], 1) for n in names])
    view(s.member, s.products["A"], times=3)
    # E sells well but is now out of stock
    e = Sku.objects.get(pk=s.skus["E"].pk)
    catalog.sku_stock_adjust(user=m.user, sku_id=e.pk, delta=-e.stock)
    return s


def follow(follower: Any, followee: Any) -> None:
    accounts.follow(follower=follower, followee_id=followee.pk)
