"""/api/v1/settlements: merchants see their own statements, operators see and generate everyone's. Thin."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Router, Status
from ninja.pagination import paginate

from quanzi.api_auth import current_user, required
from quanzi.core.events import track
from quanzi.core.pagination import PageNumber
from quanzi.settlements import excel, selectors, services
from quanzi.settlements.models import SettlementStatement
from quanzi.settlements.periods import Period
from quanzi.settlements.schemas import GenerateIn, StatementLineOut, StatementOut

router = Router(tags=["settlements 结算"], auth=required)


@router.get("/statements", response=list[StatementOut])
@paginate(PageNumber)
def statement_list(request: HttpRequest, merchant_id: int | None = None,  # type: ignore[no-untyped-def]
                   status: str = ""):
    return selectors.statement_list(user=current_user(request), merchant_id=merchant_id, status=status)


@router.post("/statements", response={201: list[StatementOut]})
def statement_generate(request: HttpRequest, data: GenerateIn) -> Status:
    """Operators: build (or rebuild while a draft) the statements of a period, for one merchant or all."""
    period = Period.parse(month=data.month, start=data.start, end=data.end)
    user = current_user(request)
    if data.merchant_id is None:
        return Status(201, services.statements_generate(period=period, actor=user))
    return Status(201, [services.statement_generate(period=period, merchant_id=data.merchant_id, actor=user)])


@router.get("/statements/{statement_id}", response=StatementOut)
def statement_get(request: HttpRequest, statement_id: int) -> SettlementStatement:
    return selectors.statement_get(user=current_user(request), statement_id=statement_id)


@router.get("/statements/{statement_id}/lines", response=list[StatementLineOut])
@paginate(PageNumber)
def statement_lines(request: HttpRequest, statement_id: int, kind: str = ""):  # type: ignore[no-untyped-def]
    statement = selectors.statement_get(user=current_user(request), statement_id=statement_id)
    return selectors.statement_lines(statement=statement, kind=kind)


@router.post("/statements/{statement_id}/confirm", response=StatementOut)
def statement_confirm(request: HttpRequest, statement_id: int) -> SettlementStatement:
    return services.statement_confirm(operator=current_user(request), statement_id=statement_id)


@router.get("/statements/{statement_id}/export.xlsx", response={200: None})
def statement_export(request: HttpRequest, statement_id: int) -> HttpResponse:
    user = current_user(request)
    statement = selectors.statement_get(user=user, statement_id=statement_id)
    track("settlement.export", user=user, obj=statement)
    response = HttpResponse(excel.statement_xlsx(statement), content_type=excel.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{excel.filename(statement)}"'
    return response
