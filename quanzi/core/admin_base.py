"""Shared back-office pieces: audit rows and ledgers are shown, never added or edited by hand; actions that run a
service per selected row; how the back office shows money, specs and status codes; the operator's home page.

How values are shown (`install_display`, run once by `QuanziAdminConfig.ready`): every list column and every
read-only field the admin shows goes through Django's `display_for_field`; ours wraps it so that, on every admin
page at once (including apps whose admin.py does nothing special),
- an integer field named `*_fen` is money: ¥12.80, never 1280, and its label says 元, not 分;
- a JSON field named `spec` (a SKU's specs, copied onto order lines) reads 颜色：红 / 尺码：M, not JSON;
- a `from_status` / `to_status` of an audit row (a plain CharField) shows the label of the status it audits.
Fields the operator edits get the same treatment from `QuanziModelAdmin` / `QuanziTabularInline`: a `*_fen` field
is typed in yuan (`YuanField`), a `spec` field as 颜色：红 / 尺码：M (`SpecField`)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from quanzi.core.admin_otp import OtpAdminSiteMixin
from quanzi.core.errors import DomainError
from quanzi.core.money import format_yuan, parse_yuan


class ReadOnlyAdminMixin:
    """For append-only records (audit rows, ledgers, movements): the admin shows them and never adds, changes or
    deletes one; only the services write them. Put it first among the bases."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def run_for_each(modeladmin: admin.ModelAdmin, request: HttpRequest, rows: Iterable[Any],
                 call: Callable[[Any], object]) -> int:
    """An admin action that calls a service once per selected row, in primary-key order: a row the service
    refuses (DomainError) gets its message and the others go on. Returns how many went through."""
    done = 0
    for row in sorted(rows, key=lambda r: r.pk):
        try:
            call(row)
            done += 1
        except DomainError as exc:
            modeladmin.message_user(request, f"{row}: {exc.message}", messages.ERROR)
    return done


def report_done(modeladmin: Any, request: HttpRequest, done: int) -> None:
    """The success message after an action ran a service over the selected rows (failures have their own)."""
    if done:
        modeladmin.message_user(request, _("已处理 %(n)d 条") % {"n": done}, messages.SUCCESS)


# --- money, specs and status codes as the operator reads them -------------------------------------------------


def is_money_field(field: Any) -> bool:
    """Money is integer fen in a field named `*_fen` (core/money.py)."""
    return isinstance(field, models.IntegerField) and getattr(field, "name", "").endswith("_fen")


def yuan_label(label: Any) -> str:
    """'价格（分）' -> '价格（元）', 'Price (fen)' -> 'Price (yuan)': the label of a money field shown in yuan."""
    text = str(label)
    text = re.sub(r"（分(?=[）,，])", "（元", text)
    return re.sub(r"\(fen(?=[),])", "(yuan", text)


def spec_text(value: Any) -> str:
    """A SKU's specs {"颜色": "红", "尺码": "M"} as people write them: 颜色：红 / 尺码：M."""
    if isinstance(value, dict):
        return " / ".join(f"{k}：{v}" for k, v in value.items())
    if isinstance(value, list):
        return " / ".join(str(v) for v in value)
    return "" if value is None else str(value)


@cache
def _audited_status_choices(model: type[models.Model]) -> dict[str, str]:
    """The status labels an audit row's from/to codes name: those of the `status` field of the row it audits
    (its first foreign key to a model with a `status` field that has choices)."""
    for f in model._meta.fields:
        if isinstance(f, models.ForeignKey):
            try:
                status = f.related_model._meta.get_field("status")
            except Exception:  # noqa: BLE001, S112  (no status field: try the next foreign key)
                continue
            if isinstance(status, models.Field) and status.choices:
                return {str(k): str(v) for k, v in status.flatchoices}
    return {}


def display_value(value: Any, field: Any) -> str | None:
    """How the back office shows this field's value, or None for Django's own way."""
    if value is None or not isinstance(field, models.Field):
        return None
    if is_money_field(field) and isinstance(value, int):
        return format_yuan(value)
    if isinstance(field, models.JSONField) and field.name == "spec":
        return spec_text(value) or "-"
    if field.name in ("from_status", "to_status") and not field.choices and field.model is not None:
        return _audited_status_choices(field.model).get(str(value), str(value)) if value else "-"
    return None


_installed = {"done": False}


def install_display() -> None:
    """Wrap the admin's `display_for_field` and `label_for_field` where its change lists and read-only fields call
    them (see the module docstring). Idempotent."""
    if _installed["done"]:
        return
    from django.contrib.admin import helpers
    from django.contrib.admin.templatetags import admin_list

    for module in (helpers, admin_list):
        shown = module.display_for_field  # type: ignore[attr-defined]
        labelled = module.label_for_field  # type: ignore[attr-defined]

        def display_for_field(value: Any, field: Any, empty_value_display: Any, *args: Any,
                              _shown: Callable[..., Any] = shown, **kwargs: Any) -> Any:
            ours = display_value(value, field)
            return ours if ours is not None else _shown(value, field, empty_value_display, *args, **kwargs)

        def label_for_field(name: Any, model: Any, *args: Any, _labelled: Callable[..., Any] = labelled,
                            **kwargs: Any) -> Any:
            result = _labelled(name, model, *args, **kwargs)
            if isinstance(name, str) and name.endswith("_fen"):
                if isinstance(result, tuple):
                    return (yuan_label(result[0]), *result[1:])
                return yuan_label(result)
            return result

        module.display_for_field = display_for_field  # type: ignore[attr-defined]
        module.label_for_field = label_for_field  # type: ignore[attr-defined]
    _installed["done"] = True


class YuanField(forms.CharField):
    """A fen amount typed in yuan: shows 1280 as 12.80, cleans "12.8" / "¥12.80" to 1280 (exactly: parse_yuan)."""

    def __init__(self, *, min_value: Any = None, max_value: Any = None, **kwargs: Any) -> None:
        kwargs.pop("max_length", None)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")
        self.widget.attrs.setdefault("size", "10")

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, int):
            return format_yuan(value).replace("¥", "")
        return value

    def to_python(self, value: Any) -> int | None:  # type: ignore[override]
        text = super().to_python(value) or ""
        if text in self.empty_values:
            return None
        negative = text.startswith("-")
        try:
            fen = parse_yuan(text.removeprefix("-"), symbol=True)
        except ValueError as exc:
            raise ValidationError(_("请输入以元为单位的金额，最多两位小数，例如 12.80"), code="invalid") from exc
        return -fen if negative else fen

    def has_changed(self, initial: Any, data: Any) -> bool:
        try:
            return self.to_python(data) != initial
        except ValidationError:
            return True


class SpecField(forms.CharField):
    """A SKU's specs typed as 颜色：红 / 尺码：M (a full-width or plain colon, parts split by /), stored as a dict."""

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, dict | list):
            return spec_text(value)
        return value

    def to_python(self, value: Any) -> dict[str, str]:  # type: ignore[override]
        text = super().to_python(value)
        spec: dict[str, str] = {}
        for part in re.split(r"\s*/\s*", text or ""):
            if not part.strip():
                continue
            pieces = [p.strip() for p in re.split(r"[:：]", part, maxsplit=1)]
            if len(pieces) != 2 or not all(pieces):
                raise ValidationError(_("规格请写成“名称：值”，多个用 / 分开，例如 颜色：红 / 尺码：M"), code="invalid")
            spec[pieces[0]] = pieces[1]
        return spec

    def has_changed(self, initial: Any, data: Any) -> bool:
        try:
            return self.to_python(data) != (initial or {})
        except ValidationError:
            return True


class OperatorFormFields:
    """What the operator types: money in yuan, specs as text (mixed into every ModelAdmin and inline)."""

    def formfield_for_dbfield(self, db_field: models.Field, request: HttpRequest, **kwargs: Any) -> Any:
        if is_money_field(db_field) and not db_field.choices:
            return YuanField(required=not db_field.blank, label=yuan_label(db_field.verbose_name),
                             help_text=db_field.help_text,
                             initial=db_field.get_default() if db_field.has_default() else None)
        if isinstance(db_field, models.JSONField) and db_field.name == "spec":
            return SpecField(required=not db_field.blank, label=db_field.verbose_name, help_text=db_field.help_text)
        return super().formfield_for_dbfield(db_field, request, **kwargs)  # type: ignore[misc]


class QuanziModelAdmin(OperatorFormFields, admin.ModelAdmin):
    """The ModelAdmin every quanzi back-office page uses."""


class QuanziTabularInline(OperatorFormFields, admin.TabularInline):
    """The inline every quanzi back-office page uses."""


class QuanziReadOnlyInline(OperatorFormFields, ReadOnlyInline):
    pass


# --- the operator's home page: today's figures and the queues waiting for them --------------------------------


@dataclass(frozen=True)
class Figure:
    """One figure on the admin home page. `queue` figures are work waiting for the operator (highlighted when not
    zero); the others are today's numbers."""

    label: Any
    value: str
    url: str
    queue: bool = False
    waiting: bool = False


# name -> fn(start_of_today) -> figures; each app's admin.py registers its own (core imports no app)
DASHBOARD: dict[str, Callable[[Any], list[Figure]]] = {}


def dashboard_figures(name: str, fn: Callable[[Any], list[Figure]]) -> None:
    """Register (or replace, by name) figures for the admin home page."""
    DASHBOARD[name] = fn


def queue_figure(label: Any, count: int, url: str) -> Figure:
    return Figure(label=label, value=str(count), url=url, queue=True, waiting=count > 0)


def start_of_today() -> Any:
    return timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)


# Two models may carry the same verbose name in different apps; the menu names them apart.
MENU_NAMES: dict[tuple[str, str], Any] = {
    ("orders", "CheckoutSession"): _("结算单（下单批次）"),
    ("settlements", "SettlementStatement"): _("商家结算单"),
    ("referrals_distribution", "RefundSeen"): _("分销退款记录"),
}


class QuanziAdminSite(OtpAdminSiteMixin, admin.AdminSite):  # two-factor login: core/admin_otp.py
    index_template = "admin/quanzi_index.html"

    def _build_app_dict(self, request: HttpRequest, label: Any = None) -> dict[str, Any]:
        app_dict = super()._build_app_dict(request, label)
        apps = app_dict.values() if label is None else [app_dict] if app_dict else []
        for app in apps:
            for model in app["models"]:
                name = MENU_NAMES.get((model["model"]._meta.app_label, model["object_name"]))
                if name is not None:
                    model["name"] = name
        return app_dict

    def index(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> TemplateResponse:
        today = start_of_today()
        figures: list[Figure] = []
        for _name, fn in sorted(DASHBOARD.items()):
            figures.extend(fn(today))
        extra = {"today_figures": [f for f in figures if not f.queue],
                 "queue_figures": [f for f in figures if f.queue], **(extra_context or {})}
        return super().index(request, extra)


class QuanziAdminConfig(AdminConfig):
    """`django.contrib.admin` with quanzi's site (INSTALLED_APPS names this instead of the plain admin)."""

    default_site = "quanzi.core.admin_base.QuanziAdminSite"

    def ready(self) -> None:
        super().ready()
        install_display()
