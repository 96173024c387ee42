"""The cashier's choice: which payment kinds to offer, recommended first, by where the buyer is.

Where the buyer is, from the user agent: a mini program's web-view ("miniProgram"), WeChat's browser
("MicroMessenger"), a phone browser ("Mobile", "Android", "iPhone"), else a desktop. Inside WeChat the natural way
is JSAPI (WeChat's own pay sheet, with the openid from WeChat login); in a phone browser WeChat H5 or Alipay wap;
on a desktop a QR code (WeChat Native, Alipay precreate) or Alipay's page. The buyer can always switch to any
other kind an enabled gateway offers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import segno

from quanzi.payments.enums import GatewayName, PaymentKind
from quanzi.payments.gateways import available_gateways, get_gateway
from quanzi.wxlogin import selectors as wx_selectors

MINIPROGRAM, WECHAT, MOBILE, DESKTOP = "miniprogram", "wechat", "mobile", "desktop"

# (gateway, kind) in the order a buyer in each place should see them
PREFERENCE: dict[str, list[tuple[str, str]]] = {
    MINIPROGRAM: [(GatewayName.WECHAT, PaymentKind.MINIPROGRAM), (GatewayName.SANDBOX, PaymentKind.JSAPI),
                  (GatewayName.SANDBOX, PaymentKind.SANDBOX)],
    WECHAT: [(GatewayName.WECHAT, PaymentKind.JSAPI), (GatewayName.SANDBOX, PaymentKind.JSAPI),
             (GatewayName.SANDBOX, PaymentKind.SANDBOX), (GatewayName.WECHAT, PaymentKind.NATIVE),
             (GatewayName.ALIPAY, PaymentKind.WAP), (GatewayName.ALIPAY, PaymentKind.QR)],
    MOBILE: [(GatewayName.WECHAT, PaymentKind.H5), (GatewayName.ALIPAY, PaymentKind.WAP),
             (GatewayName.SANDBOX, PaymentKind.SANDBOX), (GatewayName.WECHAT, PaymentKind.NATIVE),
             (GatewayName.ALIPAY, PaymentKind.QR)],
    DESKTOP: [(GatewayName.WECHAT, PaymentKind.NATIVE), (GatewayName.ALIPAY, PaymentKind.PAGE),
              (GatewayName.ALIPAY, PaymentKind.QR), (GatewayName.SANDBOX, PaymentKind.SANDBOX),
              (GatewayName.WECHAT, PaymentKind.H5), (GatewayName.ALIPAY, PaymentKind.WAP)],
}


@dataclass(frozen=True)
class CashierOption:
    gateway: str
    kind: str

    @property
    def label(self) -> str:
        gateway = str(GatewayName(self.gateway).label)
        if self.kind == PaymentKind.SANDBOX:
            return gateway
        return f"{gateway} · {PaymentKind(self.kind).label}"


def client_of(user_agent: str) -> str:
    ua = user_agent or ""
    if "miniProgram" in ua:
        return MINIPROGRAM
    if "MicroMessenger" in ua:
        return WECHAT
    if any(word in ua for word in ("Mobile", "Android", "iPhone")):
        return MOBILE
    return DESKTOP


def cashier_options(*, user_agent: str) -> list[CashierOption]:
    """The kinds to offer, the recommended one first; only enabled gateways."""
    enabled = set(available_gateways())
    return [CashierOption(g, k) for g, k in PREFERENCE[client_of(user_agent)] if g in enabled]


def needs_wechat_login(*, user: Any, options: list[CashierOption]) -> bool:
    """Whether a WeChat-pay option here needs an openid the buyer does not have yet (log in with WeChat first)."""
    for option in options:
        if option.kind in (PaymentKind.JSAPI, PaymentKind.MINIPROGRAM):
            appid = get_gateway(option.gateway).appid_for(option.kind)
            if appid and not wx_selectors.openid_for(user_id=user.pk, appid=appid):
                return True
    return False


def qr_svg(text: str) -> str:
    """A QR code (inline SVG) of a payment link for a desktop buyer to scan with the phone."""
    return str(segno.make_qr(text, error="m").svg_inline(scale=5, border=2, dark="#111111", light="#ffffff"))
