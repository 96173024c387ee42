from django.db import models
from django.utils.translation import gettext_lazy as _


class ItemKind(models.TextChoices):
    PRODUCT = "product", _("商品")
    POST = "post", _("帖子")


class ListKind(models.TextChoices):
    """What the API says each list is (E-Commerce Law art. 18: a member may ask for lists not based on them)."""

    PERSONALISED = "personalised", _("个性化推荐")
    POPULAR = "popular", _("热门（非个性化）")


class Reason(models.TextChoices):
    """Why an item is in a list: shown beside it on the page, and `reason` in the API."""

    SIMILAR = "similar", _("看过相似")
    COMMUNITY_HOT = "community_hot", _("同社群热卖")
    FRIENDS_BOUGHT = "friends_bought", _("好友买过")
    INTERESTS = "interests", _("符合你的兴趣")
    ALSO_BOUGHT = "also_bought", _("买了还买")
    ALSO_VIEWED = "also_viewed", _("看了还看")
    POPULAR = "popular", _("大家都在看")


class TrainingStatus(models.TextChoices):
    RUNNING = "running", _("训练中")
    READY = "ready", _("可用")
    FAILED = "failed", _("失败")
