"""Configuration from the environment: every credential from a variable or a file, PEM or bare base64 keys, and
`manage.py check` saying what an enabled gateway is missing."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from quanzi.payments.checks import payments_configuration
from quanzi.payments.conf import pem_key
from quanzi.payments.env import payments_from_env, public_base_url_problem
from quanzi.payments.gateways import get_gateway
from quanzi.payments.gateways.alipay import AlipayGateway
from quanzi.payments.tests.helpers import APIV3_KEY, WECHAT_PUBKEY_ID, alipay_settings, rsa_pair


def _bare(pem: str) -> str:
    return "".join(line for line in pem.splitlines() if not line.startswith("-----"))


def test_credentials_come_from_the_environment_or_files(tmp_path: Path):
    key_file = tmp_path / "apiclient_key.pem"
    key_file.write_text(rsa_pair("wechat-merchant")[0])
    conf = payments_from_env({
        "QUANZI_PUBLIC_BASE_URL": "https://shop.example.com", "WECHATPAY_MCHID": "1900000109",
        "WECHATPAY_APPID": "wxd678efh567hg6787", "WECHATPAY_PRIVATE_KEY_FILE": str(key_file),
        "WECHATPAY_CERT_SERIAL_NO": "444F4864EA9B34415", "WECHATPAY_APIV3_KEY": APIV3_KEY,
        "WECHATPAY_PUBLIC_KEY": rsa_pair("wechat-platform")[1], "WECHATPAY_PUBLIC_KEY_ID": WECHAT_PUBKEY_ID,
        "ALIPAY_APPID": "2021000000000001", "ALIPAY_APP_PRIVATE_KEY": _bare(rsa_pair("alipay-app")[0]),
        "ALIPAY_PUBLIC_KEY": _bare(rsa_pair("alipay-platform")[1]), "ALIPAY_SANDBOX_ENV": "1"})
    assert conf["PUBLIC_BASE_URL"] == "https://shop.example.com"
    assert conf["WECHAT"]["PRIVATE_KEY"] == rsa_pair("wechat-merchant")[0].strip()
    assert conf["ALIPAY"]["SANDBOX_ENV"] is True
    assert payments_from_env({}) == {}
    assert public_base_url_problem(conf) == ""
    assert "not set" in public_base_url_problem({**conf, "PUBLIC_BASE_URL": ""})
    assert "https" in public_base_url_problem({**conf, "PUBLIC_BASE_URL": "http://127.0.0.1:8000"})


def test_bare_base64_keys_are_accepted(settings):
    assert pem_key(_bare(rsa_pair("alipay-app")[0]), private=True).startswith("-----BEGIN PRIVATE KEY-----\n")
    assert pem_key(rsa_pair("alipay-app")[0], private=True) == rsa_pair("alipay-app")[0].strip()
    settings.QUANZI_PAYMENTS = {"ALIPAY": {**alipay_settings(), "APP_PRIVATE_KEY": _bare(rsa_pair("alipay-app")[0]),
                                           "ALIPAY_PUBLIC_KEY": _bare(rsa_pair("alipay-platform")[1])}}
    assert isinstance(get_gateway("alipay"), AlipayGateway)


def test_manage_py_check_says_what_each_gateway_is_missing(settings):
    settings.QUANZI_PAYMENTS = {"WECHAT": {"MCHID": "1900000109", "APIV3_KEY": "short"},
                                "ALIPAY": {"APPID": "2021000000000001", "APP_PRIVATE_KEY": "not a key"}}
    texts = [m.msg for m in payments_configuration()]
    assert "WeChat Pay: WECHATPAY_APPID is not set" in texts
    assert "WeChat Pay: WECHATPAY_PRIVATE_KEY is not set" in texts
    assert "WeChat Pay: WECHATPAY_APIV3_KEY must be the 32-character APIv3 key" in texts
    assert "Alipay: ALIPAY_PUBLIC_KEY is not set" in texts
    assert any("ALIPAY_APP_PRIVATE_KEY is not a readable" in t for t in texts)
    with pytest.raises(SystemCheckError):
        call_command("check")
    settings.QUANZI_PAYMENTS = {}
    assert [m.id for m in payments_configuration()] == []  # the sandbox (tests) is a gateway


def test_production_needs_the_public_address(settings):
    settings.DEBUG = False
    settings.TESTING = False
    settings.QUANZI_PAYMENTS = {"ALIPAY": alipay_settings()}
    assert "payments.E002" in [m.id for m in payments_configuration()]
    settings.QUANZI_PAYMENTS = {"ALIPAY": alipay_settings(), "PUBLIC_BASE_URL": "https://shop.example.com"}
    assert [m.id for m in payments_configuration()] == []
