"""Catalog writes: merchant onboarding, categories and brands (operators), products and SKUs (merchants), the stock
ledger, community shelves and product cards in posts."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from quanzi.accounts.enums import NotificationKind
from quanzi.accounts.services import notification_create
from quanzi.catalog import errors
from quanzi.catalog.enums import Fulfilment, MerchantStatus, ReturnExemption, StockReason
from quanzi.catalog.errors import ErrorCode
from quanzi.catalog.locks import lock_merchant, lock_product
from quanzi.catalog.models import (
    Brand,
    Category,
    Merchant,
    PostProduct,
    Product,
    ProductImage,
    ShelfItem,
    Sku,
    StockMovement,
)
from quanzi.communities.selectors import community_by_id, require_perm
from quanzi.content.selectors import post_find
from quanzi.core.enums import TouchKind
from quanzi.core.errors import InvalidInput, NotAuthenticated, NotFound
from quanzi.core.events import touch_record, track
from quanzi.core.images import clean_image
from quanzi.core.messages import Text, message_columns, msg

if TYPE_CHECKING:
    from quanzi.communities.models import Community

MAX_PRICE_FEN = 100_000_000  # ¥1,000,000 per unit


def _authed(user: Any) -> None:
    if user is None or not getattr(user, "is_authenticated", False):
        raise NotAuthenticated(ErrorCode.NOT_AUTHENTICATED, _("请先登录"))


def _operator(user: Any) -> None:
    _authed(user)
    if not user.is_staff:
        raise errors.not_operator()


def merchant_of(user: Any) -> Merchant:
    """The approved merchant this user runs, or a 403."""
    _authed(user)
    merchant = Merchant.objects.filter(user=user).first()
    if merchant is None or merchant.status != MerchantStatus.APPROVED:
        raise errors.not_merchant()
    return merchant


def _text(value: str, *, field: str, label: str, max_len: int, required: bool = True) -> str:
    value = (value or "").strip()
    if (required and not value) or len(value) > max_len:
        raise InvalidInput(ErrorCode(f"invalid_{field}"), _("%(label)s需 1–%(n)s 个字符") % {"label": label, "n": max_len})
    return value


# --- merchants -------------------------------------------------------------------------------------------------


@transaction.atomic
def merchant_apply(*, user: Any, business_name: str, licence_no: str, contact_name: str,
                   contact_phone: str) -> Merchant:
    _authed(user)
    fields = {
        "business_name": _text(business_name, field="business_name", label=_("商户名称"), max_len=80),
        "licence_no": _text(licence_no, field="licence_no", label=_("营业执照号"), max_len=40),
        "contact_name": _text(contact_name, field="contact_name", label=_("联系人"), max_len=40),
        "contact_phone": _text(contact_phone, field="contact_phone", label=_("联系电话"), max_len=20),
    }
    existing = Merchant.objects.filter(user=user).first()
    if existing is not None:
        if existing.status != MerchantStatus.REJECTED:
            raise errors.already_applied()
        for k, v in fields.items():  # a rejected applicant may apply again with corrected details
            setattr(existing, k, v)
        existing.status = MerchantStatus.APPLIED
        _set_status_reason(existing, "")
        existing.save()
        merchant = existing
    else:
        try:
            with transaction.atomic():
                merchant = Merchant.objects.create(user=user, **fields)
        except IntegrityError as exc:
            raise errors.already_applied() from exc
    track("merchant.apply", user=user, obj=merchant)
    return merchant


def _set_status_reason(merchant: Merchant, reason: Text) -> None:
    for field, value in message_columns(reason, model=Merchant, text="status_reason", prefix="status_").items():
        setattr(merchant, field, value)


def _merchant_move(*, operator: Any, merchant_id: int, to: str, allowed_from: set[str], reason: Text,
                   event: str, commission_rate: Decimal | None = None) -> Merchant:
    _operator(operator)
    merchant = lock_merchant(merchant_id)
    if merchant is None:
        raise errors.merchant_not_found()
    if merchant.status not in allowed_from:
        raise errors.bad_merchant_state(str(MerchantStatus(merchant.status).label))
    if commission_rate is not None:
        if isinstance(commission_rate, float) or not (Decimal(0) <= Decimal(commission_rate) <= Decimal(1)):
            raise InvalidInput(ErrorCode.INVALID_COMMISSION_RATE, _("佣金比例需在 0 到 1 之间"))
        merchant.commission_rate = Decimal(commission_rate)
    merchant.status = to
    _set_status_reason(merchant, reason)  # an operator's typed reason, or one of our messages
    merchant.reviewed_by = operator
    merchant.reviewed_at = timezone.now()
    merchant.save()
    track(event, user=operator, obj=merchant, status=to)
    return merchant


@transaction.atomic
def merchant_approve(*, operator: Any, merchant_id: int, commission_rate: Decimal | None = None) -> Merchant:
    merchant = _merchant_move(operator=operator, merchant_id=merchant_id, to=MerchantStatus.APPROVED,
                              allowed_from={MerchantStatus.APPLIED, MerchantStatus.SUSPENDED}, reason="",
                              event="merchant.approve", commission_rate=commission_rate)
    notification_create(recipient=merchant.user_id, kind=NotificationKind.MERCHANT, url="/shop/merchant/",
                        message=msg("notify.merchant_approved", name=merchant.business_name))
    return merchant


@transaction.atomic
def merchant_reject(*, operator: Any, merchant_id: int, reason: str) -> Merchant:
    merchant = _merchant_move(operator=operator, merchant_id=merchant_id, to=MerchantStatus.REJECTED,
                              allowed_from={MerchantStatus.APPLIED}, reason=reason, event="merchant.reject")
    notification_create(recipient=merchant.user_id, kind=NotificationKind.MERCHANT, url="/shop/merchant/",
                        message=msg("notify.merchant_rejected", name=merchant.business_name, r=reason))
    return merchant


@transaction.atomic
def merchant_suspend(*, operator: Any, merchant_id: int, reason: Text) -> Merchant:
    """A suspended merchant's products stop selling at once (they read as unavailable); their data stays."""
    return _merchant_move(operator=operator, merchant_id=merchant_id, to=MerchantStatus.SUSPENDED,
                          allowed_from={MerchantStatus.APPROVED}, reason=reason, event="merchant.suspend")


# --- categories and brands (operators) ----------------------------------------------------------------------------


@transaction.atomic
def category_create(*, operator: Any, name: str, parent_id: int | None = None, sort: int = 0) -> Category:
    _operator(operator)
    parent = None
    if parent_id is not None:
        parent = Category.objects.filter(pk=parent_id).first()
        if parent is None:
            raise errors.category_not_found()
    category = Category.objects.create(name=_text(name, field="name", label=_("名称"), max_len=40),
                                       parent=parent, sort=max(0, sort))
    track("category.create", user=operator, obj=category)
    return category


@transaction.atomic
def brand_create(*, operator: Any, name: str) -> Brand:
    _operator(operator)
    name = _text(name, field="name", label=_("名称"), max_len=60)
    brand, _created = Brand.objects.get_or_create(name=name)
    track("brand.create", user=operator, obj=brand)
    return brand


# --- products and SKUs (merchants) ------------------------------------------------------------------------------


def _own_product(user: Any, product_id: int, *, lock: bool = False) -> Product:
    merchant = merchant_of(user)
    product = (lock_product(product_id, merchant=merchant) if lock
               else Product.objects.filter(pk=product_id, merchant=merchant).first())
    if product is None:  # another merchant's product looks the same as a missing one
        raise errors.product_not_found()
    return product


def _own_sku(user: Any, sku_id: int) -> Sku:
    merchant = merchant_of(user)
    sku = Sku.objects.select_related("product").filter(pk=sku_id, product__merchant=merchant).first()
    if sku is None:
        raise errors.sku_not_found()
    return sku


def _clean_tags(tags: list[str] | None) -> list[str]:
    out: list[str] = []
    for t in tags or []:
        t = str(t).strip()
        if t and t not in out and len(t) <= 20:
            out.append(t)
    if len(out) > 10:
        raise InvalidInput(ErrorCode.TOO_MANY_TAGS, _("标签最多 10 个"))
    return out


def _check_exemption(value: str) -> str:
    if value not in ReturnExemption.values:
        raise InvalidInput(ErrorCode.INVALID_RETURN_EXEMPTION, _("七天无理由例外类型无效"))
    return value


@transaction.atomic
def product_create(*, user: Any, category_id: int, title: str, description: str = "",
                   tags: list[str] | None = None, brand_id: int | None = None,
                   return_exemption: str = ReturnExemption.NONE) -> Product:
    merchant = merchant_of(user)
    category = Category.objects.filter(pk=category_id).first()
    if category is None:
        raise errors.category_not_found()
    brand = None
    if brand_id is not None:
        brand = Brand.objects.filter(pk=brand_id).first()
        if brand is None:
            raise errors.brand_not_found()
    product = Product.objects.create(
        merchant=merchant, category=category, brand=brand,
        title=_text(title, field="title", label=_("标题"), max_len=120),
        description=(description or "")[:20000], tags=_clean_tags(tags),
        return_exemption=_check_exemption(return_exemption), on_shelf=False,
    )
    track("product.create", user=user, obj=product)
    return product


@transaction.atomic
def product_update(*, user: Any, product_id: int, title: str | None = None, description: str | None = None,
                   tags: list[str] | None = None, category_id: int | None = None, brand_id: int | None = None,
                   return_exemption: str | None = None) -> Product:
    product = _own_product(user, product_id, lock=True)
    if title is not None:
        product.title = _text(title, field="title", label=_("标题"), max_len=120)
    if description is not None:
        product.description = description[:20000]
    if tags is not None:
        product.tags = _clean_tags(tags)
    if category_id is not None:
        category = Category.objects.filter(pk=category_id).first()
        if category is None:
            raise errors.category_not_found()
        product.category = category
    if brand_id is not None:
        brand = Brand.objects.filter(pk=brand_id).first()
        if brand is None:
            raise errors.brand_not_found()
        product.brand = brand
    if return_exemption is not None:
        product.return_exemption = _check_exemption(return_exemption)
    product.save()
    track("product.update", user=user, obj=product)
    return product


@transaction.atomic
def product_set_shelf(*, user: Any, product_id: int, on_shelf: bool) -> Product:
    product = _own_product(user, product_id, lock=True)
    if on_shelf and not product.skus.filter(is_active=True).exists():
        raise InvalidInput(ErrorCode.NO_SKU, _("请先添加至少一个规格再上架"))
    product.on_shelf = on_shelf
    product.save(update_fields=["on_shelf", "updated_at"])
    track("product.shelf_on" if on_shelf else "product.shelf_off", user=user, obj=product)
    return product


@transaction.atomic
def product_image_add(*, user: Any, product_id: int, image: Any) -> ProductImage:
    product = _own_product(user, product_id)
    row = ProductImage.objects.create(product=product, image=clean_image(image), sort=product.images.count())
    track("product.image_add", user=user, obj=product)
    return row


def _check_prices(price_fen: int, member_price_fen: int | None) -> None:
    if not isinstance(price_fen, int) or isinstance(price_fen, bool) or not 1 <= price_fen <= MAX_PRICE_FEN:
        raise errors.invalid_price()
    if member_price_fen is not None and (
        not isinstance(member_price_fen, int) or not 1 <= member_price_fen <= price_fen
    ):
        raise errors.invalid_price()


MAX_STOCK = 10_000_000  # units of one SKU; beyond this an input is a typo, not a warehouse
MAX_WEIGHT_G = 1_000_000


def _check_weight(weight_g: Any) -> int:
    if not isinstance(weight_g, int) or isinstance(weight_g, bool) or not 0 <= weight_g <= MAX_WEIGHT_G:
        raise InvalidInput(ErrorCode.INVALID_WEIGHT, _("重量需在 0 到 1,000,000 克之间"))
    return weight_g


def _clean_spec(spec: dict[str, str] | None) -> dict[str, str]:
    out = {str(k).strip()[:20]: str(v).strip()[:40] for k, v in (spec or {}).items() if str(k).strip()}
    if len(out) > 5:
        raise InvalidInput(ErrorCode.INVALID_SPEC, _("规格属性最多 5 项"))
    return out


@transaction.atomic
def sku_create(*, user: Any, product_id: int, spec: dict[str, str] | None, price_fen: int,
               member_price_fen: int | None = None, stock: int = 0, weight_g: int = 0) -> Sku:
    product = _own_product(user, product_id)
    _check_prices(price_fen, member_price_fen)
    if not isinstance(stock, int) or isinstance(stock, bool) or not 0 <= stock <= MAX_STOCK:
        raise errors.invalid_stock()
    _check_weight(weight_g)
    sku = Sku.objects.create(product=product, spec=_clean_spec(spec), price_fen=price_fen,
                             member_price_fen=member_price_fen, stock=stock, weight_g=weight_g)
    if stock:
        StockMovement.objects.create(sku=sku, delta=stock, reason=StockReason.ADJUST, actor=user)
    track("sku.create", user=user, obj=sku, product_id=product.pk)
    return sku


@transaction.atomic
def sku_update(*, user: Any, sku_id: int, price_fen: int | None = None, member_price_fen: int | None = None,
               clear_member_price: bool = False, weight_g: int | None = None, spec: dict[str, str] | None = None,
               is_active: bool | None = None) -> Sku:
    """Change a SKU's price, member price, weight, spec or availability (None leaves a field as it is). Stock
    changes go through `sku_stock_adjust` so the ledger stays complete."""
    sku = _own_sku(user, sku_id)
    new_price = sku.price_fen if price_fen is None else price_fen
    new_member = member_price_fen if member_price_fen is not None else sku.member_price_fen
    if clear_member_price:
        new_member = None
    _check_prices(new_price, new_member)
    sku.price_fen, sku.member_price_fen = new_price, new_member
    if weight_g is not None:
        sku.weight_g = _check_weight(weight_g)
    if spec is not None:
        sku.spec = _clean_spec(spec)
    if is_active is not None:
        sku.is_active = is_active
    # Never write `stock` here: it was read before any concurrent reservation and would undo it.
    sku.save(update_fields=["price_fen", "member_price_fen", "weight_g", "spec", "is_active"])
    track("sku.update", user=user, obj=sku, price_fen=sku.price_fen)
    return sku


@transaction.atomic
def sku_set_image(*, user: Any, sku_id: int, image_id: int | None) -> Sku:
    """Show this SKU with one of its product's pictures (its chip on the product page turns the gallery to it);
    None clears it. A picture of another product is refused."""
    sku = _own_sku(user, sku_id)
    if image_id is not None and not ProductImage.objects.filter(pk=image_id, product_id=sku.product_id).exists():
        raise errors.image_not_found()
    sku.image_id = image_id
    sku.save(update_fields=["image"])
    track("sku.update", user=user, obj=sku, price_fen=sku.price_fen)
    return sku


@transaction.atomic
def sku_stock_adjust(*, user: Any, sku_id: int, delta: int) -> Sku:
    """Add (delta > 0) or remove (delta < 0) stock by a conditional update; never below zero."""
    sku = _own_sku(user, sku_id)
    if not isinstance(delta, int) or isinstance(delta, bool) or delta == 0 or abs(delta) > MAX_STOCK:
        raise InvalidInput(ErrorCode.INVALID_DELTA, _("库存变动必须是非零整数，且不超过 10,000,000"))
    qs = Sku.objects.filter(pk=sku.pk)
    qs = qs.filter(stock__gte=-delta) if delta < 0 else qs.filter(stock__lte=MAX_STOCK - delta)
    if qs.update(stock=F("stock") + delta) != 1:
        raise errors.invalid_stock()
    StockMovement.objects.create(sku=sku, delta=delta, reason=StockReason.ADJUST, actor=user)
    sku.refresh_from_db(fields=["stock"])
    track("sku.stock_adjust", user=user, obj=sku, delta=delta)
    return sku


# --- stock for orders (called by quanzi.orders inside its transaction) -----------------------------------------


def stock_reserve(*, sku_id: int, quantity: int, order_id: int | None = None) -> bool:
    """Take `quantity` units if that many are left; True when taken. Never read-then-write."""
    if quantity <= 0:
        raise InvalidInput(ErrorCode.INVALID_QUANTITY, _("购买数量无效"))
    taken = Sku.objects.filter(pk=sku_id, stock__gte=quantity).update(stock=F("stock") - quantity)
    if taken != 1:
        return False
    StockMovement.objects.create(sku_id=sku_id, delta=-quantity, reason=StockReason.RESERVE, order_id=order_id)
    return True


def stock_release(*, sku_id: int, quantity: int, order_id: int | None = None,
                  reason: str = StockReason.RELEASE) -> None:
    """Give units back (a cancelled reservation or a returned item). Callers make sure this runs once."""
    Sku.objects.filter(pk=sku_id).update(stock=F("stock") + quantity)
    StockMovement.objects.create(sku_id=sku_id, delta=quantity, reason=reason, order_id=order_id)


def stock_allot(*, sku_id: int, quantity: int, actor: Any = None) -> bool:
    """Move `quantity` units out of the SKU's stock into a campaign's allotment (a flash sale keeps its units apart
    from normal sales); True when that many were there. A conditional update, never below zero, ledgered."""
    if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity <= 0:
        raise InvalidInput(ErrorCode.INVALID_QUANTITY, _("购买数量无效"))
    if Sku.objects.filter(pk=sku_id, stock__gte=quantity).update(stock=F("stock") - quantity) != 1:
        return False
    StockMovement.objects.create(sku_id=sku_id, delta=-quantity, reason=StockReason.ALLOT,
                                 actor=actor if getattr(actor, "is_authenticated", False) else None)
    return True


def stock_unallot(*, sku_id: int, quantity: int, actor: Any = None) -> None:
    """Give units of a campaign's allotment back to the SKU's stock: the campaign ended, or a campaign checkout is
    about to reserve them (in its transaction). Callers make sure each allotted unit comes back once."""
    if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity <= 0:
        raise InvalidInput(ErrorCode.INVALID_QUANTITY, _("购买数量无效"))
    Sku.objects.filter(pk=sku_id).update(stock=F("stock") + quantity)
    StockMovement.objects.create(sku_id=sku_id, delta=quantity, reason=StockReason.UNALLOT,
                                 actor=actor if getattr(actor, "is_authenticated", False) else None)


# --- community shelf and product cards -------------------------------------------------------------------------


def _sellable_product(product_id: int) -> Product:
    product = Product.objects.select_related("merchant").filter(pk=product_id).first()
    if product is None:
        raise errors.product_not_found()
    if not product.on_shelf or product.merchant.status != MerchantStatus.APPROVED:
        raise errors.product_not_sellable()
    return product


def _community(community_id: int) -> Community:
    community = community_by_id(community_id=community_id)
    if community is None:
        raise NotFound(ErrorCode.COMMUNITY_NOT_FOUND, _("社群不存在或无权查看"))
    return community


@transaction.atomic
def shelf_add(*, user: Any, community_id: int, product_id: int) -> ShelfItem:
    _authed(user)
    community = _community(community_id)
    require_perm(user=user, community=community, perm="pick_products")
    product = _sellable_product(product_id)
    item, _created = ShelfItem.objects.get_or_create(community=community, product=product,
                                                     defaults={"picked_by": user})
    track("shelf.add", user=user, obj=product, community_id=community.pk)
    return item


@transaction.atomic
def shelf_remove(*, user: Any, community_id: int, product_id: int) -> None:
    _authed(user)
    community = _community(community_id)
    require_perm(user=user, community=community, perm="pick_products")
    deleted, _rows = ShelfItem.objects.filter(community=community, product_id=product_id).delete()
    track("shelf.remove", user=user, community_id=community.pk, product_id=product_id, removed=deleted)


def _post(post_id: int) -> Any:
    post = post_find(post_id=post_id)
    if post is None:
        raise errors.post_not_found()
    return post


@transaction.atomic
def post_product_attach(*, user: Any, post_id: int, product_id: int) -> PostProduct:
    """The post's author puts a product card on it; they need `pick_products` in the post's community."""
    _authed(user)
    post = _post(post_id)
    require_perm(user=user, community=post.community, perm="pick_products")
    if post.author_id != user.pk:
        raise errors.not_post_author()
    product = _sellable_product(product_id)
    card, _created = PostProduct.objects.get_or_create(post=post, product=product, defaults={"added_by": user})
    track("post.product_attach", user=user, obj=product, community_id=post.community_id, post_id=post.pk)
    return card


@transaction.atomic
def post_product_detach(*, user: Any, post_id: int, product_id: int) -> None:
    _authed(user)
    post = _post(post_id)
    if post.author_id != user.pk:
        require_perm(user=user, community=post.community, perm="moderate")
    PostProduct.objects.filter(post=post, product_id=product_id).delete()
    track("post.product_detach", user=user, community_id=post.community_id, post_id=post.pk,
          product_id=product_id)


@transaction.atomic
def product_card_click(*, user: Any, post_id: int, product_id: int, share_token: str = "") -> None:
    """A reader taps a product card in a post: the touch that credits the post, its KOL and community when an
    order follows within the attribution window."""
    _authed(user)
    card = PostProduct.objects.select_related("post").filter(post_id=post_id, product_id=product_id).first()
    if card is None:
        raise errors.card_not_found()
    token = (share_token or "")[:32]
    track("product.card_click", user=user, obj=card.product, community_id=card.post.community_id,
          share_token=token, post_id=post_id)
    touch_record(user=user, kind=TouchKind.CARD_CLICK, post_id=post_id, product_id=product_id, share_token=token,
                 community_id=card.post.community_id)


def product_view(*, viewer: Any, product: Product, via: str) -> None:
    """Log a view of a product's detail (`product.view`), the same from the page (`via="page"`) and the API
    (`via="api"`), so the insight and recommendations see every view."""
    track("product.view", user=viewer, obj=product, via=via)


# --- the platform's own virtual goods (a membership plan, a red packet's funding) --------------------------------

# a virtual SKU's stock: large enough never to run out, so the checkout's conditional reservation (and its stock
# ledger) works unchanged for goods that have no stock
VIRTUAL_STOCK = 10**9
VIRTUAL_CATEGORY = "虚拟商品与权益"


def platform_merchant() -> Merchant:
    """The platform as a seller (圈子自营): approved, no commission (its sales are its own revenue). Created on first
    use; two first uses at once end with one (the unique constraint on `is_platform`)."""
    merchant = Merchant.objects.filter(is_platform=True).first()
    if merchant is not None:
        return merchant
    from quanzi.accounts.services import system_account_create

    try:
        with transaction.atomic():
            # names are data (shown as stored, like every merchant's), not interface text
            owner = system_account_create(nickname="圈子自营")
            return Merchant.objects.create(
                user=owner, business_name="圈子自营", licence_no="-", contact_name="圈子平台",
                contact_phone="-", status=MerchantStatus.APPROVED, commission_rate=Decimal("0"),
                reviewed_at=timezone.now(), is_platform=True)
    except IntegrityError:
        return Merchant.objects.get(is_platform=True)


@transaction.atomic
def creator_merchant_ensure(*, user: Any, business_name: str, commission_rate: Decimal) -> Merchant:
    """The approved merchant account a creator (paid content's author) is paid through: their own if they already
    sell (their rate), else one opened for them, approved at once at `commission_rate` (the platform's rate for
    what they sell; they sell no goods through it, so there is no licence to review). Refused while their own
    application is pending, rejected or suspended (`illegal_transition`)."""
    _authed(user)
    merchant = Merchant.objects.filter(user=user).first()
    if merchant is None:
        try:
            with transaction.atomic():
                merchant = Merchant.objects.create(
                    user=user, business_name=business_name[:80] or "-", licence_no="-", contact_name="-",
                    contact_phone="-", status=MerchantStatus.APPROVED, commission_rate=commission_rate,
                    reviewed_at=timezone.now())
        except IntegrityError:  # opened at the same moment by a twin call
            merchant = Merchant.objects.get(user=user)
        else:
            track("merchant.creator_open", user=user, obj=merchant)
    if merchant.status != MerchantStatus.APPROVED:
        raise errors.bad_merchant_state(str(MerchantStatus(merchant.status).label))
    return merchant


def _virtual_category() -> Category:
    category = Category.objects.filter(name=VIRTUAL_CATEGORY, parent=None).first()
    return category or Category.objects.create(name=VIRTUAL_CATEGORY, sort=999)


@transaction.atomic
def virtual_sku_ensure(*, key: str, title: str, price_fen: int,
                       return_exemption: str = ReturnExemption.DIGITAL, merchant_id: int | None = None) -> int:
    """The SKU of one thing an app sells as a virtual good of the platform, keyed by `key` ("membership:plan:3");
    created on first use, its title and price kept up to date. Bought through the normal checkout and cashier
    (no address, no shipping); delivered by the selling app's `on_paid` hook. Returns the SKU id. `merchant_id`
    sells it as that merchant instead of the platform (paid content: the author's account, so the sale settles
    to them like any merchant's); it is fixed when the product is first made."""
    if not key or len(key) > 64:
        raise InvalidInput(ErrorCode.INVALID_TITLE, _("系统商品键无效"))
    if not isinstance(price_fen, int) or isinstance(price_fen, bool) or price_fen < 1:
        raise InvalidInput(ErrorCode.INVALID_PRICE, _("价格需大于 0"))
    product = Product.objects.filter(system_key=key).first()
    if product is None:
        try:
            with transaction.atomic():
                seller = platform_merchant() if merchant_id is None else Merchant.objects.get(pk=merchant_id)
                product = Product.objects.create(
                    merchant=seller, category=_virtual_category(), title=title[:120],
                    on_shelf=True, fulfilment=Fulfilment.VIRTUAL, system_key=key,
                    return_exemption=_check_exemption(return_exemption))
        except IntegrityError:  # made at the same moment by a twin call
            product = Product.objects.get(system_key=key)
    elif product.title != title[:120]:
        Product.objects.filter(pk=product.pk).update(title=title[:120])
    sku = Sku.objects.filter(product=product).order_by("pk").first()
    if sku is None:
        sku = Sku.objects.create(product=product, spec={}, price_fen=price_fen, stock=VIRTUAL_STOCK)
        StockMovement.objects.create(sku=sku, delta=VIRTUAL_STOCK, reason=StockReason.ADJUST)  # the ledger agrees
    elif sku.price_fen != price_fen:
        Sku.objects.filter(pk=sku.pk).update(price_fen=price_fen)
    return sku.pk
