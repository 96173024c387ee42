"""Catalog reads: products a shopper may see, a merchant's own products, a product's community context and a
community's shelf."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from quanzi.catalog import errors, hooks
from quanzi.catalog.enums import MerchantStatus
from quanzi.catalog.errors import ErrorCode
from quanzi.catalog.models import (
    Brand,
    Category,
    Merchant,
    PostProduct,
    Product,
    ProductImage,
    ShelfItem,
    Sku,
)
from quanzi.communities.selectors import can_view, community_by_id, visible_communities
from quanzi.content.selectors import post_find, posts_published_for_viewer
from quanzi.core.errors import NotAuthenticated, NotFound
from quanzi.core.search import search_ranked

if TYPE_CHECKING:
    from quanzi.communities.models import Community


def sellable_q(prefix: str = "") -> Q:
    """Products the shop lists: on shelf, of an approved merchant, and not a platform virtual product (those are
    sold from their own app's pages: a membership plan, a red packet's funding)."""
    return Q(**{f"{prefix}on_shelf": True, f"{prefix}merchant__status": MerchantStatus.APPROVED,
                f"{prefix}system_key": ""})


def _is_owner(user: Any, product: Product) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False)
                and product.merchant.user_id == user.pk)


def product_get(*, product_id: int, user: Any = None) -> Product:
    """A sellable product for anyone; the merchant also sees its own products off shelf. Otherwise 404."""
    product = (Product.objects.select_related("merchant", "category", "brand")
               .prefetch_related("images").filter(pk=product_id).first())
    if product is None:
        raise errors.product_not_found()
    sellable = product.on_shelf and product.merchant.status == MerchantStatus.APPROVED
    if not sellable and not _is_owner(user, product) and not getattr(user, "is_staff", False):
        raise errors.product_not_found()
    return product


def product_skus(*, product: Product) -> QuerySet[Sku]:
    return product.skus.filter(is_active=True).select_related("image").order_by("id")


def available_stock(*, sku_ids: list[int]) -> dict[int, int]:
    """Stock as it reads now: the SKU's stock plus units held by reservations that have run out (unpaid orders
    past their deadline count as free even before a job or the next checkout gives them back; `catalog.hooks`)."""
    stock = dict(Sku.objects.filter(pk__in=sku_ids).values_list("pk", "stock"))
    for freed in hooks.STOCK_FREED.values():
        for pk, units in freed(list(stock)).items():
            if pk in stock:
                stock[pk] += int(units or 0)
    return stock


def attach_available_stock(skus: list[Sku]) -> list[Sku]:
    """Set `sku.available` (see `available_stock`) on each SKU, for pages and API output."""
    counts = available_stock(sku_ids=[s.pk for s in skus])
    for s in skus:
        s.available = counts.get(s.pk, s.stock)  # type: ignore[attr-defined]
    return skus


LOW_STOCK = 10  # at or under this many units a SKU's chip says 仅剩 N 件


def sku_chosen(*, skus: list[Sku], wanted: int | None = None) -> Sku | None:
    """The SKU the product page starts with: the one asked for (`?sku=`) when it can be bought, else the first in
    stock, else none (all sold out: the buy buttons are off). `skus` carry `available` (attach_available_stock)."""
    buyable = [s for s in skus if getattr(s, "available", s.stock) > 0]
    return next((s for s in buyable if s.pk == wanted), buyable[0] if buyable else None)


def product_facts(*, product: Product) -> dict[str, Any]:
    """The figures higher apps show on the product page (`hooks.PRODUCT_FACTS`): name -> value."""
    return {name: fn(product.pk) for name, fn in sorted(hooks.PRODUCT_FACTS.items())}


def skus_by_id(*, sku_ids: Any) -> dict[int, Sku]:
    """SKUs with their product and merchant, by id (for pricing, the cart and checkout; missing ids are absent)."""
    return {s.pk: s for s in Sku.objects.select_related("product__merchant").filter(pk__in=list(sku_ids))}


def merchants_by_id(*, merchant_ids: Any) -> dict[int, Merchant]:
    return {m.pk: m for m in Merchant.objects.filter(pk__in=list(merchant_ids))}


def merchant_find(*, merchant_id: int) -> Merchant | None:
    return Merchant.objects.filter(pk=merchant_id).first()


def merchants_selling_or(*, merchant_ids: Any) -> QuerySet[Merchant]:
    """Merchants that are (or were) selling (approved or suspended), plus those in `merchant_ids` (values()
    subqueries or lists, e.g. who sold or refunded in a period), by id."""
    wanted = Q(status__in=[MerchantStatus.APPROVED, MerchantStatus.SUSPENDED])
    for ids in merchant_ids:
        wanted |= Q(pk__in=ids)
    # the platform's own sales (virtual goods: memberships, red-packet funding) are its revenue, not a merchant's
    # to be paid out: no statement for it
    return Merchant.objects.filter(wanted).exclude(is_platform=True).distinct().order_by("pk")


def category_descendant_ids(category_id: int) -> list[int]:
    ids, frontier = [category_id], [category_id]
    while frontier:
        frontier = list(Category.objects.filter(parent_id__in=frontier).values_list("id", flat=True))
        frontier = [i for i in frontier if i not in ids]
        ids.extend(frontier)
    return ids


def product_list(*, search: str = "", category_id: int | None = None, merchant_id: int | None = None,
                 community_id: int | None = None) -> QuerySet[Product]:
    """Sellable products, newest first; `search` matches title, description and tags; a category includes its
    sub-categories."""
    qs = Product.objects.filter(sellable_q()).select_related("merchant", "category").prefetch_related("images",
                                                                                                  "skus")
    search = (search or "").strip()
    if search:
        qs = qs.filter(Q(title__icontains=search) | Q(description__icontains=search)
                       | Q(tags__icontains=search) | Q(brand__name__icontains=search))
    if category_id is not None:
        qs = qs.filter(category_id__in=category_descendant_ids(category_id))
    if merchant_id is not None:
        qs = qs.filter(merchant_id=merchant_id)
    if community_id is not None:
        qs = qs.filter(shelf_items__community_id=community_id)
    return qs.order_by("-id")


def product_search(*, q: str) -> QuerySet[Product]:
    """Sellable products whose title, tags, brand or category contain the query's words or enough of their
    characters (`core.search`: 跑步 finds 跑步手臂包 first, then 跑鞋), best match first, then newest. Off-shelf
    products and those of a merchant not approved never appear."""
    qs = Product.objects.filter(sellable_q()).select_related("merchant", "category").prefetch_related("images",
                                                                                                  "skus")
    return search_ranked(qs, q=q, fields=["title", "brand__name", "category__name"], json_fields=["tags"])\
        .order_by("-search_rank", "-id")


def merchant_products(*, merchant: Merchant) -> QuerySet[Product]:
    return (Product.objects.filter(merchant=merchant).select_related("merchant", "category")
            .prefetch_related("skus", "images").order_by("-id"))


def merchant_get_for_user(*, user: Any) -> Merchant | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return Merchant.objects.filter(user=user).first()


def merchant_list(*, operator: Any, status: str | None = None) -> QuerySet[Merchant]:
    """All merchants, for operators only."""
    if operator is None or not getattr(operator, "is_authenticated", False):
        raise NotAuthenticated(ErrorCode.NOT_AUTHENTICATED, _("请先登录"))
    if not operator.is_staff:
        raise errors.not_operator()
    qs = Merchant.objects.select_related("user").order_by("-id")
    return qs.filter(status=status) if status else qs


def price_range(*, product: Product) -> tuple[int, int] | None:
    prices = [s.price_fen for s in product_skus(product=product)]
    return (min(prices), max(prices)) if prices else None


@dataclass
class ProductContext:
    """Where a product lives in the communities: the shelves that carry it and the posts with its card."""

    communities: list[Community] = field(default_factory=list)
    posts: list[Any] = field(default_factory=list)


def product_context(*, product: Product, user: Any = None, limit: int = 10) -> ProductContext:
    shelved_in = ShelfItem.objects.filter(product=product).values("community_id")
    communities = list(visible_communities(user=user, ids=shelved_in).order_by("-member_count")[:limit])
    carried_by = PostProduct.objects.filter(product=product).values("post_id")
    posts = list(posts_published_for_viewer(viewer=user, post_ids=carried_by).order_by("-id")[:limit])
    return ProductContext(communities=communities, posts=posts)


def community_shelf(*, community: Community) -> QuerySet[Product]:
    """The sellable products picked for this community, latest pick first. Callers check the viewer may see the
    community (communities.selectors.community_get)."""
    picked = ShelfItem.objects.filter(community=community, product=OuterRef("pk"))
    return (Product.objects.filter(sellable_q()).filter(Exists(picked))
            .select_related("merchant").prefetch_related("images", "skus").order_by("-id"))


def post_cards(*, post_ids: Any, product_ids: Any) -> dict[int, set[int]]:
    """Which of `product_ids` each of `post_ids` carries as a product card: post id -> product ids."""
    cards: dict[int, set[int]] = {}
    for post_id, product_id in PostProduct.objects.filter(post_id__in=list(post_ids), product_id__in=list(product_ids))\
            .values_list("post_id", "product_id"):
        cards.setdefault(post_id, set()).add(product_id)
    return cards


def post_products(*, post_id: int) -> QuerySet[Product]:
    """The sellable products carried as cards by a post (for the content app's post page)."""
    cards = PostProduct.objects.filter(post_id=post_id, product=OuterRef("pk"))
    return (Product.objects.filter(sellable_q()).filter(Exists(cards)).select_related("merchant")
            .prefetch_related("images", "skus").order_by("id"))


def community_for_viewer(*, community_id: int, user: Any) -> Community:
    community = community_by_id(community_id=community_id)
    if community is None or not can_view(user=user, community=community):
        raise NotFound(ErrorCode.COMMUNITY_NOT_FOUND, _("社群不存在或无权查看"))
    return community


def post_products_for(*, post_id: int, user: Any) -> QuerySet[Product]:
    """A post's product cards, if the viewer may read the post's community."""
    post = post_find(post_id=post_id, published_only=True)
    if post is None or not can_view(user=user, community=post.community):
        raise errors.post_not_found()
    return post_products(post_id=post.pk)


def category_list() -> QuerySet[Category]:
    return Category.objects.all()


def brand_list() -> QuerySet[Brand]:
    return Brand.objects.order_by("name")


# --- for recommendations -----------------------------------------------------------------------------------------


def products_sellable_in_stock(*, product_ids: Any) -> QuerySet[Product]:
    """The sellable products among `product_ids` that have an active SKU in stock, with what a product card shows
    (recommendation lists: never recommend what cannot be bought now)."""
    in_stock = Sku.objects.filter(product=OuterRef("pk"), is_active=True, stock__gt=0)
    return (Product.objects.filter(sellable_q(), pk__in=list(product_ids)).filter(Exists(in_stock))
            .select_related("merchant").prefetch_related("images", "skus"))


@dataclass(frozen=True)
class ProductCard:
    """What a recommendation tile shows of a product: read in one query for a whole candidate list."""

    id: int
    title: str
    tags: list[str]
    price_fen: int | None  # the lowest active SKU price
    image_name: str  # the first picture's stored name ("" when none)

    @classmethod
    def of_row(cls, row: Any) -> ProductCard:
        """A card of a `product_cards_query` row."""
        pk, title, tags, price, image = row
        return cls(pk, title, list(tags or []), price, image or "")

    @property
    def image_url(self) -> str:
        return ProductImage._meta.get_field("image").storage.url(self.image_name) if self.image_name else ""


def product_cards_query(*, product_ids: Any) -> QuerySet[Product, Any]:
    """values_list rows (id, title, tags, lowest active price, first picture's name) of the sellable products among
    `product_ids` that have an active SKU in stock: ONE query (picture and price are subqueries), for lists that
    filter a hundred candidates per request (recommendations). `ProductCard.of_row` makes a card of a row."""
    in_stock = Sku.objects.filter(product=OuterRef("pk"), is_active=True, stock__gt=0)
    lowest = Sku.objects.filter(product=OuterRef("pk"), is_active=True).order_by("price_fen").values("price_fen")[:1]
    first_image = ProductImage.objects.filter(product=OuterRef("pk")).order_by("sort", "id").values("image")[:1]
    return (Product.objects.filter(sellable_q(), pk__in=list(product_ids)).filter(Exists(in_stock))
            .annotate(card_price=Subquery(lowest), card_image=Subquery(first_image))
            .values_list("pk", "title", "tags", "card_price", "card_image"))


def product_of_skus(*, sku_ids: Any) -> dict[int, int]:
    """sku id -> its product id (missing ids are absent)."""
    return dict(Sku.objects.filter(pk__in=list(sku_ids)).values_list("pk", "product_id"))


def product_ids_tagged(*, tags: Any, limit: int = 200) -> list[int]:
    """Sellable products carrying any of `tags` (in `Product.tags`), newest first (cold-start lists)."""
    wanted = [str(t) for t in tags if str(t)]
    if not wanted:
        return []
    cond = Q()
    for t in wanted:
        cond |= Q(tags__icontains=t)
    return list(Product.objects.filter(sellable_q()).filter(cond).order_by("-id").values_list("pk", flat=True)[:limit])


def product_category_ids(*, product_ids: Any) -> dict[int, int]:
    """product id -> category id (the analytics export puts the category on order lines and product events)."""
    return dict(Product.objects.filter(id__in=product_ids).values_list("id", "category_id"))


def product_titles(*, product_ids: Any) -> dict[int, str]:
    """product id -> title, on shelf or not (a member's own lists: what they marked 不感兴趣)."""
    return dict(Product.objects.filter(pk__in=list(product_ids)).values_list("pk", "title"))
