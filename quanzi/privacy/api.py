"""/api/v1/privacy: a member's consents per purpose, their data export, the one-time codes and account deletion
(注销) — the same services as the page /me/privacy/. Thin: parse, call one service or selector, return a schema."""

from __future__ import annotations

import os
from typing import Literal

from django.http import FileResponse, HttpRequest
from ninja import Router, Status

from quanzi.api_auth import current_user, required
from quanzi.privacy import errors, selectors, services
from quanzi.privacy.enums import CodePurpose
from quanzi.privacy.models import DataExport, DeletionRequest
from quanzi.privacy.schemas import CodeIn, CodeOut, ConsentOut, DeletionIn, DeletionOut, ExportOut
from quanzi.privacy.selectors import ConsentState

router = Router(tags=["privacy 隐私与个人信息"], auth=required)


def _state(request: HttpRequest, purpose: str) -> ConsentState:
    return next(s for s in selectors.consent_states(user=current_user(request)) if s.purpose == purpose)


@router.get("/consents", response=list[ConsentOut])
def consent_list(request: HttpRequest) -> list[ConsentState]:
    """Every purpose with the member's current choice (the default when they never chose)."""
    return selectors.consent_states(user=current_user(request))


@router.post("/consents/{purpose}/grant", response=ConsentOut)
def consent_grant(request: HttpRequest, purpose: str) -> ConsentState:
    consent = services.consent_set(user=current_user(request), purpose=purpose, granted=True, via="api")
    return _state(request, consent.purpose)


@router.post("/consents/{purpose}/withdraw", response=ConsentOut)
def consent_withdraw(request: HttpRequest, purpose: str) -> ConsentState:
    """Withdraw: what only this consent allowed is erased at once, and the apps that read it stop using it."""
    consent = services.consent_set(user=current_user(request), purpose=purpose, granted=False, via="api")
    return _state(request, consent.purpose)


@router.get("/exports", response=list[ExportOut])
def export_list(request: HttpRequest) -> list[DataExport]:
    return list(selectors.export_list(user=current_user(request))[:20])


@router.post("/exports", response={202: ExportOut})
def export_create(request: HttpRequest) -> Status:
    """Ask for an export of all the member's data (JSON and Excel); a job builds it (a queued one is reused)."""
    export = services.export_request(user=current_user(request))
    export.refresh_from_db()  # the job may have built it already (immediate in tests, in-process with `serve`)
    return Status(202, export)


@router.get("/exports/{export_id}/download", response={200: None})
def export_download(request: HttpRequest, export_id: int, fmt: Literal["json", "xlsx"] = "json") -> FileResponse:
    """The export file (owner only, until it expires): `fmt=json` or `xlsx`."""
    row = selectors.export_get(user=current_user(request), export_id=export_id)
    path = row.json_path if fmt == "json" else row.xlsx_path
    if not path or not os.path.exists(path):
        raise errors.export_not_found()
    response = FileResponse(open(path, "rb"), as_attachment=True,  # noqa: SIM115 (FileResponse closes it)
                            filename=f"quanzi-my-data-{row.pk}.{fmt}")
    response["Cache-Control"] = "private, no-store"
    return response


@router.post("/codes", response={201: CodeOut})
def code_send(request: HttpRequest, data: CodeIn) -> Status:
    """Send a one-time code by SMS (to confirm a deletion, or to a new phone number)."""
    phone = data.phone if data.purpose == CodePurpose.CHANGE_PHONE else None
    return Status(201, services.code_send(user=current_user(request), purpose=data.purpose, phone=phone))


@router.get("/deletion", response={200: DeletionOut, 204: None})
def deletion_get(request: HttpRequest) -> DeletionRequest | Status:
    """The member's pending deletion request, or 204 when there is none."""
    pending = selectors.deletion_pending_effective(user_id=current_user(request).pk)
    return pending if pending is not None else Status(204, None)


@router.post("/deletion", response={201: DeletionOut})
def deletion_request(request: HttpRequest, data: DeletionIn) -> Status:
    """Ask to delete the account (注销): confirmed by the SMS code (or the password without a phone); the grace
    period starts and every login is ended (this token too). Logging in again cancels it."""
    return Status(201, services.deletion_request(user=current_user(request), code=data.code,
                                                 password=data.password))


@router.post("/deletion/cancel", response=DeletionOut)
def deletion_cancel(request: HttpRequest) -> DeletionRequest:
    return services.deletion_cancel(user=current_user(request))
