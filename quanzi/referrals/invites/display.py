"""How a reward is named to a reader ("points:200" → "200 积分"), in the reader's language."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _


def reward_text(value: Any) -> str:
    kind, _sep, amount = str(value or "").partition(":")
    if kind == "points":
        return _("%(n)s 积分") % {"n": amount}
    if kind == "growth":
        return _("%(n)s 成长值") % {"n": amount}
    if kind == "coupon":
        return _("一张优惠券")
    return str(value or "")
