"""How a coupon reads to a shopper: its value (¥20, 8.5折, 免运费), its condition (满 ¥100 可用, 无门槛), where it
applies and until when. One place, used by the pages, the panels and the API."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from quanzi.core.money import format_yuan
from quanzi.growth.coupons.enums import CouponKind, CouponScope


def _yuan_short(fen: int) -> str:
    """¥20 rather than ¥20.00 when whole."""
    text = format_yuan(fen)
    return text[:-3] if text.endswith(".00") else text


def zhe(rate: Decimal) -> str:
    """The Chinese way of saying a discount: 15 % off is 八五折, written 8.5折."""
    tenths = (Decimal(10) - Decimal(rate) * 10).quantize(Decimal("0.01")).normalize()
    return _("%(z)s折") % {"z": f"{tenths:f}"}


def value_text(template: Any) -> str:
    if template.kind == CouponKind.PERCENT_OFF:
        return zhe(template.discount_rate)
    if template.kind == CouponKind.FREE_SHIPPING:
        return _("免运费")
    return _yuan_short(template.amount_fen)


def condition_text(template: Any) -> str:
    parts: list[str] = []
    if template.threshold_fen:
        parts.append(_("满 %(t)s 可用") % {"t": _yuan_short(template.threshold_fen)})
    else:
        parts.append(_("无门槛"))
    if template.kind == CouponKind.PERCENT_OFF and template.amount_fen:
        parts.append(_("最多减 %(c)s") % {"c": _yuan_short(template.amount_fen)})
    if template.kind == CouponKind.FREE_SHIPPING and template.amount_fen:
        parts.append(_("最多抵 %(c)s 运费") % {"c": _yuan_short(template.amount_fen)})
    return " · ".join(parts)


def scope_text(template: Any) -> str:
    shop = template.merchant.business_name if template.merchant_id else ""
    if template.scope == CouponScope.COMMUNITY and template.community_id:
        where = _("「%(c)s」圈内商品") % {"c": template.community.name}
    elif template.scope == CouponScope.CATEGORY and template.category_id:
        where = _("%(c)s类商品") % {"c": template.category.name}
    elif template.scope == CouponScope.PRODUCT:
        where = _("指定商品")
    elif shop:
        where = _("全店商品")
    else:
        where = _("全部商品")
    if shop:
        return _("%(shop)s · %(where)s") % {"shop": shop, "where": where}
    return _("平台券 · %(where)s") % {"where": where}


def validity_text(template: Any) -> str:
    if template.valid_days:
        return _("领取后 %(n)s 天内有效") % {"n": template.valid_days}
    if template.valid_until is None:
        return ""
    return _("%(a)s 至 %(b)s 有效") % {"a": timezone.localtime(template.valid_from).strftime("%m-%d"),
                                       "b": timezone.localtime(template.valid_until).strftime("%m-%d %H:%M")}


def until_text(coupon: Any) -> str:
    return _("%(b)s 前有效") % {"b": timezone.localtime(coupon.valid_until).strftime("%Y-%m-%d %H:%M")}
