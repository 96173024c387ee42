"""Recommendation tables: what a member chose (personalisation switch, sharing purchases with followers, items
hidden with 不感兴趣) and what training stored for serving (one `TrainedModel` per run, with its precomputed
lists). Serving reads only the newest READY run; a new run becomes visible in one step (its status flips to
READY after all its rows are written), and older runs are deleted after that."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from quanzi.recommend.enums import ItemKind, TrainingStatus


class MemberPreference(models.Model):
    """A member's recommendation settings; no row = the defaults (personalised on, purchases not shared)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True,
                                related_name="+", verbose_name=_("用户"))
    # E-Commerce Law art. 18: the member may switch off lists based on their own traits and behaviour
    personalised = models.BooleanField(_("个性化推荐"), default=True)
    # opt-in (PIPL): only then do the member's purchases appear in their followers' "好友买过"
    share_purchases = models.BooleanField(_("向关注我的人展示我买过的商品"), default=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("推荐设置")
        verbose_name_plural = _("推荐设置")


class HiddenItem(models.Model):
    """An item the member marked 不感兴趣: never recommended to them again."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("用户"))
    item_kind = models.CharField(_("类型"), max_length=10, choices=ItemKind.choices)
    item_id = models.BigIntegerField(_("对象ID"))
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("不感兴趣")
        verbose_name_plural = _("不感兴趣")
        constraints = [models.UniqueConstraint(fields=["user", "item_kind", "item_id"], name="uniq_hidden_item")]


class TrainedModel(models.Model):
    """One training run and the lists it stored. `params` keeps the weights, half-life and algorithm parameters
    it used; `repurchasable` the products members buy again (recommended even after a recent purchase)."""

    algorithm = models.CharField(_("算法"), max_length=32)
    status = models.CharField(_("状态"), max_length=10, choices=TrainingStatus.choices,
                              default=TrainingStatus.RUNNING, db_index=True)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    users = models.PositiveIntegerField(_("用户数"), default=0)
    items = models.PositiveIntegerField(_("物品数"), default=0)
    interactions = models.PositiveIntegerField(_("交互数"), default=0)
    repurchasable = models.JSONField(_("可复购商品"), default=list, blank=True)
    seconds = models.FloatField(_("耗时（秒）"), default=0)
    error = models.TextField(_("错误"), blank=True, default="")
    started_at = models.DateTimeField(_("开始时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("推荐模型")
        verbose_name_plural = _("推荐模型")

    def __str__(self) -> str:
        return f"{self.algorithm} #{self.pk} {self.status}"


class UserRecommendation(models.Model):
    """A member's precomputed "for you" candidates: {"product": [[id, reason], ...], "post": [...]}, best first,
    more than a page so the serving filters still leave enough."""

    model = models.ForeignKey(TrainedModel, on_delete=models.CASCADE, related_name="+", verbose_name=_("模型"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("用户"))
    items = models.JSONField(_("推荐"), default=dict)

    class Meta:
        verbose_name = _("个性化推荐")
        verbose_name_plural = _("个性化推荐")
        constraints = [models.UniqueConstraint(fields=["model", "user"], name="uniq_user_recommendation")]


class ItemNeighbours(models.Model):
    """A product's "买了还买" (bought by the same members) or, when nobody bought it with others yet, "看了还看":
    {"product": [[id, reason], ...]}."""

    model = models.ForeignKey(TrainedModel, on_delete=models.CASCADE, related_name="+", verbose_name=_("模型"))
    product_id = models.BigIntegerField(_("商品ID"))
    items = models.JSONField(_("相关商品"), default=dict)

    class Meta:
        verbose_name = _("相关商品")
        verbose_name_plural = _("相关商品")
        constraints = [models.UniqueConstraint(fields=["model", "product_id"], name="uniq_item_neighbours")]


class PopularList(models.Model):
    """Popular items of the whole site (community_id NULL) or of one community (本社群热卖), decayed weights
    summed over everyone: {"product": [[id, reason], ...], "post": [...]}."""

    model = models.ForeignKey(TrainedModel, on_delete=models.CASCADE, related_name="+", verbose_name=_("模型"))
    community_id = models.BigIntegerField(_("社群ID"), null=True, blank=True)
    items = models.JSONField(_("热门"), default=dict)

    class Meta:
        verbose_name = _("热门榜")
        verbose_name_plural = _("热门榜")
        constraints = [
            models.UniqueConstraint(fields=["model", "community_id"], name="uniq_popular_list"),
            models.UniqueConstraint(fields=["model"], condition=models.Q(community_id__isnull=True),
                                    name="uniq_popular_list_site"),
        ]
