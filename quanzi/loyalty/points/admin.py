"""The operators' view of points in the back office: the ledger (read only; "add" grants points through
`services.points_grant_by_operator`, an entry and a lot, never an edited number), the lots with their draws, the
mall's items (listed by operators: a coupon template or goods, stock, per-member limit) and the redemptions, with
actions to ship redeemed goods or cancel them (the points go back)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from quanzi.core.admin_base import QuanziModelAdmin, ReadOnlyInline, run_for_each
from quanzi.core.errors import DomainError
from quanzi.loyalty.points import errors, services
from quanzi.loyalty.points.conf import conf
from quanzi.loyalty.points.enums import RedemptionStatus
from quanzi.loyalty.points.models import (
    MallItem,
    MallRedemption,
    MallRedemptionStatusChange,
    PointsDraw,
    PointsEntry,
    PointsLot,
)


class GrantForm(forms.ModelForm):
    """Granting points: the amount is checked here as the service checks it, so the form shows the error."""

    class Meta:
        model = PointsEntry
        fields = ["user", "points", "reason"]

    def clean_points(self) -> int:
        points = self.cleaned_data.get("points") or 0
        if not 1 <= points <= conf("GRANT_MAX"):
            raise forms.ValidationError(str(errors.invalid_grant(conf("GRANT_MAX")).message))
        return int(points)


class DrawInline(ReadOnlyInline):
    model = PointsDraw
    fields = readonly_fields = ("lot", "points")


@admin.register(PointsEntry)
class PointsEntryAdmin(QuanziModelAdmin):
    """The ledger is append-only: entries are read here; "add" grants points (kind `grant`)."""

    list_display = ("id", "user", "points", "kind", "reason", "order_id", "created_at")
    list_filter = ("kind",)
    search_fields = ("key", "user__nickname", "user__phone", "reason")
    form = GrantForm
    inlines = [DrawInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [f.name for f in PointsEntry._meta.fields] if obj is not None else []

    def get_inlines(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.inlines if obj is not None else []

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: PointsEntry, form: Any, change: bool) -> None:
        if change:
            return
        entry = services.points_grant_by_operator(operator=request.user, user_id=obj.user_id, amount=obj.points,
                                                  reason=obj.reason)  # as the operator typed it
        obj.pk = entry.pk


@admin.register(PointsLot)
class PointsLotAdmin(QuanziModelAdmin):
    list_display = ("id", "user", "amount", "remaining", "earned_at", "expires_at", "entry")
    search_fields = ("user__nickname", "user__phone")
    readonly_fields = [f.name for f in PointsLot._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class MallItemForm(forms.ModelForm):
    class Meta:
        model = MallItem
        fields = ["title", "description", "kind", "cost_points", "coupon_template", "stock", "per_member_limit",
                  "is_active", "sort_order"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            template = data.get("coupon_template")
            services.mall_item_check(kind=data.get("kind", ""), cost_points=data.get("cost_points") or 0,
                                     stock=data.get("stock") or 0, per_member_limit=data.get("per_member_limit") or 0,
                                     coupon_template_id=template.pk if template is not None else None)
        except DomainError as exc:
            raise forms.ValidationError(str(exc.message)) from exc
        stock, redeemed = data.get("stock") or 0, self.instance.redeemed_count if self.instance.pk else 0
        if stock < redeemed:
            raise forms.ValidationError(_("库存不能少于已兑换的 %(n)s 件") % {"n": redeemed})
        return data


@admin.register(MallItem)
class MallItemAdmin(QuanziModelAdmin):
    """Operators list the mall's items. `redeemed_count` moves only by redemptions (conditional updates)."""

    form = MallItemForm
    list_display = ("id", "title", "kind", "cost_points", "stock", "redeemed_count", "per_member_limit", "is_active",
                    "sort_order")
    list_filter = ("kind", "is_active")
    list_editable = ("is_active", "sort_order")
    search_fields = ("title",)
    readonly_fields = ("redeemed_count",)
    autocomplete_fields = ("coupon_template",)


class StatusChangeInline(ReadOnlyInline):
    model = MallRedemptionStatusChange
    fields = readonly_fields = ("from_status", "to_status", "actor", "display_note", "created_at")


@admin.register(MallRedemption)
class MallRedemptionAdmin(QuanziModelAdmin):
    """Redeemed goods wait here for shipping: open one, type the carrier and tracking number and save (it ships,
    through the service, and the member is told); or cancel selected ones (stock and points go back)."""

    list_display = ("id", "item", "user", "points", "status", "ship_name", "ship_phone", "ship_address",
                    "tracking_no", "created_at")
    list_filter = ("status", "item")
    search_fields = ("user__nickname", "user__phone", "ship_name", "tracking_no")
    readonly_fields = [f.name for f in MallRedemption._meta.fields]
    inlines = [StatusChangeInline]
    actions = ["cancel_selected"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # members redeem on the mall page

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # a pending parcel's carrier and tracking number are typed here; saving ships it (services)
        if obj is not None and obj.status == RedemptionStatus.PENDING:
            return [f for f in self.readonly_fields if f not in ("carrier", "tracking_no")]
        return self.readonly_fields

    def save_model(self, request: HttpRequest, obj: MallRedemption, form: Any, change: bool) -> None:
        if not change or not (obj.carrier and obj.tracking_no):
            return
        try:
            services.mall_redemption_ship(operator=request.user, redemption_id=obj.pk, carrier=obj.carrier,
                                          tracking_no=obj.tracking_no)
        except DomainError as exc:
            messages.error(request, str(exc.message))

    @admin.action(description=gettext_lazy("取消所选兑换（库存与积分退回）"))
    def cancel_selected(self, request: HttpRequest, queryset: QuerySet[MallRedemption]) -> None:
        done = run_for_each(self, request, queryset, lambda r: services.mall_redemption_cancel(
            operator=request.user, redemption_id=r.pk))
        messages.success(request, _("已取消 %(n)s 条兑换") % {"n": done})
