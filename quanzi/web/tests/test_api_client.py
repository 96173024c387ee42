"""An SDK generated from the live OpenAPI schema works: openapi-python-client writes a Python client into a
temporary folder, and a shopper goes sign-up → address → cart → checkout → sandbox payment → order detail →
after-sales request through it, against the Django app over WSGI (no server).

Before the contract fixes (quanzi/api_contract.py) the generated client crashed parsing the checkout answer
(`KeyError: 'note'`: the order history's `StatusChangeOut` was published with after-sales' fields), and its modules
were called `quanzi_orders_api_checkout` under packages named `orders_订单`.
"""

from __future__ import annotations

import importlib
import json
import shutil
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.core.wsgi import get_wsgi_application
from django.test import Client

from quanzi.catalog.tests import factories
from quanzi.payments.gateways.sandbox import SandboxGateway
from quanzi.web.tests.contract_world import wsgi_in_test_transaction

pytestmark = pytest.mark.django_db

PACKAGE = "quanzi_client"
CLI = Path(sys.executable).with_name("openapi-python-client")


def _generate(schema: dict[str, Any], where: Path) -> Path:
    (where / "openapi.json").write_text(json.dumps(schema, ensure_ascii=False), encoding="utf-8")
    (where / "config.yml").write_text(f"project_name_override: quanzi-client\npackage_name_override: {PACKAGE}\n")
    env = {"PATH": f"{CLI.parent}:/usr/bin:/bin"}  # its post-generation hook runs ruff from the venv
    done = subprocess.run([str(CLI), "generate", "--path", str(where / "openapi.json"), "--config",
                           str(where / "config.yml"), "--meta", "none", "--output-path", str(where / PACKAGE),
                           "--fail-on-warning"], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return where / PACKAGE


def test_generated_client_runs_a_purchase_and_an_aftersales_request(tmp_path: Path) -> None:
    merchant = factories.approved_merchant()
    _, sku = factories.product_with_sku(merchant, price_fen=12900, stock=5)
    schema = Client().get("/api/v1/openapi.json").json()
    package = _generate(schema, tmp_path)

    # readable, ASCII module and package names, one package per app
    names = [p.relative_to(package).as_posix() for p in package.rglob("*.py")]
    assert all(name.isascii() for name in names)
    assert "api/orders/orders_checkout.py" in names and "api/aftersales/aftersales_request_create.py" in names

    sys.path.insert(0, str(tmp_path))
    try:
        _purchase_and_aftersales(sku.pk)
    finally:
        sys.path.remove(str(tmp_path))
        for module in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
            del sys.modules[module]
        shutil.rmtree(package, ignore_errors=True)


def _purchase_and_aftersales(sku_id: int) -> None:
    client_mod = importlib.import_module(f"{PACKAGE}.client")
    models = importlib.import_module(f"{PACKAGE}.models")

    def op(app: str, name: str) -> Any:
        return importlib.import_module(f"{PACKAGE}.api.{app}.{name}")

    transport = httpx.WSGITransport(app=get_wsgi_application())
    base = {"base_url": "http://localhost", "httpx_args": {"transport": transport},
            "raise_on_unexpected_status": True}
    with wsgi_in_test_transaction():
        anonymous = client_mod.Client(**base)
        auth = op("accounts", "accounts_signup").sync(client=anonymous, body=models.SignupIn(
            phone="13912340001", password="Shop-pass-2026", nickname="客户端用户"))
        assert isinstance(auth, models.AuthOut), auth
        shopper = client_mod.AuthenticatedClient(token=auth.token, **base)

        address = op("orders", "orders_address_create").sync(client=shopper, body=models.AddressIn(
            name="小红", phone="13912345678", province="浙江省", city="杭州市", district="西湖区", detail="文三路 100 号"))
        assert isinstance(address, models.AddressOut), address
        cart = op("orders", "orders_cart_add").sync(client=shopper, body=models.CartItemIn(sku_id=sku_id, quantity=1))
        assert isinstance(cart, models.CartOut), cart

        checkout = op("orders", "orders_checkout").sync(client=shopper, body=models.CheckoutIn(
            address_id=address.id, idempotency_key=uuid.uuid4().hex))
        assert isinstance(checkout, models.CheckoutOut), checkout  # the crash was here (KeyError: 'note')
        (order,) = checkout.orders
        assert order.history and isinstance(order.history[0], models.OrdersStatusChangeOut)

        payment = op("payments", "payments_payment_create").sync(client=shopper, body=models.PaymentIn(
            order_id=order.id, gateway="sandbox"))
        assert isinstance(payment, models.PaymentOut), payment
        # the sandbox bank's signed notification, as the gateway would post it (not an SDK call)
        headers, body = SandboxGateway().build_notification(payment_no=payment.payment_no,
                                                            amount_fen=payment.amount_fen)
        paid = anonymous.get_httpx_client().post("/api/v1/payments/callback/sandbox", content=body, headers=headers)
        assert paid.status_code == 200, paid.text

        detail = op("orders", "orders_order_detail").sync(client=shopper, order_id=order.id)
        assert isinstance(detail, models.OrderDetailOut), detail
        assert detail.status == "paid" and detail.payable_fen == payment.amount_fen

        line = detail.lines[0]
        request = op("aftersales", "aftersales_request_create").sync(client=shopper, body=models.RequestIn(
            order_id=order.id, kind="refund_only", reason="no_reason",
            lines=[models.LineIn(order_line_id=line.id, quantity=1)], amount_fen=detail.payable_fen))
        assert isinstance(request, models.RequestOut), request
        assert request.history is not None
        assert all(isinstance(h, models.AftersalesStatusChangeOut) for h in request.history)
        listed = op("aftersales", "aftersales_request_list").sync(client=shopper)
        assert [r.id for r in listed.items] == [request.id]
