"""The member's privacy page (/me/privacy/): consents per purpose, data export, phone change, account deletion.
Thin: the services do the work."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quanzi.accounts.enums import PersonaField
from quanzi.core.errors import DomainError
from quanzi.privacy import selectors, services
from quanzi.privacy.enums import CodePurpose

if TYPE_CHECKING:
    from quanzi.accounts.models import User

PAGE = "/me/privacy/"


def _page(request: HttpRequest, errors: list[str], status: int = 200) -> HttpResponse:
    me: User = request.user  # type: ignore[assignment]
    return render(request, "privacy/privacy.html", {
        "consents": selectors.consent_states(user=me),
        "persona_fields": [str(PersonaField(f).label) for f in selectors.persona_fields_set(user=me)],
        "exports": selectors.export_list(user=me)[:5],
        "blockers": [str(b.message) for b in selectors.deletion_blockers(user=me)],
        "pending": selectors.deletion_pending_effective(user_id=me.pk),
        "grace_days": services.DELETION_GRACE.days,
        "policy_version": services.POLICY_VERSION,
        "errors": errors, "nav": "me",
    }, status=status)


def _run(request: HttpRequest, fn, ok: str, **kwargs: object) -> HttpResponse:  # type: ignore[no-untyped-def]
    try:
        fn(**kwargs)
    except DomainError as exc:
        response = _page(request, [str(exc.message)], status=exc.status)
        for header, value in exc.headers.items():
            response[header] = value
        return response
    if ok:
        messages.success(request, ok)
    return redirect(PAGE)


@login_required
def privacy_page(request: HttpRequest) -> HttpResponse:
    return _page(request, [])


@login_required
@require_POST
def consent(request: HttpRequest) -> HttpResponse:
    return _run(request, services.consent_set, _("已更新授权"), user=request.user,
                purpose=request.POST.get("purpose", ""), granted=request.POST.get("granted") == "1")


@login_required
@require_POST
def export(request: HttpRequest) -> HttpResponse:
    return _run(request, services.export_request, _("已开始导出，完成后可在下方下载"), user=request.user)


@login_required
def export_download(request: HttpRequest, export_id: int, fmt: str) -> HttpResponseBase:
    try:
        row = selectors.export_get(user=request.user, export_id=export_id)  # type: ignore[arg-type]
    except DomainError as exc:
        raise Http404 from exc
    path = row.json_path if fmt == "json" else row.xlsx_path
    if not path or not os.path.exists(path):
        raise Http404
    response = FileResponse(open(path, "rb"), as_attachment=True,  # noqa: SIM115 (FileResponse closes it)
                            filename=f"quanzi-my-data-{row.pk}.{fmt}")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def code_send(request: HttpRequest) -> HttpResponse:
    purpose = request.POST.get("purpose", "")
    phone = request.POST.get("phone", "").strip() if purpose == CodePurpose.CHANGE_PHONE else None
    return _run(request, services.code_send, _("验证码已发送"), user=request.user, purpose=purpose, phone=phone)


@login_required
@require_POST
def phone_change(request: HttpRequest) -> HttpResponse:
    return _run(request, services.phone_change, _("手机号已更换"), user=request.user,
                phone=request.POST.get("phone", ""), code=request.POST.get("code", ""))


@login_required
@require_POST
def delete_account(request: HttpRequest) -> HttpResponse:
    try:
        services.deletion_request(user=request.user, code=request.POST.get("code", ""),  # type: ignore[arg-type]
                                  password=request.POST.get("password", ""))
    except DomainError as exc:
        return _page(request, [str(exc.message)], status=exc.status)
    auth_logout(request)
    return redirect("/account-deleted/")


@login_required
@require_POST
def deletion_cancel(request: HttpRequest) -> HttpResponse:
    return _run(request, services.deletion_cancel, _("已撤销注销申请"), user=request.user)


def deleted(request: HttpRequest) -> HttpResponse:
    return render(request, "privacy/deleted.html", {"grace_days": services.DELETION_GRACE.days})
