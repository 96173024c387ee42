"""Addresses, merchants' shipping templates and the cart."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from quanzi.catalog.selectors import skus_by_id
from quanzi.catalog.services import merchant_of
from quanzi.core.errors import InvalidInput, NotAuthenticated
from quanzi.core.events import track
from quanzi.orders import errors
from quanzi.orders.enums import ShippingMode
from quanzi.orders.errors import ErrorCode
from quanzi.orders.locks import lock_cart_item
from quanzi.orders.models import Address, Cart, CartItem, ShippingTemplate
from quanzi.orders.selectors import sku_sellable

if TYPE_CHECKING:
    from quanzi.catalog.models import Sku

PHONE_RE = re.compile(r"^1[3-9]\d{9}$")
MAX_QUANTITY = 999
MAX_CART_ITEMS = 100


def _authed(user: Any) -> None:
    if user is None or not getattr(user, "is_authenticated", False):
        raise NotAuthenticated(ErrorCode.NOT_AUTHENTICATED, _("请先登录"))


def check_quantity(quantity: Any) -> int:
    if not isinstance(quantity, int) or isinstance(quantity, bool) or not 1 <= quantity <= MAX_QUANTITY:
        raise errors.invalid_quantity()
    return quantity


# --- addresses --------------------------------------------------------------------------------------------------


def _address_fields(name: str, phone: str, province: str, city: str, district: str, detail: str) -> dict[str, str]:
    out = {"name": (name or "").strip(), "phone": (phone or "").strip(), "province": (province or "").strip(),
           "city": (city or "").strip(), "district": (district or "").strip(), "detail": (detail or "").strip()}
    if not 1 <= len(out["name"]) <= 40:
        raise InvalidInput(ErrorCode.INVALID_NAME, _("请填写收货人（1–40 个字符）"))
    if not PHONE_RE.match(out["phone"]):
        raise InvalidInput(ErrorCode.INVALID_PHONE, _("手机号格式不正确（11 位，以 1 开头）"))
    for key, label in (("province", _("省")), ("city", _("市")), ("district", _("区县"))):
        if not 1 <= len(out[key]) <= 20:
            raise InvalidInput(ErrorCode(f"invalid_{key}"), _("请填写%(label)s") % {"label": label})
    if not 2 <= len(out["detail"]) <= 200:
        raise InvalidInput(ErrorCode.INVALID_DETAIL, _("请填写详细地址（2–200 个字符）"))
    return out


@transaction.atomic
def address_create(*, user: Any, name: str, phone: str, province: str, city: str, district: str, detail: str,
                   is_default: bool = False) -> Address:
    _authed(user)
    fields = _address_fields(name, phone, province, city, district, detail)
    first = not Address.objects.filter(user=user).exists()
    if is_default or first:
        Address.objects.filter(user=user, is_default=True).update(is_default=False)
    address = Address.objects.create(user=user, is_default=is_default or first, **fields)
    track("address.create", user=user, obj=address)
    return address


@transaction.atomic
def address_update(*, user: Any, address_id: int, name: str, phone: str, province: str, city: str,
                   district: str, detail: str, is_default: bool = False) -> Address:
    _authed(user)
    address = Address.objects.filter(user=user, pk=address_id).first()
    if address is None:
        raise errors.address_not_found()
    for k, v in _address_fields(name, phone, province, city, district, detail).items():
        setattr(address, k, v)
    if is_default:
        Address.objects.filter(user=user, is_default=True).exclude(pk=address.pk).update(is_default=False)
        address.is_default = True
    address.save()
    track("address.update", user=user, obj=address)
    return address


@transaction.atomic
def address_set_default(*, user: Any, address_id: int) -> Address:
    """Make one of the buyer's addresses the default (the one checkout picks first)."""
    _authed(user)
    address = Address.objects.filter(user=user, pk=address_id).first()
    if address is None:
        raise errors.address_not_found()
    Address.objects.filter(user=user, is_default=True).exclude(pk=address.pk).update(is_default=False)
    if not address.is_default:
        Address.objects.filter(pk=address.pk).update(is_default=True)
        address.is_default = True
    track("address.update", user=user, obj=address)
    return address


@transaction.atomic
def address_delete(*, user: Any, address_id: int) -> None:
    _authed(user)
    deleted, _rows = Address.objects.filter(user=user, pk=address_id).delete()
    if not deleted:
        raise errors.address_not_found()
    track("address.delete", user=user, address_id=address_id)


# --- shipping templates (merchants) ------------------------------------------------------------------------------


@transaction.atomic
def shipping_template_set(*, user: Any, mode: str, first_units: int, first_fee_fen: int, additional_units: int,
                          additional_fee_fen: int, free_threshold_fen: int | None = None) -> ShippingTemplate:
    merchant = merchant_of(user)
    if mode not in ShippingMode.values:
        raise InvalidInput(ErrorCode.INVALID_MODE, _("计费方式无效"))
    numbers = (first_units, first_fee_fen, additional_units, additional_fee_fen)
    if any(not isinstance(n, int) or n < 0 for n in numbers) or first_units < 1 or additional_units < 1:
        raise InvalidInput(ErrorCode.INVALID_SHIPPING_TEMPLATE, _("运费模板的数值需为非负整数，首件/续件单位至少为 1"))
    if free_threshold_fen is not None and (not isinstance(free_threshold_fen, int) or free_threshold_fen < 0):
        raise InvalidInput(ErrorCode.INVALID_SHIPPING_TEMPLATE, _("包邮门槛需为非负整数（分）"))
    template, _created = ShippingTemplate.objects.update_or_create(
        merchant=merchant,
        defaults={"mode": mode, "first_units": first_units, "first_fee_fen": first_fee_fen,
                  "additional_units": additional_units, "additional_fee_fen": additional_fee_fen,
                  "free_threshold_fen": free_threshold_fen})
    track("shipping_template.set", user=user, obj=template)
    return template


# --- cart --------------------------------------------------------------------------------------------------------


def _sellable_sku(sku_id: int) -> Sku:
    sku = skus_by_id(sku_ids=[sku_id]).get(sku_id)
    if sku is None:
        raise InvalidInput(ErrorCode.SKU_NOT_FOUND, _("规格不存在"))
    if not sku_sellable(sku):
        raise errors.product_off_shelf(sku.product.title)
    return sku


@transaction.atomic
def cart_add(*, user: Any, sku_id: int, quantity: int = 1) -> CartItem:
    """Add to the cart (adds to what is already there for this SKU)."""
    _authed(user)
    check_quantity(quantity)
    sku = _sellable_sku(sku_id)
    cart, _created = Cart.objects.get_or_create(user=user)
    item = lock_cart_item(cart_id=cart.pk, sku_id=sku.pk)
    if item is None:
        if CartItem.objects.filter(cart=cart).count() >= MAX_CART_ITEMS:
            raise InvalidInput(ErrorCode.CART_FULL, _("购物车最多放 %(n)s 种商品") % {"n": MAX_CART_ITEMS})
        item = CartItem.objects.create(cart=cart, sku=sku, quantity=quantity, price_seen_fen=sku.price_fen)
    else:
        item.quantity = check_quantity(item.quantity + quantity)
        item.price_seen_fen = sku.price_fen
        item.save(update_fields=["quantity", "price_seen_fen"])
    track("cart.add", user=user, obj=sku, quantity=quantity)
    return item


@transaction.atomic
def cart_set_quantity(*, user: Any, sku_id: int, quantity: int) -> CartItem | None:
    """Set a cart line's quantity; 0 removes it."""
    _authed(user)
    if quantity == 0:
        CartItem.objects.filter(cart__user=user, sku_id=sku_id).delete()
        track("cart.remove", user=user, sku_id=sku_id)
        return None
    check_quantity(quantity)
    item = CartItem.objects.filter(cart__user=user, sku_id=sku_id).first()
    if item is None:
        raise InvalidInput(ErrorCode.NOT_IN_CART, _("购物车里没有这个商品"))
    item.quantity = quantity
    item.save(update_fields=["quantity"])
    track("cart.set_quantity", user=user, sku_id=sku_id, quantity=quantity)
    return item


@transaction.atomic
def cart_clear(*, user: Any) -> int:
    _authed(user)
    deleted, _rows = CartItem.objects.filter(cart__user=user).delete()
    track("cart.clear", user=user, removed=deleted)
    return deleted
