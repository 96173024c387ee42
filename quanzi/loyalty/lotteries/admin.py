"""The operators' view of lotteries: every lottery with its prizes, winners and status changes; draw one by hand
after its close, cancel one before its draw, mark goods prizes shipped — each through the services. The seed is
never shown here before the draw (only its hash): the back office cannot peek at the outcome."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from quanzi.core.admin_base import QuanziModelAdmin, ReadOnlyInline, run_for_each
from quanzi.loyalty.lotteries import services
from quanzi.loyalty.lotteries.models import (
    Lottery,
    LotteryEntry,
    LotteryPrize,
    LotteryStatusChange,
    LotteryWinner,
)


class PrizeInline(ReadOnlyInline):
    model = LotteryPrize
    readonly_fields = ("tier", "name", "count", "kind", "amount", "value_fen")


class WinnerInline(ReadOnlyInline):
    model = LotteryWinner
    fk_name = "lottery"
    readonly_fields = ("rank", "prize", "entry", "user", "fulfilment", "fulfilled_at", "note")


class StatusChangeInline(ReadOnlyInline):
    model = LotteryStatusChange
    readonly_fields = ("from_status", "to_status", "actor", "display_note", "created_at")
    fields = readonly_fields


@admin.register(Lottery)
class LotteryAdmin(QuanziModelAdmin):
    list_display = ("id", "title", "community", "eligibility", "status", "numbers_issued", "closes_at", "draw_at",
                    "drawn_at")
    list_filter = ("status", "eligibility")
    search_fields = ("title", "campaign", "community__name")
    inlines = [PrizeInline, WinnerInline, StatusChangeInline]
    actions = ["draw_now", "cancel"]
    exclude = ("seed_hex",)
    readonly_fields = [f.name for f in Lottery._meta.fields if f.name != "seed_hex"] + ["published_seed"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # organisers create lotteries on the site (/lotteries/new/), through the service

    @admin.display(description=gettext_lazy("随机种子（开奖后公布）"))
    def published_seed(self, obj: Lottery) -> str:
        return obj.seed_public or "—"

    @admin.action(description=gettext_lazy("立即开奖（报名已截止的）"))
    def draw_now(self, request: HttpRequest, queryset: QuerySet[Lottery]) -> None:
        n = run_for_each(self, request, queryset,
                         lambda lot: services.lottery_draw(lottery_id=lot.pk, actor=request.user))
        messages.success(request, _("已开奖 %(n)s 个") % {"n": n})

    @admin.action(description=gettext_lazy("取消所选抽奖（未开奖的）"))
    def cancel(self, request: HttpRequest, queryset: QuerySet[Lottery]) -> None:
        n = run_for_each(self, request, queryset,
                         lambda lot: services.lottery_cancel(actor=request.user, lottery_id=lot.pk))
        messages.success(request, _("已取消 %(n)s 个") % {"n": n})


@admin.register(LotteryEntry)
class LotteryEntryAdmin(QuanziModelAdmin):
    list_display = ("id", "lottery", "number", "user", "source", "order_id", "status", "created_at")
    list_filter = ("status", "source")
    search_fields = ("lottery__title", "user__nickname")
    readonly_fields = [f.name for f in LotteryEntry._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(LotteryWinner)
class LotteryWinnerAdmin(QuanziModelAdmin):
    list_display = ("id", "lottery", "rank", "prize", "entry", "user", "fulfilment", "fulfilled_at")
    list_filter = ("fulfilment",)
    readonly_fields = [f.name for f in LotteryWinner._meta.fields]
    actions = ["mark_shipped"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=gettext_lazy("标记实物奖品已寄出"))
    def mark_shipped(self, request: HttpRequest, queryset: QuerySet[LotteryWinner]) -> None:
        n = run_for_each(self, request, queryset,
                         lambda w: services.lottery_prize_ship(actor=request.user, winner_id=w.pk))
        messages.success(request, _("已标记 %(n)s 个") % {"n": n})
