"""The operators' coupon desk in the back office: create coupon campaigns (every rule of the service is checked
on the form), pause, resume and end them, grant a coupon to a list of members, watch claims and redemptions, and
export templates and redemptions to Excel. Counters are never written from a form: a change saves only the
fields an operator may change once coupons exist (name, quota, claim end, per-member limit)."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from quanzi.core.admin_base import (
    QuanziModelAdmin,
    QuanziTabularInline,
    ReadOnlyAdminMixin,
    report_done,
    run_for_each,
)
from quanzi.core.errors import DomainError
from quanzi.core.events import track
from quanzi.core.money import format_yuan
from quanzi.growth.coupons import excel, selectors, services
from quanzi.growth.coupons.enums import TemplateStatus
from quanzi.growth.coupons.models import (
    Coupon,
    CouponRedemption,
    CouponStatusChange,
    CouponTemplate,
    CouponTemplateStatusChange,
)

# what may change on a template once it exists (the value, scope and validity are promises made to holders)
EDITABLE_ON_CHANGE = ("name", "total_quota", "claim_ends_at", "per_member_limit")


class TemplateForm(forms.ModelForm):
    class Meta:
        model = CouponTemplate
        fields = ["name", "kind", "amount_fen", "discount_rate", "threshold_fen", "scope", "merchant", "community",
                  "category", "products", "claim_mode", "total_quota", "per_member_limit", "claim_starts_at",
                  "claim_ends_at", "valid_from", "valid_until", "valid_days", "refund_policy"]

    request: HttpRequest | None = None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        try:
            if self.instance.pk is None:
                services.template_check(
                    actor=getattr(self.request, "user", None), name=data.get("name", ""), kind=data.get("kind", ""),
                    amount_fen=data.get("amount_fen") or 0, discount_rate=data.get("discount_rate") or 0,
                    threshold_fen=data.get("threshold_fen") or 0, scope=data.get("scope", ""),
                    merchant_id=data["merchant"].pk if data.get("merchant") else None,
                    community_id=data["community"].pk if data.get("community") else None,
                    category_id=data["category"].pk if data.get("category") else None,
                    product_ids=[p.pk for p in data.get("products") or []], claim_mode=data.get("claim_mode", ""),
                    total_quota=data.get("total_quota"), per_member_limit=data.get("per_member_limit") or 1,
                    claim_starts_at=data.get("claim_starts_at"), claim_ends_at=data.get("claim_ends_at"),
                    valid_from=data.get("valid_from"), valid_until=data.get("valid_until"),
                    valid_days=data.get("valid_days"), refund_policy=data.get("refund_policy", ""))
            else:
                quota = data.get("total_quota")
                if quota is not None and quota < self.instance.claimed_count:
                    raise forms.ValidationError(_("发行总量不能少于已发放的 %(n)s 张") % {
                        "n": self.instance.claimed_count})
        except DomainError as exc:
            raise forms.ValidationError(str(exc.message)) from None
        return data


class TemplateStatusInline(QuanziTabularInline):
    model = CouponTemplateStatusChange
    extra = 0
    can_delete = False
    readonly_fields = ("from_status", "to_status", "reason", "actor", "created_at")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class GrantForm(forms.Form):
    members = forms.CharField(label=gettext_lazy("会员（手机号或用户 ID，每行一个，或用逗号分隔）"),
                              widget=forms.Textarea(attrs={"rows": 8}))
    batch_key = forms.CharField(widget=forms.HiddenInput)


@admin.register(CouponTemplate)
class CouponTemplateAdmin(QuanziModelAdmin):
    form = TemplateForm
    list_display = ("id", "name", "kind", "scope", "merchant", "claim_mode", "status", "claimed_count", "total_quota",
                    "used_count", "order_count", "discount_total", "claim_starts_at", "claim_ends_at")
    list_filter = ("status", "kind", "scope", "claim_mode")
    search_fields = ("name", "merchant__business_name")
    autocomplete_fields = ("merchant", "community", "category", "products")
    inlines = [TemplateStatusInline]
    actions = ["pause", "resume", "end", "grant", "export_templates", "export_redemptions"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[CouponTemplate]:
        return selectors.templates_for_operator()  # with the redemption numbers

    @admin.display(description=gettext_lazy("用券订单"))
    def order_count(self, obj: Any) -> int:
        return int(getattr(obj, "order_count", 0))

    @admin.display(description=gettext_lazy("优惠金额"))
    def discount_total(self, obj: Any) -> str:
        return format_yuan(int(getattr(obj, "discount_total_fen", 0)))

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        form.request = request  # type: ignore[attr-defined]
        return form

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        always = ("status", "claimed_count", "used_count", "created_by", "created_at")
        if obj is None:
            return always
        return always + tuple(f for f in TemplateForm.Meta.fields if f not in EDITABLE_ON_CHANGE)

    def save_model(self, request: HttpRequest, obj: CouponTemplate, form: Any, change: bool) -> None:
        if change:  # only the editable fields: never the counters read when the form was opened
            fields = [f for f in form.changed_data if f in EDITABLE_ON_CHANGE]
            if fields:
                obj.save(update_fields=[*fields, "updated_at"])
            return
        data = form.cleaned_data
        made = services.template_create(
            actor=request.user, name=data["name"], kind=data["kind"], amount_fen=data.get("amount_fen") or 0,
            discount_rate=data.get("discount_rate") or 0, threshold_fen=data.get("threshold_fen") or 0,
            scope=data["scope"], merchant_id=data["merchant"].pk if data.get("merchant") else None,
            community_id=data["community"].pk if data.get("community") else None,
            category_id=data["category"].pk if data.get("category") else None,
            product_ids=[p.pk for p in data.get("products") or []], claim_mode=data["claim_mode"],
            total_quota=data.get("total_quota"), per_member_limit=data.get("per_member_limit") or 1,
            claim_starts_at=data.get("claim_starts_at"), claim_ends_at=data.get("claim_ends_at"),
            valid_from=data.get("valid_from"), valid_until=data.get("valid_until"), valid_days=data.get("valid_days"),
            refund_policy=data["refund_policy"])
        obj.pk = made.pk
        obj.refresh_from_db()

    def get_inlines(self, request: HttpRequest, obj: Any) -> Any:
        return self.inlines if obj is not None else []  # a new template has no history yet

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        if change:  # on add the service already set the products; on change they are read-only
            for formset in formsets:
                self.save_formset(request, form, formset, change=change)

    def _move(self, request: HttpRequest, queryset: QuerySet[CouponTemplate], status: str) -> None:
        report_done(self, request, run_for_each(self, request, queryset, lambda template: services.template_set_status(
            actor=request.user, template_id=template.pk, status=status)))

    @admin.action(description=gettext_lazy("暂停领取"))
    def pause(self, request: HttpRequest, queryset: QuerySet[CouponTemplate]) -> None:
        self._move(request, queryset, TemplateStatus.PAUSED)

    @admin.action(description=gettext_lazy("恢复领取"))
    def resume(self, request: HttpRequest, queryset: QuerySet[CouponTemplate]) -> None:
        self._move(request, queryset, TemplateStatus.ACTIVE)

    @admin.action(description=gettext_lazy("结束活动"))
    def end(self, request: HttpRequest, queryset: QuerySet[CouponTemplate]) -> None:
        self._move(request, queryset, TemplateStatus.ENDED)

    @admin.action(description=gettext_lazy("发放给指定会员"))
    def grant(self, request: HttpRequest, queryset: QuerySet[CouponTemplate]) -> HttpResponse | None:
        if queryset.count() != 1:
            self.message_user(request, _("请只选择一张优惠券发放"), messages.ERROR)
            return None
        template = queryset.get()
        if "apply" in request.POST:
            form = GrantForm(request.POST)
            if form.is_valid():
                members = form.cleaned_data["members"].replace(",", "\n").replace("，", "\n").split()
                try:
                    result = services.coupon_grant(operator=request.user, template_id=template.pk, members=members,
                                                   batch_key=form.cleaned_data["batch_key"])
                except DomainError as exc:
                    self.message_user(request, str(exc.message), messages.ERROR)
                    return None
                self.message_user(request, _("已发放 %(n)s 位会员") % {"n": len(result.granted)}, messages.SUCCESS)
                for who, why in result.skipped[:20]:
                    self.message_user(request, f"{who}: {why}", messages.WARNING)
                return None
        else:
            form = GrantForm(initial={"batch_key": uuid.uuid4().hex})
        return TemplateResponse(request, "admin/coupons/grant.html", {
            **self.admin_site.each_context(request), "title": _("发放优惠券"), "template": template, "form": form,
            "opts": self.model._meta, "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME})

    @admin.action(description=gettext_lazy("导出所选优惠券 Excel"))
    def export_templates(self, request: HttpRequest, queryset: QuerySet[CouponTemplate]) -> HttpResponse:
        rows = selectors.templates_for_operator().filter(pk__in=queryset.values("pk"))
        track("coupon.export", user=request.user, what="templates", rows=rows.count())
        return _xlsx(excel.templates_xlsx(rows), excel.filename("templates"))

    @admin.action(description=gettext_lazy("导出所选优惠券的核销明细 Excel"))
    def export_redemptions(self, request: HttpRequest, queryset: QuerySet[CouponTemplate]) -> HttpResponse:
        rows = selectors.redemption_list(template_ids=queryset.values_list("pk", flat=True))
        track("coupon.export", user=request.user, what="redemptions", rows=rows.count())
        return _xlsx(excel.redemptions_xlsx(rows), excel.filename("redemptions"))


def _xlsx(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=excel.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class CouponStatusInline(QuanziTabularInline):
    model = CouponStatusChange
    extra = 0
    can_delete = False
    readonly_fields = ("from_status", "to_status", "reason", "ref", "actor", "created_at")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyAdmin(ReadOnlyAdminMixin, QuanziModelAdmin):
    """Rows the services write; read here, never added, edited or deleted."""


@admin.register(Coupon)
class CouponAdmin(ReadOnlyAdmin):
    """Members' coupons: issued by the services only (claim, grant, rules), read here."""

    list_display = ("id", "template", "user", "status", "source", "valid_from", "valid_until", "claimed_at",
                    "used_at")
    list_filter = ("status", "source")
    search_fields = ("template__name", "user__phone", "user__nickname")
    inlines = [CouponStatusInline]


@admin.register(CouponRedemption)
class CouponRedemptionAdmin(ReadOnlyAdmin):
    list_display = ("id", "coupon", "order", "amount_fen", "status", "void_reason", "created_at", "voided_at")
    list_filter = ("status", "void_reason")
    search_fields = ("order__number", "coupon__template__name")
    actions = ["export"]

    @admin.action(description=gettext_lazy("导出所选核销明细 Excel"))
    def export(self, request: HttpRequest, queryset: QuerySet[CouponRedemption]) -> HttpResponse:
        rows = selectors.redemption_list().filter(pk__in=queryset.values("pk"))
        track("coupon.export", user=request.user, what="redemptions", rows=rows.count())
        return _xlsx(excel.redemptions_xlsx(rows), excel.filename("redemptions"))
