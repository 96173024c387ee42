"""Gateway registry: `get_gateway(name)` builds an enabled gateway or raises `gateway_unavailable`."""

from __future__ import annotations

from collections.abc import Callable

from quanzi.payments.conf import payment_settings
from quanzi.payments.errors import gateway_unavailable
from quanzi.payments.gateways.base import Gateway

_REGISTRY: dict[str, Callable[[], Gateway]] = {}


def register(name: str, factory: Callable[[], Gateway]) -> None:
    _REGISTRY[name] = factory


def _enabled(name: str, conf: dict) -> bool:
    if name == "sandbox":  # on only by configuration, and only with a secret of its own to sign with
        return bool(conf.get("SANDBOX")) and len(str(conf.get("SANDBOX_SECRET") or "")) >= 32
    return bool(conf.get(name.upper()))


def available_gateways() -> list[str]:
    """Gateways a buyer may choose now: each only when configured (payments/conf.py). A disabled gateway can
    neither start a payment, nor have a callback accepted, nor refund."""
    conf = payment_settings()
    return [n for n in _REGISTRY if _enabled(n, conf)]


def get_gateway(name: str) -> Gateway:
    if name not in _REGISTRY or name not in available_gateways():
        raise gateway_unavailable(name)
    return _REGISTRY[name]()


def _sandbox() -> Gateway:
    from quanzi.payments.gateways.sandbox import SandboxGateway

    return SandboxGateway()


def _wechat() -> Gateway:  # the SDKs are imported only when their gateway is configured and used
    from quanzi.payments.gateways.wechat import WechatPayGateway

    return WechatPayGateway.from_settings()


def _alipay() -> Gateway:
    from quanzi.payments.gateways.alipay import AlipayGateway

    return AlipayGateway.from_settings()


register("sandbox", _sandbox)
register("wechat", _wechat)
register("alipay", _alipay)
