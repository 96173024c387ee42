"""The carriers a merchant ships with: a fixed list of the common Chinese express companies, plus "other" with a
name typed by the merchant. The console's ship form and the batch-shipping sheet both resolve a carrier here, so
`Shipment.carrier` holds one spelling per company (顺丰速运, never "sf" / "顺丰" / "SF Express" mixed), which is what
a buyer recognises and what a later tracking integration keys on."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from quanzi.core.errors import InvalidInput
from quanzi.orders.errors import ErrorCode


class Carrier(models.TextChoices):
    SF = "sf", gettext_lazy("顺丰速运")
    ZTO = "zto", gettext_lazy("中通快递")
    YTO = "yto", gettext_lazy("圆通速递")
    YUNDA = "yunda", gettext_lazy("韵达快递")
    STO = "sto", gettext_lazy("申通快递")
    EMS = "ems", gettext_lazy("EMS")
    JD = "jd", gettext_lazy("京东物流")
    JTEXPRESS = "jtexpress", gettext_lazy("极兔速递")
    DEPPON = "deppon", gettext_lazy("德邦快递")
    CHINAPOST = "chinapost", gettext_lazy("中国邮政")
    OTHER = "other", gettext_lazy("其他")


# The stored name of each listed carrier: the company's own Chinese name, whatever the merchant's language (it is
# data the buyer reads on the logistics row, like a product title), so the same company is always spelt the same.
STORED_NAME: dict[str, str] = {
    Carrier.SF: "顺丰速运", Carrier.ZTO: "中通快递", Carrier.YTO: "圆通速递", Carrier.YUNDA: "韵达快递",
    Carrier.STO: "申通快递", Carrier.EMS: "EMS", Carrier.JD: "京东物流", Carrier.JTEXPRESS: "极兔速递",
    Carrier.DEPPON: "德邦快递", Carrier.CHINAPOST: "中国邮政",
}

# What people write in a sheet for a listed carrier (besides its code and stored name): short and common forms.
_ALIASES: dict[str, str] = {
    "顺丰": Carrier.SF, "中通": Carrier.ZTO, "圆通": Carrier.YTO, "韵达": Carrier.YUNDA, "申通": Carrier.STO,
    "邮政ems": Carrier.EMS, "京东": Carrier.JD, "京东快递": Carrier.JD, "极兔": Carrier.JTEXPRESS,
    "德邦": Carrier.DEPPON, "德邦物流": Carrier.DEPPON, "邮政": Carrier.CHINAPOST, "中国邮政快递包裹": Carrier.CHINAPOST,
    "sf express": Carrier.SF, "j&t": Carrier.JTEXPRESS,
}
_LOOKUP: dict[str, str] = {
    **{code.lower(): code for code in STORED_NAME},
    **{name.lower(): code for code, name in STORED_NAME.items()},
    **_ALIASES,
}

MAX_NAME = 40  # Shipment.carrier's length


def invalid_carrier() -> InvalidInput:
    return InvalidInput(ErrorCode.INVALID_CARRIER, _("请选择快递公司；选择“其他”时请填写快递公司名称"))


def carrier_name(code: str, other_name: str = "") -> str:
    """The name to ship with for a carrier chosen from the list (`other` needs `other_name`, 1–40 characters)."""
    code = (code or "").strip().lower()
    if code == Carrier.OTHER:
        name = (other_name or "").strip()
        if not 1 <= len(name) <= MAX_NAME:
            raise invalid_carrier()
        # a listed company typed under "other" is stored under its one spelling
        return STORED_NAME.get(_LOOKUP.get(name.lower(), ""), name)
    if code not in STORED_NAME:
        raise invalid_carrier()
    return STORED_NAME[code]


def carrier_from_text(text: str) -> str:
    """A carrier as written in a shipping sheet: a listed company by code, name or a common short form; anything
    else is taken as an "other" carrier's name (the sheet has no separate column for it)."""
    text = (text or "").strip()
    code = _LOOKUP.get(text.lower())
    if code is not None:
        return STORED_NAME[code]
    return carrier_name(Carrier.OTHER, text)


def carrier_choices() -> list[tuple[str, str]]:
    return [(c.value, str(c.label)) for c in Carrier]
