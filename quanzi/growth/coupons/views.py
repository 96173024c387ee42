"""Coupon pages: the coupon centre (领券中心) and claiming, "my coupons", and the merchant's coupon desk (create,
pause, resume, end, redemptions with an Excel export). Operators work in the back office (admin.py). Thin: the
services and selectors do the work."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quanzi.catalog import selectors as catalog_selectors
from quanzi.catalog.services import merchant_of
from quanzi.communities.selectors import community_by_id
from quanzi.core.errors import DomainError
from quanzi.core.events import track
from quanzi.core.money import parse_yuan
from quanzi.core.pages import call_service, error_response, page_of
from quanzi.growth.coupons import errors, excel, selectors, services
from quanzi.growth.coupons.enums import CouponKind, CouponScope, CouponState, RefundPolicy, TemplateStatus
from quanzi.growth.coupons.errors import ErrorCode


def _int(value: Any) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() and len(text) <= 12 else None


def coupon_center(request: HttpRequest) -> HttpResponse:
    """领券中心: every coupon members can claim now; `?community=<id>` narrows to one community's."""
    community_id = _int(request.GET.get("community"))
    community = community_by_id(community_id=community_id) if community_id else None
    page = page_of(request, selectors.claimable_list(user=request.user,
                                                     community_id=community.pk if community else None))
    track("page.coupon_center", user=request.user, community_id=community.pk if community else None)
    return render(request, "coupons/center.html", {
        "page": page, "community": community, "next": request.get_full_path(), "nav": "me",
        "keep": f"community={community.pk}&" if community else ""})


@require_POST
def coupon_claim(request: HttpRequest, template_id: int) -> HttpResponse:
    target = request.POST.get("next") or "/coupons/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/coupons/"
    if not request.user.is_authenticated:
        return redirect(f"/login/?next={target}")
    errors: list[str] = []
    coupon = call_service(errors, services.coupon_claim, user=request.user, template_id=template_id)
    if coupon is not None:
        messages.success(request, _("领取成功：%(name)s") % {"name": coupon.template.name})
    for e in errors:
        messages.error(request, e)
    return redirect(target)


@login_required
def my_coupons(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state") or CouponState.USABLE
    if state not in CouponState.values:
        state = CouponState.USABLE
    page = page_of(request, selectors.my_coupons(user=request.user, state=state))
    return render(request, "coupons/mine.html", {
        "page": page, "state": state, "states": CouponState.choices,
        "counts": selectors.my_coupon_counts(user=request.user), "nav": "me", "keep": f"state={state}&"})


# --- the merchant's coupon desk ----------------------------------------------------------------------------------


def _merchant(request: HttpRequest) -> Any:
    return merchant_of(request.user)


@login_required
def merchant_desk(request: HttpRequest) -> HttpResponse:
    try:
        merchant = _merchant(request)
    except DomainError as exc:
        return error_response(request, exc)
    status = request.GET.get("status") or ""
    status = status if status in TemplateStatus.values else ""
    page = page_of(request, selectors.templates_for_merchant(merchant=merchant, status=status or None))
    return render(request, "coupons/merchant.html", {
        "merchant": merchant, "page": page, "status": status, "statuses": TemplateStatus.choices, "nav": "me",
        "now": timezone.now()})


def _when(value: str) -> dt.datetime | None:
    """A datetime-local field (Shanghai time) or None."""
    value = (value or "").strip()
    if not value:
        return None
    parsed = parse_datetime(value)
    if parsed is None:
        return None
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


def _yuan(value: str, code: ErrorCode) -> int:
    value = (value or "").strip()
    try:
        return parse_yuan(value, symbol=True) if value else 0
    except ValueError:
        raise errors.invalid(code, _("金额格式不正确：%(v)s") % {"v": value[:20]}) from None


@login_required
def merchant_new(request: HttpRequest) -> HttpResponse:
    try:
        merchant = _merchant(request)
    except DomainError as exc:
        return error_response(request, exc)
    errors: list[str] = []
    form = request.POST if request.method == "POST" else {}
    if request.method == "POST":
        try:
            values = _form_values(request.POST)
        except DomainError as exc:
            errors.append(str(exc.message))
            values = None
        if values is not None:
            made = call_service(errors, services.template_create, actor=request.user, merchant_id=merchant.pk,
                                **values)
            if made is not None:
                messages.success(request, _("优惠券已创建：%(name)s") % {"name": made.name})
                return redirect("coupon-merchant")
    return render(request, "coupons/merchant_form.html", {
        "merchant": merchant, "errors": errors, "form": form, "kinds": CouponKind.choices,
        "scopes": [(v, label) for v, label in CouponScope.choices if v != CouponScope.PLATFORM],
        "policies": RefundPolicy.choices,
        "categories": catalog_selectors.category_list(),
        "products": catalog_selectors.merchant_products(merchant=merchant)[:200], "nav": "me"},
        status=400 if errors else 200)


def _form_values(data: Any) -> dict[str, Any]:
    kind = data.get("kind", "")
    scope = data.get("scope", CouponScope.MERCHANT)
    validity = data.get("validity", "days")
    percent = (data.get("percent_off") or "").strip()
    return {
        "name": data.get("name", ""), "kind": kind,
        "amount_fen": _yuan(data.get("amount", ""), ErrorCode.INVALID_AMOUNT),
        "threshold_fen": _yuan(data.get("threshold", ""), ErrorCode.INVALID_THRESHOLD),
        "discount_rate": (f"0.{int(percent):02d}" if percent.isdigit() and 1 <= int(percent) <= 99 else percent)
        if kind == CouponKind.PERCENT_OFF else 0,
        "scope": scope, "category_id": _int(data.get("category_id")),
        "product_ids": [i for i in (_int(v) for v in data.getlist("product_ids")) if i],
        "total_quota": _int(data.get("total_quota")), "per_member_limit": _int(data.get("per_member_limit")) or 1,
        "claim_starts_at": _when(data.get("claim_starts_at", "")), "claim_ends_at": _when(data.get("claim_ends_at", "")),
        "valid_days": _int(data.get("valid_days")) if validity == "days" else None,
        "valid_from": _when(data.get("valid_from", "")) if validity == "fixed" else None,
        "valid_until": _when(data.get("valid_until", "")) if validity == "fixed" else None,
        "refund_policy": data.get("refund_policy", RefundPolicy.RETURN_ON_FULL_REFUND),
    }


_ACTIONS = {"pause": TemplateStatus.PAUSED, "resume": TemplateStatus.ACTIVE, "end": TemplateStatus.ENDED}


@login_required
@require_POST
def merchant_action(request: HttpRequest, template_id: int, action: str) -> HttpResponse:
    errors: list[str] = []
    if action not in _ACTIONS:
        errors.append(_("未知操作"))
    else:
        call_service(errors, services.template_set_status, actor=request.user, template_id=template_id,
                     status=_ACTIONS[action])
    for e in errors:
        messages.error(request, e)
    return redirect("coupon-merchant")


@login_required
def merchant_redemptions(request: HttpRequest) -> HttpResponse:
    try:
        merchant = _merchant(request)
    except DomainError as exc:
        return error_response(request, exc)
    page = page_of(request, selectors.redemption_list(merchant=merchant), per_page=50)
    return render(request, "coupons/redemptions.html", {"merchant": merchant, "page": page, "nav": "me"})


@login_required
def merchant_export(request: HttpRequest, what: str) -> HttpResponse:
    """The merchant's coupons (`templates`) or their redemptions (`redemptions`) as an Excel file."""
    try:
        merchant = _merchant(request)
    except DomainError as exc:
        return error_response(request, exc)
    if what == "templates":
        rows: Any = selectors.templates_for_merchant(merchant=merchant)
        content = excel.templates_xlsx(rows)
    else:
        rows = selectors.redemption_list(merchant=merchant)
        content = excel.redemptions_xlsx(rows)
    track("coupon.export", user=request.user, what=what, merchant_id=merchant.pk, rows=rows.count())
    response = HttpResponse(content, content_type=excel.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{excel.filename(what, merchant.pk)}"'
    return response
