"""WeChat Pay platform-certificate mode (no 微信支付公钥): the certificates are downloaded from /v3/certificates
(decrypted with the APIv3 key, the answer checked against them), notifications are verified with the certificate
their serial names, and a rotation is followed: during a switch both serials are accepted; an unknown one is not."""

from __future__ import annotations

from typing import Any

import pytest

from quanzi.payments.gateways import get_gateway, wechat
from quanzi.payments.gateways.wechat import WechatPayGateway
from quanzi.payments.tests.fake_providers import FakeProviders, platform_certificate
from quanzi.payments.tests.helpers import wechat_callback, wechat_settings

pytestmark = pytest.mark.django_db


@pytest.fixture
def cert_mode(settings: Any) -> Any:
    wechat._PLATFORM_CERTS.clear()
    with FakeProviders() as fake:
        fake.answer_serial = platform_certificate("wechat-platform")[0]
        block = {**wechat_settings(), "API_BASE": fake.base}
        block.pop("PUBLIC_KEY")
        block.pop("PUBLIC_KEY_ID")
        settings.QUANZI_PAYMENTS = {"PUBLIC_BASE_URL": "https://shop.example.com", "WECHAT": block}
        yield fake
    wechat._PLATFORM_CERTS.clear()


def _verify(gw: WechatPayGateway, signer: str, serial: str) -> str:
    headers, body = wechat_callback(out_trade_no="P1", total=100, signer=signer, serial=serial)
    try:
        return gw.verify_callback(headers, body).out_trade_no
    except Exception as exc:  # noqa: BLE001 - the code is what the test reads
        return str(getattr(exc, "code", exc))


def test_certificates_are_downloaded_verified_and_rotated(cert_mode):
    gw = get_gateway("wechat")
    assert isinstance(gw, WechatPayGateway) and gw.certificate_mode
    old_serial = platform_certificate("wechat-platform")[0]
    new_serial = platform_certificate("wechat-platform-2")[0]
    assert _verify(gw, "wechat-platform", old_serial) == "P1"
    downloads = cert_mode.of("certificates")
    assert len(downloads) == 1 and downloads[0].signature_ok  # our request was signed like every other
    assert _verify(gw, "wechat-platform", old_serial) == "P1" and len(cert_mode.of("certificates")) == 1  # cached

    # WeChat publishes the next certificate before switching: a notification under the new serial refreshes
    cert_mode.wechat_certificates = ["wechat-platform", "wechat-platform-2"]
    wechat._PLATFORM_CERTS[gw.mchid] = (0.0, wechat._PLATFORM_CERTS[gw.mchid][1])  # allow the refresh now
    assert _verify(gw, "wechat-platform-2", new_serial) == "P1"
    assert _verify(gw, "wechat-platform", old_serial) == "P1"  # both accepted during the switch
    # a serial nobody published, or a key that does not match the serial, is refused
    assert _verify(gw, "attacker", "ABCDEF0123") == "unknown_platform_key"
    assert _verify(gw, "attacker", new_serial) == "bad_signature"


def test_a_forged_certificate_list_is_not_trusted(cert_mode):
    cert_mode.answer_serial = "0123456789"  # the answer names no certificate it carries: not WeChat's
    gw = get_gateway("wechat")
    assert isinstance(gw, WechatPayGateway)
    assert _verify(gw, "wechat-platform", platform_certificate("wechat-platform")[0]) == "unknown_platform_key"


def test_payments_work_in_certificate_mode(cert_mode, member):
    from quanzi.payments import services
    from quanzi.payments.tests.helpers import place_order

    order = place_order(member)
    payment = services.payment_create(user=member, order_id=order.pk, gateway="wechat")
    assert payment.client_data["pay_url"].startswith("weixin://")  # the SDK verified the answer by certificate
    assert cert_mode.of("native")[-1].signature_ok
