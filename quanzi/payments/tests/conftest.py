"""Fixtures of the payments tests: the fake WeChat Pay and Alipay servers on loopback, configured as the gateways."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from quanzi.payments.tests.fake_providers import FakeProviders
from quanzi.payments.tests.helpers import alipay_settings, wechat_settings

BASE = "https://shop.example.com"


@pytest.fixture
def providers(settings: Any) -> Iterator[FakeProviders]:
    with FakeProviders() as fake:
        settings.QUANZI_PAYMENTS = {
            "PUBLIC_BASE_URL": BASE,
            "WECHAT": {**wechat_settings(), "API_BASE": fake.base, "MINIPROGRAM_APPID": "wxmini00000000001"},
            "ALIPAY": {**alipay_settings(), "API_BASE": f"{fake.base}/gateway.do"},
        }
        yield fake


