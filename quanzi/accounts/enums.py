from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Gender(models.TextChoices):
    FEMALE = "female", _("女")
    MALE = "male", _("男")
    OTHER = "other", _("其他")


class IncomeBand(models.TextChoices):
    LOW = "low", _("5千以下")
    MID = "mid", _("5千-1万5")
    HIGH = "high", _("1万5-3万")
    TOP = "top", _("3万以上")


class PersonaField(models.TextChoices):
    GENDER = "gender", _("性别")
    BIRTH_YEAR = "birth_year", _("出生年份")
    BIRTHDAY = "birthday", _("生日")
    REGION = "region", _("地区")
    INCOME_BAND = "income_band", _("收入区间")


class NotificationKind(models.TextChoices):
    REPLY = "reply", _("回复")
    COMMENT = "comment", pgettext_lazy("notification kind", "评论")
    LIKE = "like", _("点赞")
    FOLLOW = "follow", _("关注")
    APPROVAL = "approval", _("入群审核")
    MODERATION = "moderation", _("管理通知")
    ANSWER = "answer", _("回答被采纳")
    GROUPBUY = "groupbuy", _("拼团")
    COUPON = "coupon", _("优惠券")
    REDPACKET = "redpacket", _("红包")
    POINTS = "points", _("积分")
    MEMBERSHIP = "membership", _("会员")
    TASK = "task", _("任务奖励")
    LOTTERY = "lottery", _("抽奖")
    REFERRAL = "referral", _("邀请")
    COMMISSION = "commission", _("分销佣金")
    ORDER = "order", _("订单动态")
    AFTERSALE = "aftersale", _("售后")
    SHOP = "shop", _("店铺订单")
    MENTION = "mention", _("提到我")
    MERCHANT = "merchant", _("商家入驻")
    LIVE = "live", _("直播")
