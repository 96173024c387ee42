from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CommunityKind(models.TextChoices):
    """The three communities of a mall."""

    CUSTOMER = "customer", _("顾客社群")
    TENANT = "tenant", _("商户社群")
    PARTNER = "partner", _("合作伙伴社群")


class TenantStatus(models.TextChoices):
    INVITED = "invited", _("已邀请")
    ACTIVE = "active", _("已入驻")
    REMOVED = "removed", _("已移出")


class PartnerKind(models.TextChoices):
    HOTEL = "hotel", _("酒店")
    RESTAURANT = "restaurant", _("餐厅")
    ATTRACTION = "attraction", _("景点")
    OTHER = "other", pgettext_lazy("partner kind", "其他")


class PartnerStatus(models.TextChoices):
    APPLIED = "applied", _("待审核")
    ACTIVE = "active", _("合作中")
    REJECTED = "rejected", _("未通过")


class ItemKind(models.TextChoices):
    FESTIVAL = "festival", _("节日")
    CAMPAIGN = "campaign", _("营销活动")
    EVENT = "event", _("商场活动")


class ItemStatus(models.TextChoices):
    ACTIVE = "active", _("进行中")
    CANCELLED = "cancelled", _("已取消")


class CampaignStatus(models.TextChoices):
    LIVE = "live", _("进行中")
    ENDED = "ended", _("已结束")


class PromoDirection(models.TextChoices):
    """Who receives a cross-promotion coupon: a partner's coupon goes to the mall's customers (its customer
    community), a tenant's coupon to a partner's guests (the partner's offer page)."""

    TO_MALL_CUSTOMERS = "to_mall", _("合作伙伴券 → 商场顾客")
    TO_PARTNER_GUESTS = "to_partner", _("商场商户券 → 合作伙伴的客人")


class PromoStatus(models.TextChoices):
    ACTIVE = "active", _("进行中")
    ENDED = "ended", _("已结束")


class ActionKind(models.TextChoices):
    """The audit rows of a mall (`MallAction`)."""

    CREATE = "create", _("创建商场")
    OPERATOR_ADD = "operator_add", _("添加运营者")
    TENANT_INVITE = "tenant_invite", _("邀请商户入驻")
    TENANT_JOIN = "tenant_join", _("商户接受邀请")
    PARTNER_APPLY = "partner_apply", _("申请成为合作伙伴")
    PARTNER_APPROVE = "partner_approve", _("通过合作伙伴")
    PARTNER_REJECT = "partner_reject", _("拒绝合作伙伴")
    NOTICE = "notice", _("发布商场公告")
    ITEM_CREATE = "item_create", _("添加日历项")
    ITEM_CANCEL = "item_cancel", _("取消日历项")
    SIGNUP = "signup", _("商户报名活动")
    CAMPAIGN_CREATE = "campaign_create", _("创建联合活动")
    CAMPAIGN_JOIN = "campaign_join", _("商户参加联合活动")
    CAMPAIGN_END = "campaign_end", _("结束联合活动")
    PROMO_OFFER = "promo_offer", _("提供互推券")
    PROMO_END = "promo_end", _("结束互推券")
