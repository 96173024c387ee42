"""The back office for group-buys: operators create campaigns (checked by the same service as the merchant's
page), pause, resume and end them, and watch the groups, their members and every status move. Groups, members and
the audit rows are read-only here: they move only through the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from quanzi.core.admin_base import (
    QuanziModelAdmin,
    ReadOnlyAdminMixin,
    ReadOnlyInline,
    report_done,
    run_for_each,
)
from quanzi.core.errors import DomainError
from quanzi.core.events import track
from quanzi.growth.groupbuy import excel, services
from quanzi.growth.groupbuy.models import (
    CampaignStatusChange,
    GroupBuyCampaign,
    GroupBuyGroup,
    GroupBuyMember,
    GroupShare,
    GroupStatusChange,
)

CREATE_FIELDS = ("sku", "title", "group_price_fen", "leader_price_fen", "group_size", "fill_minutes",
                 "member_limit", "community", "starts_at", "ends_at", "succeed_at_expiry")


class CampaignCreateForm(forms.ModelForm):
    """Creating a campaign in the back office goes through `services.campaign_check` / `campaign_create`."""

    class Meta:
        model = GroupBuyCampaign
        fields = CREATE_FIELDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.request_user = kwargs.pop("request_user", None)
        super().__init__(*args, **kwargs)
        if "title" in self.fields:
            self.fields["title"].required = False  # empty: the product's title

    def service_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {"sku_id": d["sku"].pk if d.get("sku") else None, "title": d.get("title") or "",
                "group_price_fen": d.get("group_price_fen"), "leader_price_fen": d.get("leader_price_fen"),
                "group_size": d.get("group_size"), "fill_minutes": d.get("fill_minutes"),
                "member_limit": d.get("member_limit") or 0,
                "community_id": d["community"].pk if d.get("community") else None,
                "starts_at": d.get("starts_at"), "ends_at": d.get("ends_at")}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors:
            try:
                services.campaign_check(user=self.request_user, **self.service_kwargs())
            except DomainError as exc:
                raise forms.ValidationError(str(exc.message), code=exc.code) from exc
        return data


class CampaignStatusInline(ReadOnlyInline):
    model = CampaignStatusChange
    fields = ("from_status", "to_status", "actor", "shown_note", "created_at")
    readonly_fields = ("shown_note", "created_at")

    @admin.display(description=_("说明"))
    def shown_note(self, obj: CampaignStatusChange) -> str:
        return obj.display_note


@admin.register(GroupBuyCampaign)
class GroupBuyCampaignAdmin(QuanziModelAdmin):
    list_display = ("id", "title", "merchant", "sku", "group_price_fen", "leader_price_fen", "group_size",
                    "status", "starts_at", "ends_at", "succeed_at_expiry")
    list_filter = ("status", "succeed_at_expiry")
    search_fields = ("title", "product__title", "merchant__business_name")
    raw_id_fields = ("sku", "community")
    inlines = [CampaignStatusInline]
    actions = ["pause", "resume", "end", "export"]

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is None:
            form = CampaignCreateForm

            class BoundForm(form):  # type: ignore[misc, valid-type]
                def __init__(self, *args: Any, **kw: Any) -> None:
                    super().__init__(*args, request_user=request.user, **kw)

            kwargs["form"] = BoundForm
            kwargs["fields"] = CREATE_FIELDS
        return super().get_form(request, obj, change=change, **kwargs)

    def get_inlines(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.inlines if obj is not None else []  # a new campaign has no history yet

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ()
        return [f.name for f in GroupBuyCampaign._meta.fields]  # moves only through the actions below

    def save_model(self, request: HttpRequest, obj: GroupBuyCampaign, form: Any, change: bool) -> None:
        if change:
            return  # nothing is editable; status moves through the actions
        created = services.campaign_create(user=request.user, succeed_at_expiry=bool(
            form.cleaned_data.get("succeed_at_expiry")), **form.service_kwargs())
        obj.pk = created.pk
        obj.__dict__.update({k: v for k, v in created.__dict__.items() if not k.startswith("_")})

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def _run(self, request: HttpRequest, queryset: QuerySet[GroupBuyCampaign], fn: Any) -> None:
        report_done(self, request,
                    run_for_each(self, request, queryset, lambda campaign: fn(user=request.user, campaign_id=campaign.pk)))

    @admin.action(description=_("暂停活动"))
    def pause(self, request: HttpRequest, queryset: QuerySet[GroupBuyCampaign]) -> None:
        self._run(request, queryset, services.campaign_pause)

    @admin.action(description=_("恢复活动"))
    def resume(self, request: HttpRequest, queryset: QuerySet[GroupBuyCampaign]) -> None:
        self._run(request, queryset, services.campaign_resume)

    @admin.action(description=_("结束活动（进行中的团按到期处理）"))
    def end(self, request: HttpRequest, queryset: QuerySet[GroupBuyCampaign]) -> None:
        self._run(request, queryset, services.campaign_end)

    @admin.action(description=_("导出 Excel"))
    def export(self, request: HttpRequest, queryset: QuerySet[GroupBuyCampaign]) -> HttpResponse:
        rows = list(queryset.select_related("product", "sku", "merchant"))
        track("groupbuy.export", user=request.user, rows=len(rows))
        response = HttpResponse(excel.campaigns_xlsx(rows), content_type=excel.XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = 'attachment; filename="groupbuy-campaigns.xlsx"'
        return response


class MemberInline(ReadOnlyInline):
    model = GroupBuyMember
    fields = ("user", "role", "order", "quantity", "unit_price_fen", "status", "joined_at", "paid_at", "refund_no")
    readonly_fields = fields


class GroupStatusInline(ReadOnlyInline):
    model = GroupStatusChange
    fields = ("from_status", "to_status", "actor", "shown_note", "created_at")
    readonly_fields = ("shown_note", "created_at")

    @admin.display(description=_("说明"))
    def shown_note(self, obj: GroupStatusChange) -> str:
        return obj.display_note


@admin.register(GroupBuyGroup)
class GroupBuyGroupAdmin(ReadOnlyAdminMixin, QuanziModelAdmin):
    list_display = ("id", "campaign", "leader", "status", "paid_count", "taken_count", "size", "deadline",
                    "close_reason")
    list_filter = ("status", "close_reason")
    search_fields = ("campaign__title", "leader__nickname")
    inlines = [MemberInline, GroupStatusInline]


@admin.register(GroupBuyMember)
class GroupBuyMemberAdmin(ReadOnlyAdminMixin, QuanziModelAdmin):
    list_display = ("id", "group", "user", "role", "order", "quantity", "unit_price_fen", "status", "refund_no")
    list_filter = ("status", "role")


@admin.register(GroupShare)
class GroupShareAdmin(QuanziModelAdmin):
    list_display = ("id", "group", "sharer", "token", "view_count", "created_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
