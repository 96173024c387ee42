"""The people the API contract tests act as, and a few objects of theirs, built through the services.

`contract_world` is a module-scoped fixture factory: the world is built once per test module inside a transaction
rolled back at the end, so no other test sees its rows.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import override_settings

from conftest import make_user
from quanzi.accounts.models import User
from quanzi.accounts.services import token_create
from quanzi.catalog.models import Merchant
from quanzi.catalog.tests import factories
from quanzi.communities.enums import Role
from quanzi.communities.models import Community
from quanzi.payments import services as payment_services
from quanzi.payments.tests import helpers as payment_helpers


@dataclass
class ContractWorld:
    """Who is who: named demo users plus the objects the authorization matrix needs."""

    users: dict[str, User | None] = field(default_factory=dict)  # role -> user (None: anonymous)
    merchant_a: Merchant | None = None
    merchant_b: Merchant | None = None
    community: Community | None = None  # a community where `admin_elsewhere` has no role
    extra: dict[str, Any] = field(default_factory=dict)

    def bearer(self, role: str) -> dict[str, str]:
        user = self.users[role]
        if user is None:
            return {}
        # from the database: a "log out everywhere" tried earlier changed the stamp a token is minted with
        return {"Authorization": f"Bearer {token_create(user=User.objects.get(pk=user.pk))}"}


def build_contract_world() -> ContractWorld:
    """Small and built through the services (factories of the catalog and payments tests): two merchants with a
    product each, a paid order of the member at merchant A, a community with a post, a KOL of another community."""
    operator = factories.operator()
    member = make_user("小红")
    merchant_a = factories.approved_merchant()
    merchant_b = factories.approved_merchant()
    _, sku_a = factories.product_with_sku(merchant_a, stock=1000)
    factories.product_with_sku(merchant_b, stock=1000)
    owner = make_user("群主")
    home = factories.community(owner)
    factories.add_member(home, member)
    post = factories.post(home, member)
    elsewhere = factories.community()
    kol = make_user("达人")
    factories.add_member(elsewhere, kol, Role.KOL)
    order = payment_helpers.place_order(member, sku_a)
    payment = payment_services.payment_create(user=member, order_id=order.pk, gateway="sandbox")
    payment_helpers.pay_with_sandbox(payment)
    return ContractWorld(
        users={"anonymous": None, "member": member, "admin_elsewhere": kol, "merchant_a": merchant_a.user,
               "merchant_b": merchant_b.user, "operator": operator, "owner": owner},
        merchant_a=merchant_a, merchant_b=merchant_b, community=home, extra={"order": order, "sku": sku_a, "payment_no": payment.payment_no, "post": post})


def world_fixture(django_db_blocker: Any) -> Iterator[ContractWorld]:
    """Body of a module-scoped fixture: the world inside a transaction rolled back at the end, its pictures in a
    throw-away media folder."""
    media = tempfile.mkdtemp(prefix="quanzi-contract-media-")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        yield build_contract_world()
        transaction.set_rollback(True)
    shutil.rmtree(media, ignore_errors=True)


@contextmanager
def wsgi_in_test_transaction() -> Iterator[None]:
    """Calls into the WSGI app keep the test's connection (and its transaction): Django's request signals would
    close it at the end of each request, as the test client knows (it disconnects the same handler)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
