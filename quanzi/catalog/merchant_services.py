"""The merchant console's writes that take form input as people type it: a product with its SKUs and pictures in
one go (all or nothing), and SKU fields given in yuan ("12.80") and as spec text ("颜色:红 尺码:M"). They turn the
text into exact values (integer fen through `core.money.parse_yuan`, never a float) and call the product / SKU /
stock services of `catalog.services`, which keep the stock ledger and the events."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from quanzi.catalog import errors, services
from quanzi.catalog.enums import ReturnExemption
from quanzi.catalog.errors import ErrorCode
from quanzi.catalog.models import Product, Sku
from quanzi.core.errors import InvalidInput
from quanzi.core.money import parse_yuan

MAX_SKUS_AT_ONCE = 20
MAX_IMAGES_AT_ONCE = 9


@dataclass(frozen=True)
class SkuInput:
    spec: dict[str, str]
    price_fen: int
    member_price_fen: int | None
    stock: int


def price_fen_of(text: Any, *, required: bool = True) -> int | None:
    """A price typed in yuan ("12.8", "¥12.80") as exact integer fen; blank gives None when not required."""
    s = str(text if text is not None else "").strip()
    if not s and not required:
        return None
    try:
        fen = parse_yuan(s, symbol=True)
    except ValueError as exc:
        raise errors.invalid_price() from exc
    if fen < 1 or fen > services.MAX_PRICE_FEN:
        raise errors.invalid_price()
    return fen


def int_of(text: Any, *, code: ErrorCode, message: str, allow_negative: bool = False) -> int:
    s = str(text if text is not None else "").strip().replace("+", "", 1)
    if not re.fullmatch(r"-?\d{1,9}", s) or (s.startswith("-") and not allow_negative):
        raise InvalidInput(code, message)
    return int(s)


# a bare value's spec name: data stored on the SKU (like the values typed), so not translated with the interface
DEFAULT_SPEC_NAME = "规格"
_SPEC_SPLIT = re.compile(r"[\s;；,，]+")
_SPEC_PAIR = re.compile(r"[:：=]")


def spec_of(text: str) -> dict[str, str]:
    """"颜色:红 尺码:M" -> {"颜色": "红", "尺码": "M"}; a bare value ("红色") is the spec "规格". At most 5 pairs."""
    out: dict[str, str] = {}
    for part in _SPEC_SPLIT.split((text or "").strip()):
        if not part:
            continue
        bits = _SPEC_PAIR.split(part, maxsplit=1)
        key, value = (bits[0].strip(), bits[1].strip()) if len(bits) == 2 else (DEFAULT_SPEC_NAME, bits[0].strip())
        if not key or not value or len(key) > 20 or len(value) > 40:
            raise InvalidInput(ErrorCode.INVALID_SPEC, _("规格写法如「颜色:红 尺码:M」，名称 20 字、取值 40 字以内"))
        if key in out:
            raise InvalidInput(ErrorCode.INVALID_SPEC, _("规格名「%(k)s」重复了") % {"k": key})
        out[key] = value
    if len(out) > 5:
        raise InvalidInput(ErrorCode.INVALID_SPEC, _("规格属性最多 5 项"))
    return out


def sku_input(*, spec: str, price: str, member_price: str = "", stock: str = "0") -> SkuInput:
    """One SKU row of a form, checked: spec text, price and member price in yuan, stock as a whole number."""
    price_fen = price_fen_of(price)
    assert price_fen is not None
    member_fen = price_fen_of(member_price, required=False)
    if member_fen is not None and member_fen > price_fen:
        raise errors.invalid_price()
    units = int_of(stock or "0", code=ErrorCode.INVALID_STOCK, message=str(errors.invalid_stock().message))
    if units > services.MAX_STOCK:
        raise errors.invalid_stock()
    return SkuInput(spec=spec_of(spec), price_fen=price_fen, member_price_fen=member_fen, stock=units)


@transaction.atomic
def product_create_with_skus(*, user: Any, category_id: int, title: str, description: str = "",
                             return_exemption: str = ReturnExemption.NONE, skus: list[SkuInput],
                             images: list[Any] | None = None, on_shelf: bool = False) -> Product:
    """A new product with its SKUs (at least one) and pictures, put on the shelf when asked: every part or none
    (a bad picture or a SKU error leaves no product behind)."""
    if not skus:
        raise InvalidInput(ErrorCode.NO_SKU, _("请至少填写一个规格（价格和库存）"))
    if len(skus) > MAX_SKUS_AT_ONCE:
        raise InvalidInput(ErrorCode.INVALID_SPEC, _("一次最多添加 20 个规格"))
    if len({tuple(sorted(s.spec.items())) for s in skus}) != len(skus):
        raise InvalidInput(ErrorCode.INVALID_SPEC, _("有两个规格完全相同，请区分开"))
    if len(images or []) > MAX_IMAGES_AT_ONCE:
        raise InvalidInput(ErrorCode.TOO_MANY_IMAGES, _("一次最多上传 9 张图片"))
    product = services.product_create(user=user, category_id=category_id, title=title, description=description,
                                      return_exemption=return_exemption)
    for s in skus:
        services.sku_create(user=user, product_id=product.pk, spec=s.spec, price_fen=s.price_fen,
                            member_price_fen=s.member_price_fen, stock=s.stock)
    for image in images or []:
        services.product_image_add(user=user, product_id=product.pk, image=image)
    if on_shelf:
        product = services.product_set_shelf(user=user, product_id=product.pk, on_shelf=True)
    return product


@transaction.atomic
def sku_edit(*, user: Any, sku_id: int, spec: str, price: str, member_price: str = "", is_active: bool = True,
             stock_delta: str = "") -> Sku:
    """Change one SKU from the console's row: spec, prices in yuan, on sale or not, and stock by a signed amount
    ("+20", "-3"; blank leaves it) through the stock ledger. All or nothing."""
    price_fen = price_fen_of(price)
    member_fen = price_fen_of(member_price, required=False)
    sku = services.sku_update(user=user, sku_id=sku_id, spec=spec_of(spec), price_fen=price_fen,
                              member_price_fen=member_fen, clear_member_price=member_fen is None,
                              is_active=is_active)
    if str(stock_delta or "").strip() not in ("", "0", "+0", "-0"):
        delta = int_of(stock_delta, code=ErrorCode.INVALID_DELTA, allow_negative=True,
                       message=_("库存变动必须是非零整数，且不超过 10,000,000"))
        sku = services.sku_stock_adjust(user=user, sku_id=sku_id, delta=delta)
    return sku


@transaction.atomic
def sku_add(*, user: Any, product_id: int, row: SkuInput) -> Sku:
    if Sku.objects.filter(product_id=product_id, spec=row.spec).exists():
        raise InvalidInput(ErrorCode.INVALID_SPEC, _("这个规格已经有了"))
    return services.sku_create(user=user, product_id=product_id, spec=row.spec, price_fen=row.price_fen,
                               member_price_fen=row.member_price_fen, stock=row.stock)

