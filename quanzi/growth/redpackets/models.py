"""Red packets (拼手气红包) and the member balance.

The balance is a ledger: `BalanceEntry` rows, append-only, each with a unique `reference` so every movement (a
claim, a checkout's spend, a refund's return ...) happens once however often its cause is retried. A member's
balance is the sum of their entries (`selectors.balance_of`), never a stored number. `BalanceAccount` is one row
per member that holds no money: it is the row a spender locks, so two spends of one member are serialised and the
sum can never go below zero.

A packet is split when it is funded (`rules.split_double_mean`): one `RedPacketShare` row per share, in a shuffled
order; a claim takes the next unclaimed share. The packet's counters move by conditional updates."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from quanzi.core.messages import shown
from quanzi.core.money import format_yuan
from quanzi.growth.redpackets.enums import BalanceKind, PacketStatus


class BalanceAccount(models.Model):
    """The lock anchor of one member's balance (no amount here: the balance is the sum of the entries)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                                verbose_name=_("会员"))
    created_at = models.DateTimeField(_("开户时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("余额账户")
        verbose_name_plural = _("余额账户")

    def __str__(self) -> str:
        return str(self.user)


class BalanceEntry(models.Model):
    """One movement of a member's balance: + in, - out. Never updated nor deleted."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("会员"))
    amount_fen = models.IntegerField(_("金额（分）"))
    kind = models.CharField(_("类型"), max_length=20, choices=BalanceKind.choices)
    # what caused it, unique: "redpacket-share:12", "order-spend:34", "refund-return:56" ...
    reference = models.CharField(_("业务单号"), max_length=80, unique=True)
    packet = models.ForeignKey("RedPacket", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("红包"))
    order_id = models.BigIntegerField(_("订单"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True, default="")
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("余额明细")
        verbose_name_plural = _("余额明细")
        ordering = ["-id"]
        indexes = [models.Index(fields=["user", "-id"])]
        constraints = [models.CheckConstraint(condition=~Q(amount_fen=0), name="rp_entry_amount_nonzero")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_kind_display()} · {format_yuan(self.amount_fen)}"


class RedPacket(models.Model):
    """A packet funded from its funder's balance and posted into a community; its members claim the shares."""

    funder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("发红包的人"))
    community = models.ForeignKey("communities.Community", on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("社群"))
    amount_fen = models.PositiveIntegerField(_("总金额（分）"))
    shares = models.PositiveIntegerField(_("个数"))
    greeting = models.CharField(_("祝福语"), max_length=40, blank=True, default="")
    status = models.CharField(_("状态"), max_length=16, choices=PacketStatus.choices, default=PacketStatus.OPEN)
    expires_at = models.DateTimeField(_("过期时间"), db_index=True)
    claimed_count = models.PositiveIntegerField(_("已领个数"), default=0)
    claimed_fen = models.PositiveIntegerField(_("已领金额（分）"), default=0)
    returned_fen = models.PositiveIntegerField(_("退回金额（分）"), default=0)
    # funded through the cashier (a platform virtual good, `catalog.virtual_sku_ensure`) instead of the balance
    order = models.OneToOneField("orders.Order", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("支付订单"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("红包")
        verbose_name_plural = _("红包")
        ordering = ["-id"]
        indexes = [models.Index(fields=["community", "status", "-id"])]
        constraints = [
            models.CheckConstraint(condition=Q(shares__gte=1) & Q(amount_fen__gte=F("shares")),
                                   name="rp_packet_each_share_a_fen"),
            models.CheckConstraint(condition=Q(claimed_count__lte=F("shares")), name="rp_packet_claims_le_shares"),
            models.CheckConstraint(condition=Q(claimed_fen__lte=F("amount_fen")), name="rp_packet_claimed_le_amount"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.greeting or ''}".strip()


class RedPacketShare(models.Model):
    """One share of a packet, fixed at funding. `position` is the order claims take them in."""

    packet = models.ForeignKey(RedPacket, on_delete=models.CASCADE, related_name="share_rows", verbose_name=_("红包"))
    position = models.PositiveIntegerField(_("序号"))
    amount_fen = models.PositiveIntegerField(_("金额（分）"))
    claimer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+", verbose_name=_("领取人"))
    claimed_at = models.DateTimeField(_("领取时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("红包份额")
        verbose_name_plural = _("红包份额")
        ordering = ["packet", "position"]
        constraints = [
            models.UniqueConstraint(fields=["packet", "position"], name="rp_share_position_unique"),
            # one claim per member and packet (NULLs, the unclaimed shares, are distinct)
            models.UniqueConstraint(fields=["packet", "claimer"], name="rp_share_one_per_member"),
            models.CheckConstraint(condition=Q(amount_fen__gte=1), name="rp_share_at_least_a_fen"),
        ]

    def __str__(self) -> str:
        return f"{self.packet} · {self.position + 1} · {format_yuan(self.amount_fen)}"


class RedPacketStatusChange(models.Model):
    """The audit row of a packet's move (open → finished / expired)."""

    packet = models.ForeignKey(RedPacket, on_delete=models.CASCADE, related_name="status_changes",
                               verbose_name=_("红包"))
    from_status = models.CharField(_("原状态"), max_length=16, blank=True, default="")
    to_status = models.CharField(_("新状态"), max_length=16)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("操作人"))
    note = models.CharField(_("说明"), max_length=200, blank=True, default="")
    message_id = models.CharField(_("消息"), max_length=60, blank=True, default="")
    params = models.JSONField(_("消息参数"), default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("红包状态变更")
        verbose_name_plural = _("红包状态变更")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M}"

    @property
    def display_note(self) -> str:
        return shown(self.note, self.message_id, self.params)
