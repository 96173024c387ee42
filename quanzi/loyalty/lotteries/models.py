"""Lotteries (抽奖 / 卡池): a prize pool of a community (its event) or a platform campaign, entries from
eligibility, a verifiable commit–reveal draw (`verify.py`).

- `Lottery`: the pool, its window and eligibility, the committed seed (`seed_hex`, secret until `status=drawn`;
  its SHA-256 `seed_hash` public from creation), the counter of lucky numbers issued, the entry digest the draw
  used.
- `LotteryPrize`: a tier (1 = top): name, count, what one prize is (a loyalty reward or goods) and its value.
- `LotteryEntry`: one lucky number. One per member (partial unique on lottery × user for non-order entries) or
  one per paid order (unique lottery × order). Revoked, never deleted, when its order is refunded in full before
  the draw.
- `LotteryWinner`: one winning number with its prize and how the prize was delivered.
- `LotteryStatusChange`: the audit of the lottery's moves (open → drawn / cancelled)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from quanzi.core.messages import shown
from quanzi.loyalty.lotteries.enums import (
    Eligibility,
    EntrySource,
    EntryStatus,
    Fulfilment,
    LotteryStatus,
    PrizeKind,
)
from quanzi.loyalty.lotteries.rules import show_number


class Lottery(models.Model):
    community = models.ForeignKey("communities.Community", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("社群"))
    campaign = models.CharField(_("所属活动"), max_length=60, blank=True, default="")
    title = models.CharField(_("标题"), max_length=60)
    rules_text = models.TextField(_("规则说明"), blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("主办人"))
    eligibility = models.CharField(_("参与条件"), max_length=20, choices=Eligibility.choices)
    min_streak = models.PositiveIntegerField(_("连续打卡天数"), default=0)
    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+", verbose_name=_("指定商品"))
    opens_at = models.DateTimeField(_("开始报名"))
    closes_at = models.DateTimeField(_("截止报名"), db_index=True)
    draw_at = models.DateTimeField(_("开奖时间"), db_index=True)
    status = models.CharField(_("状态"), max_length=16, choices=LotteryStatus.choices, default=LotteryStatus.OPEN)
    # commit–reveal: the seed is secret until the draw; its hash is public from the start
    seed_hex = models.CharField(_("随机种子"), max_length=64)
    seed_hash = models.CharField(_("种子哈希（SHA-256）"), max_length=64)
    numbers_issued = models.PositiveIntegerField(_("已发号码数"), default=0)
    entries_digest = models.CharField(_("开奖时号码列表哈希"), max_length=64, blank=True, default="")
    entries_at_draw = models.PositiveIntegerField(_("开奖时有效号码数"), default=0)
    drawn_at = models.DateTimeField(_("开奖于"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("抽奖")
        verbose_name_plural = _("抽奖")
        ordering = ["-id"]
        indexes = [models.Index(fields=["community", "status", "-id"]),
                   models.Index(fields=["status", "draw_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=F("opens_at")), name="lot_window_order"),
            models.CheckConstraint(condition=Q(draw_at__gte=F("closes_at")), name="lot_draw_after_close"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def seed_public(self) -> str | None:
        """The seed, once it may be shown (after the draw); None before."""
        return self.seed_hex if self.status == LotteryStatus.DRAWN else None


class LotteryPrize(models.Model):
    lottery = models.ForeignKey(Lottery, on_delete=models.CASCADE, related_name="prizes", verbose_name=_("抽奖"))
    tier = models.PositiveSmallIntegerField(_("奖项等级"))  # 1 = the top prize
    name = models.CharField(_("奖品名称"), max_length=40)
    count = models.PositiveIntegerField(_("数量"))
    kind = models.CharField(_("奖品类型"), max_length=10, choices=PrizeKind.choices)
    amount = models.PositiveIntegerField(_("积分/成长值数量或券模板"), default=0)
    value_fen = models.PositiveIntegerField(_("单个奖品价值（分）"), default=0)

    class Meta:
        verbose_name = _("奖项")
        verbose_name_plural = _("奖项")
        ordering = ["lottery", "tier"]
        constraints = [
            models.UniqueConstraint(fields=["lottery", "tier"], name="lot_prize_tier_unique"),
            models.CheckConstraint(condition=Q(count__gte=1), name="lot_prize_count_positive"),
            models.CheckConstraint(condition=Q(value_fen__lte=5_000_000), name="lot_prize_value_capped"),
        ]

    def __str__(self) -> str:
        return f"{self.lottery_id}·{self.tier} {self.name}"


class LotteryEntry(models.Model):
    lottery = models.ForeignKey(Lottery, on_delete=models.PROTECT, related_name="entries", verbose_name=_("抽奖"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("会员"))
    number = models.PositiveIntegerField(_("幸运号码"))
    source = models.CharField(_("来源"), max_length=10, choices=EntrySource.choices)
    order_id = models.BigIntegerField(_("订单"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=EntryStatus.choices, default=EntryStatus.VALID)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("作废时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("抽奖号码")
        verbose_name_plural = _("抽奖号码")
        ordering = ["lottery", "number"]
        indexes = [models.Index(fields=["user", "lottery"]), models.Index(fields=["order_id"])]
        constraints = [
            models.UniqueConstraint(fields=["lottery", "number"], name="lot_entry_number_unique"),
            # one number per member, unless each of their paid orders gives one
            models.UniqueConstraint(fields=["lottery", "user"], condition=Q(order_id__isnull=True),
                                    name="lot_entry_one_per_member"),
            models.UniqueConstraint(fields=["lottery", "order_id"], condition=Q(order_id__isnull=False),
                                    name="lot_entry_one_per_order"),
        ]

    def __str__(self) -> str:
        return show_number(self.number)

    @property
    def shown_number(self) -> str:
        return show_number(self.number)


class LotteryWinner(models.Model):
    lottery = models.ForeignKey(Lottery, on_delete=models.PROTECT, related_name="winners", verbose_name=_("抽奖"))
    prize = models.ForeignKey(LotteryPrize, on_delete=models.PROTECT, related_name="winners", verbose_name=_("奖项"))
    entry = models.OneToOneField(LotteryEntry, on_delete=models.PROTECT, related_name="win", verbose_name=_("号码"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("中奖会员"))
    rank = models.PositiveIntegerField(_("抽出顺序"))
    fulfilment = models.CharField(_("发放"), max_length=10, choices=Fulfilment.choices, default=Fulfilment.PENDING)
    grant_key = models.CharField(_("发放单号"), max_length=80, unique=True)
    fulfilled_at = models.DateTimeField(_("发放时间"), null=True, blank=True)
    note = models.CharField(_("寄送说明"), max_length=200, blank=True, default="")

    class Meta:
        verbose_name = _("中奖记录")
        verbose_name_plural = _("中奖记录")
        ordering = ["lottery", "rank"]
        constraints = [models.UniqueConstraint(fields=["lottery", "rank"], name="lot_winner_rank_unique")]

    def __str__(self) -> str:
        return f"{self.lottery} · {self.prize} · {self.user}"


class LotteryStatusChange(models.Model):
    lottery = models.ForeignKey(Lottery, on_delete=models.CASCADE, related_name="status_changes",
                                verbose_name=_("抽奖"))
    from_status = models.CharField(_("原状态"), max_length=16, blank=True, default="")
    to_status = models.CharField(_("新状态"), max_length=16)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("操作人"))
    note = models.CharField(_("说明"), max_length=200, blank=True, default="")
    message_id = models.CharField(_("消息"), max_length=60, blank=True, default="")
    params = models.JSONField(_("消息参数"), default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("抽奖状态变更")
        verbose_name_plural = _("抽奖状态变更")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M}"

    @property
    def display_note(self) -> str:
        return shown(self.note, self.message_id, self.params)
