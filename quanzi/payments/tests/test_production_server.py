"""Finding 1 and 2 of the security issue, tried against a real server started with production settings.

The attacks: a buyer pays their own order through the sandbox (create a sandbox payment, confirm it on the
sandbox cashier), and a visitor forges a sandbox callback signed with a key derived from the old public
SECRET_KEY. A production server (DEBUG=0, its own SECRET_KEY, no sandbox configured) refuses all of them, and the
order stays unpaid.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from quanzi.core.deploy import PUBLISHED_SECRET_KEYS

ROOT = Path(__file__).resolve().parents[3]
PASSWORD = "Prod-Test-pass-9731"
SEED = f"""
import uuid
from decimal import Decimal
import django
django.setup()
from quanzi.accounts.services import user_signup
from quanzi.catalog import services as catalog
from quanzi.catalog.models import Category
from quanzi.orders import services as orders

buyer = user_signup(phone="13911110001", password="{PASSWORD}", nickname="买家")
owner = user_signup(phone="13911110002", password="{PASSWORD}", nickname="商家")
op = user_signup(phone="13911110003", password="{PASSWORD}", nickname="运营")
op.is_staff = True
op.save(update_fields=["is_staff"])
m = catalog.merchant_apply(user=owner, business_name="正式店", licence_no="91330100MA2PROD",
                           contact_name="王老板", contact_phone="13800000000")
catalog.merchant_approve(operator=op, merchant_id=m.pk, commission_rate=Decimal("0.0500"))
cat = Category.objects.create(name="类目")
product = catalog.product_create(user=owner, category_id=cat.pk, title="正式商品")
sku = catalog.sku_create(user=owner, product_id=product.pk, spec={{"规格": "标准"}}, price_fen=9900, stock=10,
                         weight_g=100)
catalog.product_set_shelf(user=owner, product_id=product.pk, on_shelf=True)
addr = orders.address_create(user=buyer, name="小红", phone="13912345678", province="浙江省", city="杭州市",
                             district="西湖区", detail="文三路 100 号")
checkout = orders.order_place(user=buyer, address_id=addr.pk, idempotency_key=uuid.uuid4().hex,
                              items=[(sku.pk, 1)])
print("ORDER", checkout.orders.get().pk)
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("QUANZI_", "DJANGO_", "DEBUG", "SECRET_KEY", "DATABASE_URL", "REDIS_URL",
                                "PYTEST"))}
    env.update({"DJANGO_SETTINGS_MODULE": "quanzi.settings", "QUANZI_VAR_DIR": str(tmp), "DEBUG": "0",
                "SECRET_KEY": "Zq7-prod-" + hashlib.sha256(str(tmp).encode()).hexdigest()})
    return env


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a 302 is an answer to check, not a page to follow


_opener = urllib.request.build_opener(_NoRedirect)


def _call(base: str, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None,
          raw: bytes | None = None) -> tuple[int, Any]:
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    req = urllib.request.Request(base + path, data=data, method=method,
                                 headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with _opener.open(req, timeout=30) as resp:
            status, text = resp.status, resp.read().decode()
    except urllib.error.HTTPError as exc:
        status, text = exc.code, exc.read().decode()
    try:
        return status, json.loads(text)
    except ValueError:
        return status, text


@pytest.fixture(scope="module")
def prod_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        pytest.skip("runs in the SQLite pass: the server under attack uses its own throw-away database")
    tmp = tmp_path_factory.mktemp("prod")
    env = _env(tmp)
    for args in (["manage.py", "migrate", "--noinput", "-v", "0"], ["-c", SEED]):
        done = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True,
                              timeout=300)
        assert done.returncode == 0, done.stderr
    order_id = int(done.stdout.split("ORDER")[1].split()[0])
    port = _free_port()
    server = subprocess.Popen([sys.executable, "manage.py", "serve", f"127.0.0.1:{port}", "--no-jobs"], cwd=ROOT,
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert server.poll() is None, server.stderr.read().decode() if server.stderr else ""
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.2)
        yield base, order_id
    finally:
        server.terminate()
        server.wait(timeout=30)


def _login(base: str) -> dict[str, str]:
    status, body = _call(base, "POST", "/api/v1/accounts/login", {"login": "13911110001", "password": PASSWORD})
    assert status == 200, body
    return {"Authorization": f"Bearer {body['token']}"}


def _order_status(base: str, auth: dict[str, str], order_id: int) -> str:
    status, body = _call(base, "GET", f"/api/v1/orders/{order_id}", headers=auth)
    assert status == 200, body
    return str(body["status"])


def test_buyer_cannot_pay_through_the_sandbox(prod_server: tuple[str, int]) -> None:
    base, order_id = prod_server
    auth = _login(base)
    status, offered = _call(base, "GET", "/api/v1/payments/gateways")
    assert status == 200 and "sandbox" not in [g["name"] for g in offered]
    status, body = _call(base, "POST", "/api/v1/payments/", {"order_id": order_id, "gateway": "sandbox"},
                         headers=auth)
    assert status == 404 and body["code"] == "gateway_unavailable", body
    status, _body = _call(base, "GET", "/pay/sandbox/P20261130000000ABCDEF/", headers=auth)
    assert status in (302, 404)
    assert _order_status(base, auth, order_id) == "pending_payment"


def test_forged_sandbox_callback_is_refused(prod_server: tuple[str, int]) -> None:
    base, order_id = prod_server
    body = json.dumps({"notify_id": "x-SUCCESS", "payment_no": "P1", "txn_id": "x", "amount_fen": 9900,
                       "status": "SUCCESS", "timestamp": int(time.time())}, separators=(",", ":")).encode()
    keys = [hmac.new(k.encode(), b"quanzi-sandbox-callback", hashlib.sha256).hexdigest().encode()
            for k in PUBLISHED_SECRET_KEYS] + [b""]
    for key in keys:
        sig = hmac.new(key, body, hashlib.sha256).hexdigest()
        status, answer = _call(base, "POST", "/api/v1/payments/callback/sandbox", raw=body,
                               headers={"X-Sandbox-Signature": sig})
        assert status == 404 and answer["code"] == "gateway_unavailable", answer
    assert _order_status(base, _login(base), order_id) == "pending_payment"


def test_production_errors_carry_no_traceback(prod_server: tuple[str, int]) -> None:
    base, _order_id = prod_server
    status, body = _call(base, "GET", "/api/v1/no-such-endpoint")
    assert status == 404 and body["code"] == "not_found"
    req = urllib.request.Request(base + "/definitely/not/here/")
    try:
        urllib.request.urlopen(req, timeout=30)
    except urllib.error.HTTPError as exc:
        page = exc.read().decode()
        assert exc.code == 404
        assert "Traceback" not in page and "DATABASE_URL" not in page and "urlpatterns" not in page.lower()
