"""A mall and what it adds to its three communities (customers, tenants, partners): its operators, its tenant
merchants and registered partners, the shared calendar and tenants' sign-ups, joint campaigns with the tenants'
products and coupons, cross-promotion coupons, the operator's notices and the audit rows of every change.

The communities themselves are `communities.Community` rows made and joined through the communities services;
coupons are growth's templates, made and scoped through growth's services (this app only links them)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from quanzi.malls.enums import (
    ActionKind,
    CampaignStatus,
    ItemKind,
    ItemStatus,
    PartnerKind,
    PartnerStatus,
    PromoDirection,
    PromoStatus,
    TenantStatus,
)


class Mall(models.Model):
    name = models.CharField(_("名称"), max_length=30)
    slug = models.SlugField(_("短链接"), max_length=30, unique=True)
    address = models.CharField(_("地址"), max_length=120)
    logo = models.ImageField(_("标志"), upload_to="malls/%Y/%m/", blank=True)
    # the first operator: owner of the three communities (the other operators are their admins)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("主运营者"))
    customer_community = models.OneToOneField("communities.Community", on_delete=models.PROTECT, related_name="+",
                                              verbose_name=_("顾客社群"))
    tenant_community = models.OneToOneField("communities.Community", on_delete=models.PROTECT, related_name="+",
                                            verbose_name=_("商户社群"))
    partner_community = models.OneToOneField("communities.Community", on_delete=models.PROTECT, related_name="+",
                                             verbose_name=_("合作伙伴社群"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("商场")
        verbose_name_plural = _("商场")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class MallOperator(models.Model):
    mall = models.ForeignKey(Mall, on_delete=models.CASCADE, related_name="operators", verbose_name=_("商场"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("运营者"))
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name=_("添加人"))
    created_at = models.DateTimeField(_("添加时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("商场运营者")
        verbose_name_plural = _("商场运营者")
        constraints = [models.UniqueConstraint(fields=["mall", "user"], name="uniq_mall_operator")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.mall}"


class MallTenant(models.Model):
    """A merchant of the platform with a shop in the mall: invited by an operator, active once it accepts (its
    owner then joins the tenant community with the one-use invitation code made for it)."""

    mall = models.ForeignKey(Mall, on_delete=models.CASCADE, related_name="tenants", verbose_name=_("商场"))
    merchant = models.ForeignKey("catalog.Merchant", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("商户"))
    status = models.CharField(_("状态"), max_length=10, choices=TenantStatus.choices, default=TenantStatus.INVITED)
    unit = models.CharField(_("铺位"), max_length=20, blank=True, default="")
    invitation_code = models.CharField(_("入群邀请码"), max_length=16, blank=True, default="")
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("邀请人"))
    invited_at = models.DateTimeField(_("邀请时间"), auto_now_add=True)
    joined_at = models.DateTimeField(_("入驻时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("商场商户")
        verbose_name_plural = _("商场商户")
        constraints = [models.UniqueConstraint(fields=["mall", "merchant"], name="uniq_mall_tenant")]

    def __str__(self) -> str:
        return f"{self.merchant} @ {self.mall} · {self.get_status_display()}"


class MallPartner(models.Model):
    """A nearby hotel, restaurant or attraction (a merchant of the platform) registered with the mall: it applies,
    an operator approves, and its owner joins the partner community."""

    mall = models.ForeignKey(Mall, on_delete=models.CASCADE, related_name="partners", verbose_name=_("商场"))
    merchant = models.ForeignKey("catalog.Merchant", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("合作商家"))
    kind = models.CharField(_("类型"), max_length=12, choices=PartnerKind.choices)
    intro = models.CharField(_("简介"), max_length=200, blank=True, default="")
    status = models.CharField(_("状态"), max_length=10, choices=PartnerStatus.choices,
                              default=PartnerStatus.APPLIED)
    applied_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("申请人"))
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("审核人"))
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("合作伙伴")
        verbose_name_plural = _("合作伙伴")
        constraints = [models.UniqueConstraint(fields=["mall", "merchant"], name="uniq_mall_partner")]

    def __str__(self) -> str:
        return f"{self.merchant} @ {self.mall} · {self.get_status_display()}"


class CalendarItem(models.Model):
    """A festival, a campaign or an event of the mall's shared calendar. Tenants sign their shop up to a
    campaign whose sign-up is open."""

    mall = models.ForeignKey(Mall, on_delete=models.CASCADE, related_name="calendar_items", verbose_name=_("商场"))
    kind = models.CharField(_("类型"), max_length=10, choices=ItemKind.choices)
    title = models.CharField(_("标题"), max_length=40)
    description = models.CharField(_("说明"), max_length=500, blank=True, default="")
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    signup_open = models.BooleanField(_("开放商户报名"), default=False)
    signup_deadline = models.DateField(_("报名截止"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=ItemStatus.choices, default=ItemStatus.ACTIVE)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("创建人"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("日历项")
        verbose_name_plural = _("日历项")
        ordering = ["starts_on", "id"]
        indexes = [models.Index(fields=["mall", "status", "ends_on"])]
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")),
                                              name="mall_item_dates_in_order")]

    def __str__(self) -> str:
        return f"{self.starts_on:%Y-%m-%d} {self.title}"


class CalendarSignup(models.Model):
    item = models.ForeignKey(CalendarItem, on_delete=models.CASCADE, related_name="signups",
                             verbose_name=_("日历项"))
    merchant = models.ForeignKey("catalog.Merchant", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("商户"))
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("报名人"))
    note = models.CharField(_("备注"), max_length=200, blank=True, default="")
    created_at = models.DateTimeField(_("报名时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("活动报名")
        verbose_name_plural = _("活动报名")
        constraints = [models.UniqueConstraint(fields=["item", "merchant"], name="uniq_mall_signup")]

    def __str__(self) -> str:
        return f"{self.merchant} → {self.item}"


class JointCampaign(models.Model):
    """A campaign of the mall and several tenants: one page listing each participating tenant's products and
    coupons."""

    mall = models.ForeignKey(Mall, on_delete=models.CASCADE, related_name="campaigns", verbose_name=_("商场"))
    title = models.CharField(_("标题"), max_length=40)
    intro = models.CharField(_("介绍"), max_length=500, blank=True, default="")
    calendar_item = models.ForeignKey(CalendarItem, on_delete=models.SET_NULL, null=True, blank=True,
                                      related_name="campaigns", verbose_name=_("日历项"))
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    status = models.CharField(_("状态"), max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.LIVE)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("创建人"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("联合活动")
        verbose_name_plural = _("联合活动")
        ordering = ["-starts_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")),
                                              name="mall_campaign_times_in_order")]

    def __str__(self) -> str:
        return self.title


class CampaignEntry(models.Model):
    """One tenant in a joint campaign, with the products and (its own) coupons it brings."""

    campaign = models.ForeignKey(JointCampaign, on_delete=models.CASCADE, related_name="entries",
                                 verbose_name=_("联合活动"))
    merchant = models.ForeignKey("catalog.Merchant", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("商户"))
    products = models.ManyToManyField("catalog.Product", blank=True, related_name="+", verbose_name=_("活动商品"))
    coupons = models.ManyToManyField("growth_coupons.CouponTemplate", blank=True, related_name="+",
                                     verbose_name=_("活动优惠券"))
    joined_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("报名人"))
    created_at = models.DateTimeField(_("参加时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("联合活动商户")
        verbose_name_plural = _("联合活动商户")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "merchant"], name="uniq_mall_campaign_entry")]

    def __str__(self) -> str:
        return f"{self.merchant} @ {self.campaign}"


class CrossPromotion(models.Model):
    """A coupon (growth's template, issued by its merchant) handed across: a partner's coupon to the mall's
    customers, or a tenant's coupon to a partner's guests."""

    mall = models.ForeignKey(Mall, on_delete=models.CASCADE, related_name="promotions", verbose_name=_("商场"))
    template = models.ForeignKey("growth_coupons.CouponTemplate", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("优惠券"))
    direction = models.CharField(_("方向"), max_length=12, choices=PromoDirection.choices)
    partner = models.ForeignKey(MallPartner, on_delete=models.PROTECT, related_name="promotions",
                                verbose_name=_("合作伙伴"))
    offered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("提供人"))
    status = models.CharField(_("状态"), max_length=10, choices=PromoStatus.choices, default=PromoStatus.ACTIVE)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("互推优惠券")
        verbose_name_plural = _("互推优惠券")
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["mall", "template"], name="uniq_mall_promotion")]

    def __str__(self) -> str:
        return f"{self.template} · {self.get_direction_display()}"


class MallNotice(models.Model):
    """A notice of the mall operator to its tenants: a post in the tenant community (content's), linked here."""

    mall = models.ForeignKey(Mall, on_delete=models.CASCADE, related_name="notices", verbose_name=_("商场"))
    post = models.OneToOneField("content.Post", on_delete=models.CASCADE, related_name="+", verbose_name=_("帖子"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("发布人"))
    created_at = models.DateTimeField(_("发布时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("商场公告")
        verbose_name_plural = _("商场公告")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.mall} · #{self.post_id}"


class MallAction(models.Model):
    """Audit row: one for every change made through the mall's services, never edited or deleted."""

    mall = models.ForeignKey(Mall, on_delete=models.CASCADE, related_name="actions", verbose_name=_("商场"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("操作人"))
    kind = models.CharField(_("操作"), max_length=20, choices=ActionKind.choices)
    target_id = models.BigIntegerField(_("对象ID"), null=True, blank=True)
    detail = models.JSONField(_("详情"), default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("商场操作记录")
        verbose_name_plural = _("商场操作记录")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.mall} · {self.created_at:%Y-%m-%d %H:%M}"
