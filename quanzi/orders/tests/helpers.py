"""Helpers for the orders tests."""

from __future__ import annotations

import uuid

from quanzi.accounts.models import User
from quanzi.orders import services
from quanzi.orders.models import Address, CheckoutSession


def address(user: User) -> Address:
    return services.address_create(user=user, name="小红", phone="13912345678", province="浙江省", city="杭州市",
                                   district="西湖区", detail="文三路 100 号")


def key() -> str:
    return uuid.uuid4().hex


def place(user: User, items: list[tuple[int, int]] | None, **kwargs: object) -> CheckoutSession:
    addr = kwargs.pop("address_id", None) or address(user).pk
    return services.order_place(user=user, address_id=addr, idempotency_key=str(kwargs.pop("key", key())),
                                items=items, **kwargs)  # type: ignore[arg-type]
