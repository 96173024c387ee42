"""Catalog tables: merchants, categories, brands, products, SKUs, the stock ledger, community shelves and the
product cards carried by posts. Money is integer fen; commission rates are Decimal fractions."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from quanzi.catalog.enums import Fulfilment, MerchantStatus, ReturnExemption, StockReason
from quanzi.core.messages import shown


class Merchant(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="merchant",
                                verbose_name=_("申请人"))
    business_name = models.CharField(_("商户名称"), max_length=80)
    licence_no = models.CharField(_("营业执照号"), max_length=40)
    contact_name = models.CharField(_("联系人"), max_length=40)
    contact_phone = models.CharField(_("联系电话"), max_length=20)
    status = models.CharField(_("状态"), max_length=10, choices=MerchantStatus.choices,
                              default=MerchantStatus.APPLIED, db_index=True)
    status_reason = models.CharField(_("审核说明"), max_length=200, blank=True, default="")
    # ours (a suspension from the back office) as a message (core.messages); an operator's typed reason is text
    status_message_id = models.CharField(_("审核说明消息"), max_length=60, blank=True, default="")
    status_params = models.JSONField(_("审核说明参数"), default=dict, blank=True)
    commission_rate = models.DecimalField(_("平台佣金比例"), max_digits=5, decimal_places=4,
                                          default=Decimal("0.0500"))
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("审核人"))
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    # the platform itself as a seller (圈子自营) of its own virtual goods: memberships, red-packet funding
    is_platform = models.BooleanField(_("平台自营"), default=False)
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("商家")
        verbose_name_plural = _("商家")
        constraints = [
            models.UniqueConstraint(fields=["is_platform"], condition=Q(is_platform=True),
                                    name="uniq_platform_merchant"),
            models.CheckConstraint(condition=Q(commission_rate__gte=0) & Q(commission_rate__lte=1),
                                   name="merchant_commission_rate_range"),
        ]

    def __str__(self) -> str:
        return self.business_name

    @property
    def display_status_reason(self) -> str:
        return shown(self.status_reason, self.status_message_id, self.status_params)


class Category(models.Model):
    name = models.CharField(_("名称"), max_length=40)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children",
                               verbose_name=_("上级类目"))
    sort = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("类目")
        verbose_name_plural = _("类目")
        ordering = ["sort", "id"]

    def __str__(self) -> str:
        return self.name


class Brand(models.Model):
    name = models.CharField(_("名称"), max_length=60, unique=True)

    class Meta:
        verbose_name = _("品牌")
        verbose_name_plural = _("品牌")

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    merchant = models.ForeignKey(Merchant, on_delete=models.PROTECT, related_name="products",
                                 verbose_name=_("商家"))
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="products",
                                 verbose_name=_("类目"))
    brand = models.ForeignKey(Brand, on_delete=models.SET_NULL, null=True, blank=True, related_name="products",
                              verbose_name=_("品牌"))
    title = models.CharField(_("标题"), max_length=120)
    description = models.TextField(_("描述"), blank=True, default="")
    tags = models.JSONField(_("标签"), default=list, blank=True)
    on_shelf = models.BooleanField(_("已上架"), default=False, db_index=True)
    return_exemption = models.CharField(_("七天无理由例外"), max_length=20, choices=ReturnExemption.choices,
                                        default=ReturnExemption.NONE)
    fulfilment = models.CharField(_("交付方式"), max_length=10, choices=Fulfilment.choices, default=Fulfilment.SHIP)
    # set on the platform's own virtual products (`virtual_sku_ensure`): which app's thing this sells
    # ("membership:plan:3"); such products are sold from that app's pages and kept out of the shop's lists
    system_key = models.CharField(_("系统商品键"), max_length=64, blank=True, default="")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("商品")
        verbose_name_plural = _("商品")
        indexes = [models.Index(fields=["on_shelf", "category"])]
        constraints = [models.UniqueConstraint(fields=["system_key"], condition=~Q(system_key=""),
                                               name="uniq_product_system_key")]

    def __str__(self) -> str:
        return self.title


class ProductImage(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="images", verbose_name=_("商品"))
    image = models.ImageField(_("图片"), upload_to="products/%Y/%m/")
    sort = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("商品图片")
        verbose_name_plural = _("商品图片")
        ordering = ["sort", "id"]

    def __str__(self) -> str:
        return f"{self.product_id} · {self.sort}"


class Sku(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="skus", verbose_name=_("商品"))
    spec = models.JSONField(_("规格"), default=dict, blank=True)
    price_fen = models.PositiveIntegerField(_("价格（分）"))
    member_price_fen = models.PositiveIntegerField(_("会员价（分）"), null=True, blank=True)
    stock = models.IntegerField(_("库存"), default=0)
    weight_g = models.PositiveIntegerField(_("重量（克）"), default=0)
    is_active = models.BooleanField(_("可售"), default=True)
    # the product picture that shows this SKU (a colour's photo): its chip on the product page shows it and
    # choosing the chip turns the gallery to it; one of the same product's pictures (`sku_set_image`)
    image = models.ForeignKey(ProductImage, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                              verbose_name=_("规格图片"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("SKU")
        verbose_name_plural = _("SKU")
        constraints = [models.CheckConstraint(condition=Q(stock__gte=0), name="sku_stock_non_negative")]

    def __str__(self) -> str:
        return f"{self.product_id}:{self.spec_text}"

    @property
    def spec_text(self) -> str:
        return " ".join(f"{k}:{v}" for k, v in (self.spec or {}).items())

    @property
    def spec_label(self) -> str:
        """The spec's values only (红色 · M), short enough for a chip; the names are the chips' group label."""
        return " · ".join(str(v) for v in (self.spec or {}).values())


class StockMovement(models.Model):
    """Append-only stock ledger: every change of `Sku.stock` writes one row; a reversal is a new row."""

    sku = models.ForeignKey(Sku, on_delete=models.CASCADE, related_name="movements", verbose_name=_("SKU"))
    delta = models.IntegerField(_("变动"))
    reason = models.CharField(_("原因"), max_length=10, choices=StockReason.choices)
    order_id = models.BigIntegerField(_("订单ID"), null=True, blank=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("操作人"))
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("库存流水")
        verbose_name_plural = _("库存流水")

    def __str__(self) -> str:
        return f"{self.sku} {self.delta:+d} · {self.get_reason_display()}"


class ShelfItem(models.Model):
    """A product picked for a community's shelf by its owner, an admin or a KOL."""

    community = models.ForeignKey("communities.Community", on_delete=models.CASCADE, related_name="shelf_items",
                                  verbose_name=_("社群"))
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="shelf_items",
                                verbose_name=_("商品"))
    picked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                  related_name="+", verbose_name=_("选品人"))
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("社群货架")
        verbose_name_plural = _("社群货架")
        constraints = [models.UniqueConstraint(fields=["community", "product"], name="uniq_shelf_item")]

    def __str__(self) -> str:
        return f"{self.product} @ {self.community}"


class PostProduct(models.Model):
    """A product card carried by a post."""

    post = models.ForeignKey("content.Post", on_delete=models.CASCADE, related_name="product_cards",
                             verbose_name=_("帖子"))
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="post_cards",
                                verbose_name=_("商品"))
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                 related_name="+", verbose_name=_("添加人"))
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("帖子商品卡")
        verbose_name_plural = _("帖子商品卡")
        constraints = [models.UniqueConstraint(fields=["post", "product"], name="uniq_post_product")]

    def __str__(self) -> str:
        return f"{self.product} @ #{self.post_id}"
