from django.db import models
from django.utils.translation import gettext_lazy as _


class MerchantStatus(models.TextChoices):
    APPLIED = "applied", _("待审核")
    APPROVED = "approved", _("已入驻")
    SUSPENDED = "suspended", _("已暂停")
    REJECTED = "rejected", _("已拒绝")


class Fulfilment(models.TextChoices):
    """How a product reaches the buyer: shipped by the merchant, or virtual (a membership, a red packet's funding):
    no address, no shipping fee, delivered the moment it is paid by the app that sells it (`orders.hooks.on_paid`)."""

    SHIP = "ship", _("快递发货")
    VIRTUAL = "virtual", _("虚拟商品（付款后自动发放）")


class ReturnExemption(models.TextChoices):
    """Why a product is excluded from the seven-day no-reason return (七天无理由退货)."""

    NONE = "none", _("支持七天无理由")
    PERISHABLE = "perishable", _("生鲜易腐")
    CUSTOM = "custom", _("定制商品")
    DIGITAL = "digital", _("数字化商品")
    HYGIENE_OPENED = "hygiene_opened", _("拆封后影响卫生的商品")


class StockReason(models.TextChoices):
    ADJUST = "adjust", _("商家调整")
    RESERVE = "reserve", _("下单占用")
    RELEASE = "release", _("取消释放")
    RETURN = "return", _("退货入库")
    ALLOT = "allot", _("活动锁定")  # moved into a campaign's allotment (a flash sale), apart from normal sales
    UNALLOT = "unallot", _("活动释放")  # back from an allotment: the campaign ended, or a campaign order takes it
