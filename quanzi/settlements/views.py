"""Settlement pages: the merchant's own statements (/merchant/settlements/) and the operator's view of all of them
(/ops/settlements/), each with an Excel download. Thin: the selectors and services decide who sees what."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quanzi.core.errors import DomainError
from quanzi.core.events import track
from quanzi.core.pages import page_of
from quanzi.core.timeutil import local_today
from quanzi.settlements import errors, excel, selectors, services
from quanzi.settlements.enums import LineKind, StatementStatus
from quanzi.settlements.periods import Period


def _staff(request: HttpRequest) -> None:
    if not request.user.is_staff:
        raise errors.not_operator()


@login_required
def merchant_list(request: HttpRequest) -> HttpResponse:
    page = page_of(request, selectors.statement_list(user=request.user, merchant_id=None))
    return render(request, "settlements/list.html", {"page": page, "ops": False, "nav": "me"})


@login_required
def ops_list(request: HttpRequest) -> HttpResponse:
    _staff(request)
    status = request.GET.get("status", "")
    status = status if status in StatementStatus.values else ""
    merchant = request.GET.get("merchant", "")
    merchant_id = int(merchant) if merchant.isdigit() else None
    page = page_of(request, selectors.statement_list(user=request.user, merchant_id=merchant_id, status=status))
    return render(request, "settlements/list.html", {
        "page": page, "ops": True, "status": status, "statuses": StatementStatus.choices, "nav": "me",
        "default_month": f"{Period.month_before(local_today()).start:%Y-%m}"})


def _detail(request: HttpRequest, statement_id: int, *, ops: bool) -> HttpResponse:
    statement = selectors.statement_get(user=request.user, statement_id=statement_id)
    kind = request.GET.get("kind", "")
    kind = kind if kind in LineKind.values else ""
    page = page_of(request, selectors.statement_lines(statement=statement, kind=kind), per_page=50)
    track("page.settlement", user=request.user, obj=statement)
    return render(request, "settlements/detail.html", {
        "statement": statement, "period": selectors.statement_period(statement), "page": page, "kind": kind,
        "kinds": LineKind.choices, "ops": ops, "nav": "me"})


@login_required
def merchant_detail(request: HttpRequest, statement_id: int) -> HttpResponse:
    return _detail(request, statement_id, ops=False)


@login_required
def ops_detail(request: HttpRequest, statement_id: int) -> HttpResponse:
    _staff(request)
    return _detail(request, statement_id, ops=True)


@login_required
def export(request: HttpRequest, statement_id: int) -> HttpResponse:
    statement = selectors.statement_get(user=request.user, statement_id=statement_id)
    track("settlement.export", user=request.user, obj=statement)
    response = HttpResponse(excel.statement_xlsx(statement), content_type=excel.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{excel.filename(statement)}"'
    return response


@login_required
@require_POST
def ops_generate(request: HttpRequest) -> HttpResponse:
    try:
        period = Period.parse(month=request.POST.get("month", ""), start=request.POST.get("start", ""),
                              end=request.POST.get("end", ""))
        made = services.statements_generate(period=period, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("已生成 %(n)s 份结算单（%(p)s）") % {"n": len(made), "p": period.label()})
    return redirect("ops-settlements")


@login_required
@require_POST
def ops_action(request: HttpRequest, statement_id: int, action: str) -> HttpResponse:
    try:
        if action == "confirm":
            services.statement_confirm(operator=request.user, statement_id=statement_id)
            messages.success(request, _("结算单已确认"))
        elif action == "regenerate":
            services.statement_regenerate(operator=request.user, statement_id=statement_id)
            messages.success(request, _("结算单已重新生成"))
        else:
            raise errors.statement_not_found()
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("ops-settlement", statement_id=statement_id)
