"""Demo commerce, made through the real services (never raw inserts): merchants applied and approved with their
commission rates, a category tree and brands, 60+ products with SKUs, community shelves and product cards on
posts, buyers' addresses, 500+ orders over the last 30 days in every state (paid through the sandbox gateway,
shipped with tracking, received, completed, cancelled, expired, after-sales refunds and reviews), some of them
credited to product-card clicks and share links, and last month's settlement statements.

Called by `build.py` after the community part: `build_commerce(world, rng, named, now, log)`.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction

from quanzi.aftersales import selectors as aftersale_selectors
from quanzi.aftersales import services as aftersales
from quanzi.catalog import services as catalog
from quanzi.catalog.enums import ReturnExemption
from quanzi.communities.selectors import has_perm
from quanzi.content import services as content
from quanzi.core.errors import DomainError
from quanzi.core.timeutil import local_date
from quanzi.orders import selectors as order_selectors
from quanzi.orders import services as orders
from quanzi.orders.enums import OrderStatus
from quanzi.payments import selectors as payment_selectors
from quanzi.payments import services as payments
from quanzi.settlements import services as settlements
from quanzi.settlements.periods import Period
from quanzi.web.demo.clock import clock_at
from quanzi.web.demo.images import picture

if TYPE_CHECKING:  # type hints only (the demo calls services); build.py imports this module: no import back
    from quanzi.accounts.models import User
    from quanzi.catalog.models import Category, Merchant, Product, Sku
    from quanzi.content.models import Post
    from quanzi.orders.models import Order
    from quanzi.web.demo.build import DemoWorld


def _try(world: DemoWorld, key: str, fn: Callable[..., Any], /, **kwargs: Any) -> Any:
    """As build._try: a refusal by a business rule is counted and skipped (demo actions are random)."""
    try:
        result = fn(**kwargs)
    except DomainError:
        world.counts[f"refused:{key}"] = world.counts.get(f"refused:{key}", 0) + 1
        return None
    world.counts[key] = world.counts.get(key, 0) + 1
    return result

# --- the catalog ------------------------------------------------------------------------------------------------

TREE: dict[str, list[str]] = {
    "美妆护肤": ["面部护理", "防晒", "彩妆"],
    "母婴": ["喂养用品", "纸尿裤", "玩具绘本"],
    "运动户外": ["跑鞋", "运动服饰", "运动护具"],
    "数码": ["耳机音箱", "手机配件"],
    "食品厨房": ["零食饮品", "生鲜", "厨具"],
    "家居": ["收纳整理", "软装"],
}

BRANDS = ["花间集", "小森林", "轻跑", "声动", "一口鲜", "木与家", "云朵宝贝", "极客派"]

# leaf category -> (merchant key, brand, spec kind, price range in yuan, exemption, product titles)
PRODUCTS: dict[str, tuple[str, str, str, tuple[int, int], str, list[str]]] = {
    "面部护理": ("demo", "花间集", "volume", (59, 269), ReturnExemption.NONE,
             ["玻尿酸保湿精华液", "烟酰胺亮肤精华", "积雪草舒缓面霜", "氨基酸洗面奶", "神经酰胺修护乳"]),
    "防晒": ("demo", "花间集", "volume", (69, 159), ReturnExemption.NONE,
           ["清透物理防晒霜 SPF50", "户外运动防晒喷雾", "儿童温和防晒乳", "素颜防晒隔离"]),
    "彩妆": ("demo", "花间集", "color", (49, 189), ReturnExemption.HYGIENE_OPENED,
           ["丝绒雾面口红", "轻薄持妆粉底液", "防水眼线笔", "哑光定妆散粉"]),
    "喂养用品": ("demo", "云朵宝贝", "color", (39, 299), ReturnExemption.NONE,
             ["宽口径玻璃奶瓶", "婴儿辅食研磨碗", "硅胶吸管杯", "恒温调奶器"]),
    "纸尿裤": ("demo", "云朵宝贝", "size", (89, 199), ReturnExemption.HYGIENE_OPENED,
            ["超薄透气纸尿裤", "拉拉裤成长裤", "夜用加厚纸尿裤"]),
    "玩具绘本": ("demo", "云朵宝贝", "single", (29, 159), ReturnExemption.NONE,
             ["0-3 岁认知绘本套装", "婴儿布书", "木质积木 100 粒", "洞洞书翻翻书"]),
    "跑鞋": ("run", "轻跑", "color_size", (299, 899), ReturnExemption.NONE,
           ["缓震跑鞋 Pro", "碳板竞速跑鞋", "轻量训练跑鞋", "越野跑鞋"]),
    "运动服饰": ("run", "轻跑", "color_size", (69, 399), ReturnExemption.NONE,
             ["速干运动 T 恤", "压缩紧身裤", "防风跑步夹克", "运动短裤"]),
    "运动护具": ("run", "轻跑", "size", (39, 199), ReturnExemption.NONE,
             ["专业护膝", "运动腰包", "跑步手臂包", "压缩小腿套"]),
    "耳机音箱": ("geek", "声动", "color", (129, 1299), ReturnExemption.NONE,
             ["降噪蓝牙耳机", "骨传导运动耳机", "便携蓝牙音箱", "头戴式监听耳机"]),
    "手机配件": ("geek", "极客派", "color", (29, 199), ReturnExemption.NONE,
             ["65W 氮化镓充电器", "磁吸充电宝", "编织快充数据线", "手机支架", "定制刻字手机壳"]),
    "零食饮品": ("kitchen", "一口鲜", "weight", (19, 129), ReturnExemption.NONE,
             ["每日坚果礼盒", "冻干咖啡粉", "手工牛轧糖", "无糖燕麦脆"]),
    "生鲜": ("kitchen", "一口鲜", "weight", (39, 299), ReturnExemption.PERISHABLE,
           ["云南高山蓝莓", "现切牛排套餐", "阳澄湖大闸蟹", "散养土鸡蛋"]),
    "厨具": ("kitchen", "木与家", "single", (49, 599), ReturnExemption.NONE,
           ["不粘炒锅 30cm", "铸铁珐琅锅", "空气炸锅", "实木砧板"]),
    "收纳整理": ("kitchen", "木与家", "size", (19, 199), ReturnExemption.NONE,
             ["衣柜分层收纳盒", "真空压缩袋", "桌面抽屉收纳柜", "门后挂钩架"]),
    "软装": ("kitchen", "木与家", "color", (39, 499), ReturnExemption.NONE,
           ["北欧风抱枕套", "遮光窗帘", "香薰蜡烛", "定制尺寸地毯"]),
}

SPECS: dict[str, list[dict[str, str]]] = {
    "volume": [{"规格": "30ml"}, {"规格": "50ml"}],
    "color": [{"颜色": "经典黑"}, {"颜色": "奶油白"}, {"颜色": "雾霾蓝"}],
    "size": [{"尺码": "S"}, {"尺码": "M"}, {"尺码": "L"}],
    "color_size": [{"颜色": c, "尺码": s} for c in ("黑色", "白色") for s in ("M", "L", "XL")],
    "weight": [{"规格": "500g"}, {"规格": "1kg"}],
    "single": [{"规格": "标准装"}],
}

MERCHANTS = {  # key -> (business name, commission rate, shipping: first fee, additional fee, free threshold)
    "demo": ("优选好物", Decimal("0.0500"), (800, 200, 9900)),
    "run": ("跑者装备社", Decimal("0.0600"), (1000, 300, 19900)),
    "geek": ("数码优品旗舰店", Decimal("0.0300"), (0, 0, None)),
    "kitchen": ("厨房与家生活馆", Decimal("0.0800"), (1200, 500, 12900)),
}

COMMUNITY_ROOTS = {  # community slug -> top categories whose products its owner and KOLs pick
    "mama-baby": ["母婴", "食品厨房"], "beauty-lab": ["美妆护肤"], "run-fit": ["运动户外", "数码"],
    "digital-geek": ["数码"], "home-cook": ["食品厨房"], "cozy-home": ["家居"], "vip-beauty": ["美妆护肤"],
}

PLACES = [("浙江省", "杭州市", "西湖区"), ("上海市", "上海市", "浦东新区"), ("北京市", "北京市", "朝阳区"),
          ("广东省", "深圳市", "南山区"), ("四川省", "成都市", "武侯区"), ("江苏省", "南京市", "鼓楼区")]
CARRIERS = ["顺丰速运", "中通快递", "圆通速递", "京东物流", "韵达快递"]
HUBS = ["杭州转运中心", "上海分拨中心", "广州白云集散中心", "成都双流转运中心", "北京顺义集散中心"]
REVIEWS = ["质量很好，和描述一致", "物流很快，包装完好", "用了一周再来评价，推荐", "性价比高，回购了",
           "颜色和图片有点差别，整体还行", "客服态度好", "群里团长推荐的，果然不错", "一般般吧"]


@dataclass
class Shop:
    merchants: dict[str, Merchant] = field(default_factory=dict)
    products: list[Product] = field(default_factory=list)
    skus: dict[int, list[Sku]] = field(default_factory=dict)  # product id -> skus
    roots: dict[int, str] = field(default_factory=dict)  # product id -> top category name
    cards: list[tuple[Post, Product]] = field(default_factory=list)
    addresses: dict[int, int] = field(default_factory=dict)  # user id -> address id


def build_commerce(world: DemoWorld, rng: random.Random, named: dict[str, User], now: dt.datetime,
                   log: Callable[[str], None], *, orders_total: int = 460) -> Shop:
    shop = Shop()
    start = now - dt.timedelta(days=33)
    with transaction.atomic(), clock_at(start):
        _merchants(world, rng, named, shop)
        categories = _categories(named["operator"])
        _products(world, rng, shop, categories, named["operator"])
    log(f"  merchants: {len(shop.merchants)}, products: {len(shop.products)}, "
        f"skus: {sum(len(s) for s in shop.skus.values())}")
    with transaction.atomic():
        _shelves_and_cards(world, rng, named, shop, start)
    log(f"  shelf items: {world.counts.get('shelf', 0)}, product cards: {len(shop.cards)}")
    with transaction.atomic():
        _orders(world, rng, named, shop, now, orders_total)
    log(f"  orders: {order_selectors.order_count()}, credited lines: {world.counts.get('credited', 0)}, "
        f"after-sales: {world.counts.get('aftersale', 0)}, reviews: {world.counts.get('review', 0)}")
    return shop


def build_statements(now: dt.datetime, log: Callable[[str], None]) -> None:
    """Last month's settlement statements, and this month's so far (a draft the operator can rebuild, so the
    console has numbers on any day). Built after every other part of the demo has paid its orders: a statement
    covers every order paid in its period, whichever part of the demo placed it."""
    with transaction.atomic(), clock_at(now):
        today = local_date(now)
        made = settlements.statements_generate(period=Period.month_before(today))
        made += settlements.statements_generate(period=Period.month(today.year, today.month))
    log(f"  settlement statements: {len(made)}")


# --- merchants, categories, products ----------------------------------------------------------------------------


def _merchants(world: DemoWorld, rng: random.Random, named: dict[str, User], shop: Shop) -> None:
    taken = {u.pk for u in named.values()}
    fillers = [u for u in world.users if u.pk not in taken]
    owners = {"demo": named["merchant"], **{k: fillers[-(i + 1)] for i, k in enumerate(("run", "geek", "kitchen"))}}
    for key, (name, rate, (first_fee, extra_fee, free)) in MERCHANTS.items():
        user = owners[key]
        applied = catalog.merchant_apply(user=user, business_name=name, licence_no=f"91330106MA2{rng.randrange(10**6):06d}",
                                         contact_name=user.nickname[:40], contact_phone=user.phone or "13800000004")
        merchant = catalog.merchant_approve(operator=named["operator"], merchant_id=applied.pk, commission_rate=rate)
        orders.shipping_template_set(user=user, mode="piece", first_units=1, first_fee_fen=first_fee,
                                     additional_units=1, additional_fee_fen=extra_fee, free_threshold_fen=free)
        shop.merchants[key] = merchant
    # one applicant still waiting for the operator, so the review queue has work
    waiting = fillers[-5]
    _try(world, "merchant_apply", catalog.merchant_apply, user=waiting, business_name="山野茶舍",
         licence_no="91330106MA2TEA001", contact_name=waiting.nickname[:40], contact_phone=waiting.phone or "13800000009")


def _categories(operator: User) -> dict[str, Category]:
    out: dict[str, Category] = {}
    for i, (root, leaves) in enumerate(TREE.items()):
        parent = catalog.category_create(operator=operator, name=root, sort=i)
        out[root] = parent
        for j, leaf in enumerate(leaves):
            out[leaf] = catalog.category_create(operator=operator, name=leaf, parent_id=parent.pk, sort=j)
    return out


def _products(world: DemoWorld, rng: random.Random, shop: Shop, categories: dict[str, Category],
              operator: User) -> None:
    brands = {name: catalog.brand_create(operator=operator, name=name) for name in BRANDS}
    root_of = {leaf: root for root, leaves in TREE.items() for leaf in leaves}
    for leaf, (mkey, brand, spec_kind, (low, high), exemption, titles) in PRODUCTS.items():
        user = shop.merchants[mkey].user
        for title in titles:
            this_exemption = ReturnExemption.CUSTOM if "定制" in title else exemption
            product = catalog.product_create(
                user=user, category_id=categories[leaf].pk, title=f"{brand} {title}", brand_id=brands[brand].pk,
                description=f"{title}，{brand}出品。群友实测推荐，支持社群专属价。", tags=[leaf, brand],
                return_exemption=this_exemption)
            if rng.random() < 0.5:
                catalog.product_image_add(user=user, product_id=product.pk,
                                          image=picture(rng, f"product-{product.pk}", (320, 320)))
            base = rng.randint(low, high) * 100 + rng.choice([0, 0, 90, 80, 50])
            skus = []
            for k, spec in enumerate(SPECS[spec_kind]):
                price = base + k * rng.choice([0, 1000, 2000]) if spec_kind in ("volume", "weight") else base
                member = price - price // 20 if rng.random() < 0.3 else None
                skus.append(catalog.sku_create(user=user, product_id=product.pk, spec=spec, price_fen=price,
                                               member_price_fen=member, stock=rng.randint(60, 200),
                                               weight_g=rng.randint(100, 1500)))
            product = catalog.product_set_shelf(user=user, product_id=product.pk, on_shelf=True)
            shop.products.append(product)
            shop.skus[product.pk] = skus
            shop.roots[product.pk] = root_of[leaf]
    # one product taken off the shelf by its merchant (it shows as unavailable)
    off = shop.products[-1]
    catalog.product_set_shelf(user=off.merchant.user, product_id=off.pk, on_shelf=False)
    shop.products.pop()
    world.counts["products"] = len(shop.products)


def _shelves_and_cards(world: DemoWorld, rng: random.Random, named: dict[str, User], shop: Shop,
                       start: dt.datetime) -> None:
    by_root: dict[str, list[Product]] = {}
    for p in shop.products:
        by_root.setdefault(shop.roots[p.pk], []).append(p)
    for community in world.communities:
        roots = COMMUNITY_ROOTS.get(community.slug, [])
        pool = [p for r in roots for p in by_root.get(r, [])]
        if not pool:
            continue
        pickers = [world.members[community.pk][0], named["kol"]]
        with clock_at(start + dt.timedelta(days=1, hours=2)):
            for product in rng.sample(pool, k=min(len(pool), rng.randint(6, 10))):
                _try(world, "shelf", catalog.shelf_add, user=rng.choice(pickers), community_id=community.pk,
                     product_id=product.pk)
        posts = [p for p in world.posts if p.community_id == community.pk and p.status == "published"
                 and has_perm(user=p.author, community=community, perm="pick_products")]
        for post in rng.sample(posts, k=min(len(posts), 8)):
            for product in rng.sample(pool, k=rng.choice([1, 1, 2])):
                with clock_at(post.created_at + dt.timedelta(minutes=5)):
                    card = _try(world, "card", catalog.post_product_attach, user=post.author, post_id=post.pk,
                                product_id=product.pk)
                if card is not None:
                    shop.cards.append((post, product))


# --- orders ------------------------------------------------------------------------------------------------------


def _address(shop: Shop, rng: random.Random, user: User) -> int:
    if user.pk not in shop.addresses:
        province, city, district = rng.choice(PLACES)
        addr = orders.address_create(user=user, name=user.nickname[:20] or "收货人", phone=user.phone or "13912345678",
                                     province=province, city=city, district=district,
                                     detail=f"幸福路 {rng.randint(1, 999)} 号 {rng.randint(1, 30)} 栋")
        shop.addresses[user.pk] = addr.pk
    return shop.addresses[user.pk]


def _touch(world: DemoWorld, rng: random.Random, shop: Shop, buyer: User, when: dt.datetime) -> Product | None:
    """Sometimes the buyer arrives from a product card or a share link: the order is credited to it."""
    if not shop.cards or rng.random() > 0.3:
        return None
    post, product = rng.choice(shop.cards)
    if not product.on_shelf:
        return None
    earlier = when - dt.timedelta(minutes=rng.randint(5, 60 * 48))
    if earlier <= post.created_at:
        return None
    if rng.random() < 0.6:
        with clock_at(earlier):
            try:
                catalog.product_card_click(user=buyer, post_id=post.pk, product_id=product.pk)
            except DomainError:
                return None
        world.counts["card_click"] = world.counts.get("card_click", 0) + 1
        return product
    sharer = rng.choice(world.members.get(post.community_id, [post.author]))
    with clock_at(earlier - dt.timedelta(minutes=30)):
        share = _try(world, "order_share", content.share_create, user=sharer, post=post)
    if share is None:
        return None
    with clock_at(earlier):
        visit = _try(world, "order_share_visit", content.share_visit, token=share.token, viewer=buyer)
    return product if visit is not None else None


def _pick_items(rng: random.Random, shop: Shop, first: Product | None, several: bool) -> list[tuple[int, int]]:
    products = [first] if first is not None else []
    products += rng.sample(shop.products, k=rng.choice([1, 1, 1, 2]))
    if several:  # at least two units of one merchant, so part of the order can be refunded
        products = products[:1]
    items: dict[int, int] = {}
    for product in products:
        sku = rng.choice(shop.skus[product.pk])
        items[sku.pk] = min(3, items.get(sku.pk, 0) + (2 if several else rng.choice([1, 1, 1, 2])))
    return list(items.items())


def _place(world: DemoWorld, rng: random.Random, shop: Shop, buyer: User, when: dt.datetime,
           several: bool = False) -> list[Order]:
    first = _touch(world, rng, shop, buyer, when)
    items = _pick_items(rng, shop, first, several)
    with clock_at(when):
        address_id = _address(shop, rng, buyer)
        via_cart = rng.random() < 0.15
        if via_cart:
            for sku_id, quantity in items:
                _try(world, "cart_add", orders.cart_add, user=buyer, sku_id=sku_id, quantity=quantity)
        checkout = _try(world, "checkout", orders.order_place, user=buyer, address_id=address_id,
                        idempotency_key=uuid.uuid4().hex, items=None if via_cart else items,
                        note=rng.choice(["", "", "", "请尽快发货", "送人的，不要放价格单"]))
    if checkout is None:
        return []
    # buyer, merchant and lines are read at every later step of the order's life: fetched once here
    placed = list(checkout.orders.select_related("buyer", "merchant__user").prefetch_related("lines"))
    if any(ln.share_token or ln.post_id for o in placed for ln in o.lines.all()):
        world.counts["credited"] = world.counts.get("credited", 0) + 1
    return placed


def _pay(world: DemoWorld, order: Order, when: dt.datetime) -> bool:
    with clock_at(when):
        return _try(world, "pay", payments.sandbox_pay_now, user=order.buyer, order_id=order.pk) is not None


def _ship(world: DemoWorld, rng: random.Random, order: Order, when: dt.datetime, now: dt.datetime) -> bool:
    merchant_user = order.merchant.user
    with clock_at(when):
        shipped = _try(world, "ship", orders.order_ship, user=merchant_user, order_id=order.pk,
                       carrier=rng.choice(CARRIERS), tracking_no=f"SF{rng.randrange(10**12):012d}")
        if shipped is None:
            return False
        steps = [("快件已揽收", ""), (rng.choice(["运输中", "派送中，快递员正在为您派件"]), rng.choice(HUBS))]
        for k, (text, place) in enumerate(steps):
            moment = when + dt.timedelta(hours=6 + 14 * k)
            if moment >= now:
                break
            _try(world, "tracking", orders.tracking_event_add, user=merchant_user, order_id=order.pk,
                 description=text, location=place, happened_at=moment)
    return True


def _settle(order: Order, when: dt.datetime) -> Order:
    with clock_at(when):
        return orders.order_settle(order_id=order.pk)


def _finish_refund(world: DemoWorld, req: Any, when: dt.datetime) -> None:
    """The refund job and the sync job, run at `when` (in the demo nothing else runs them in time)."""
    with clock_at(when):
        refund = payment_selectors.refund_get(refund_no=req.refund_no)
        payments.refund_submit(refund_id=refund.pk)
        _try(world, "aftersale_refunded", aftersales.aftersale_refund_sync, request_id=req.pk)


def _aftersale(world: DemoWorld, rng: random.Random, order: Order, when: dt.datetime, *, kind: str, reason: str,
               finish: str, whole: bool) -> None:
    """An after-sales request on all of the order or one unit of it; `finish`: refund | reject | open."""
    lines = list(order.lines.all())
    line = rng.choice(lines)
    chosen = [(ln, ln.quantity) for ln in lines] if whole else [(line, 1)]
    with clock_at(when):
        order.refresh_from_db()
        caps = {lr.line.pk: lr for lr in aftersale_selectors.order_refundable(order=order)}
        amount = sum(caps[ln.pk].cap_for(q) for ln, q in chosen if ln.pk in caps)
        if amount <= 0:
            return
        req = _try(world, "aftersale", aftersales.aftersale_request_create, user=order.buyer, order_id=order.pk,
                   kind=kind, reason=reason, lines=[(ln.pk, q) for ln, q in chosen], amount_fen=amount,
                   reason_text=rng.choice(["", "收到时包装破损", "尺码不合适", "和描述不太一样"]))
    if req is None or finish == "open":
        return
    merchant_user = order.merchant.user
    later = when + dt.timedelta(hours=rng.randint(2, 20))
    with clock_at(later):
        if finish == "reject":
            _try(world, "aftersale_reject", aftersales.aftersale_reject, user=merchant_user, request_id=req.pk,
                 reason="商品已拆封使用，不符合退货条件")
            return
        req = _try(world, "aftersale_approve", aftersales.aftersale_approve, user=merchant_user, request_id=req.pk)
    if req is None:
        return
    if req.status == "awaiting_return_shipment":
        back = later + dt.timedelta(hours=rng.randint(6, 30))
        with clock_at(back):
            _try(world, "return_ship", aftersales.aftersale_return_ship, user=order.buyer, request_id=req.pk,
                 carrier=rng.choice(CARRIERS), tracking_no=f"YT{rng.randrange(10**12):012d}")
        later = back + dt.timedelta(days=2)
        with clock_at(later):
            req = _try(world, "return_receive", aftersales.aftersale_return_receive, user=merchant_user,
                       request_id=req.pk)
        if req is None:
            return
    _finish_refund(world, req, later + dt.timedelta(minutes=5))


def _review(world: DemoWorld, rng: random.Random, order: Order, when: dt.datetime) -> None:
    for line in order.lines.all():
        if rng.random() < 0.6:
            with clock_at(when):
                _try(world, "review", aftersales.review_create, user=order.buyer, order_line_id=line.pk,
                     rating=rng.choice([5, 5, 5, 4, 4, 3, 2, 1]), text=rng.choice(REVIEWS))


def _lifecycle(world: DemoWorld, rng: random.Random, order: Order, t: dt.datetime, now: dt.datetime,
               fate: str, whole: bool, sure: bool = False) -> None:
    """Move one placed order along its pipeline; every step at its own moment, never later than `now`."""
    if fate == "pending":
        return
    if fate == "expired":
        _settle(order, t + dt.timedelta(minutes=16))
        return
    if fate == "cancelled":
        with clock_at(t + dt.timedelta(minutes=rng.randint(1, 10))):
            _try(world, "cancel", orders.order_cancel, user=order.buyer, order_id=order.pk,
                 reason=rng.choice(["不想要了", "地址填错了", "重新下单"]))
        return
    paid_at = t + dt.timedelta(minutes=rng.randint(1, 10))
    if not _pay(world, order, paid_at):
        return
    if fate == "refund_before_ship":
        _aftersale(world, rng, order, paid_at + dt.timedelta(hours=rng.randint(1, 10)), kind="refund_only",
                   reason="no_reason", finish="refund", whole=whole)
        return
    ship_at = paid_at + dt.timedelta(hours=rng.randint(3, 36))
    if fate == "paid" or ship_at >= now - dt.timedelta(minutes=30):
        return
    if not _ship(world, rng, order, ship_at, now):
        return
    confirm_at = ship_at + dt.timedelta(days=rng.randint(2, 4), hours=rng.randint(0, 12))
    if fate == "shipped" or confirm_at >= now:
        return
    confirms = sure or rng.random() < 0.85  # the rest are confirmed automatically 10 days after shipment
    if confirms:
        with clock_at(confirm_at):
            _try(world, "confirm", orders.order_confirm_receipt, user=order.buyer, order_id=order.pk)
    delivered = _settle(order, min(now, confirm_at if confirms else ship_at + dt.timedelta(days=10)))
    if delivered.status not in (OrderStatus.DELIVERED, OrderStatus.COMPLETED):
        return
    after = (delivered.delivered_at or confirm_at) + dt.timedelta(hours=rng.randint(2, 48))
    if fate in ("return", "return_rejected", "return_open") and after < now:
        _aftersale(world, rng, order, after, kind="return_and_refund",
                   reason="quality" if sure else rng.choice(["no_reason", "quality", "damaged"]),
                   finish={"return": "refund", "return_rejected": "reject", "return_open": "open"}[fate],
                   whole=whole)
    elif rng.random() < 0.45 and after < now:
        _review(world, rng, order, after)
    _settle(order, now)


FATES = [("expired", 6), ("cancelled", 6), ("paid", 6), ("shipped", 8), ("delivered", 44), ("refund_before_ship", 4),
         ("return", 6), ("return_rejected", 2), ("return_open", 3)]
# every order state at least once, whatever the draw: (fate, days ago, whole order refunded)
FORCED = [("expired", 20.0, True), ("cancelled", 15.0, True), ("paid", 0.5, True), ("shipped", 3.0, True),
          ("delivered", 5.0, True), ("delivered", 24.0, True), ("refund_before_ship", 10.0, True),
          ("refund_before_ship", 12.0, False), ("return", 18.0, True), ("return_open", 9.0, True),
          ("return_rejected", 16.0, False)]


def _orders(world: DemoWorld, rng: random.Random, named: dict[str, User], shop: Shop, now: dt.datetime,
            total: int) -> None:
    merchant_users = {m.user_id for m in shop.merchants.values()}
    buyers = [u for u in world.users if u.pk not in merchant_users and not u.is_staff]
    regulars = [named["member"], *rng.sample(buyers, k=min(len(buyers), 60))]
    names, weights = zip(*FATES, strict=True)
    plan: list[tuple[dt.datetime, str, bool, bool]] = []
    for fate, days, whole in FORCED:
        plan.append((now - dt.timedelta(days=days, minutes=rng.randint(0, 120)), fate, whole, True))
    recent = max(3, total // 60)  # placed minutes ago: still waiting for payment
    for _ in range(recent):
        plan.append((now - dt.timedelta(minutes=rng.randint(1, 12)), "pending", True, True))
    for _ in range(max(0, total - len(plan))):
        t = now - dt.timedelta(minutes=rng.randint(20, 30 * 24 * 60))
        fate = rng.choices(names, weights=weights)[0]
        if fate == "paid" and now - t > dt.timedelta(days=3):
            fate = "delivered"
        plan.append((t, fate, rng.random() < 0.5, False))
    plan.sort(key=lambda x: x[0])
    for t, fate, whole, sure in plan:
        buyer = rng.choice(regulars) if rng.random() < 0.6 else rng.choice(buyers)
        for order in _place(world, rng, shop, buyer, t, several=not whole):
            _lifecycle(world, rng, order, t, now, fate, whole, sure)
