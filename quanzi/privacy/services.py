"""Privacy writes: consents per purpose, data exports, account deletion (注销) with its grace period, one-time
phone codes, and the audit log. See docs/notes/privacy.md for the periods and the choices."""

from __future__ import annotations

import datetime as dt
import hmac
import json
import logging
import os
import re
import secrets
from hashlib import sha256
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quanzi.accounts import errors as account_errors
from quanzi.accounts import personal_data as account_data
from quanzi.accounts import selectors as account_selectors
from quanzi.accounts import services as account_services
from quanzi.accounts.enums import PersonaField
from quanzi.core import personal_data
from quanzi.core.events import track
from quanzi.core.exports import safe_row
from quanzi.privacy import errors, selectors, sms
from quanzi.privacy.enums import AuditKind, CodePurpose, DeletionStatus, ExportStatus, Purpose
from quanzi.privacy.models import AuditEntry, Consent, DataExport, DeletionRequest, PhoneCode

if TYPE_CHECKING:
    from quanzi.accounts.models import User

log = logging.getLogger(__name__)

POLICY_VERSION = "2026-11"  # the privacy policy text the member is shown; a new text gets a new version
DELETION_GRACE = dt.timedelta(days=15)  # 注销冷静期: a login during it cancels the deletion
EXPORT_KEEP = dt.timedelta(days=7)  # an export file can be downloaded for this long, then it is removed
CODE_TTL = dt.timedelta(minutes=10)
CODE_MAX_TRIES = 5
CODE_RESEND_SECONDS = 60  # one code per member and purpose a minute ...
CODE_PER_HOUR = 5  # ... at most five an hour per member, ...
CODE_PER_PHONE_DAY = 10  # ... and ten a day to one phone number, whoever asks
MINOR_AGE = 14  # PIPL art. 28: personal information of a minor under 14 is sensitive, with a guardian's consent


# --- consents --------------------------------------------------------------------------------------------------


def _purpose(value: str) -> Purpose:
    if value not in Purpose.values:
        raise errors.unknown_purpose()
    return Purpose(value)


@transaction.atomic
def consent_set(*, user: User, purpose: str, granted: bool, via: str = "page") -> Consent:
    """Record the member's choice for one purpose. Withdrawing erases at once what only that consent allowed:
    every persona field (persona), the income band (financial), a birth year under 14 (minor)."""
    chosen = _purpose(purpose)
    if not granted:
        fields = selectors.persona_fields_set(user=user)
        erase = {Purpose.PERSONA: fields,
                 Purpose.SENSITIVE_FINANCIAL: [f for f in fields if f == PersonaField.INCOME_BAND],
                 Purpose.SENSITIVE_MINOR: [f for f in fields if f == PersonaField.BIRTH_YEAR
                                           and _is_minor_birth_year(_persona_value(user, f))],
                 }.get(chosen, [])
        for field in erase:
            account_services.consent_withdraw(user=user, field=field)
    row = Consent.objects.create(user_id=user.pk, purpose=chosen, granted=granted, policy_version=POLICY_VERSION,
                                 via=via[:20])
    track("privacy.consent", user=user, purpose=chosen.value, granted=granted)
    return row


def _persona_value(user: User, field: str) -> Any:
    return getattr(account_selectors.persona_get(user=user), field)


def _is_minor_birth_year(year: Any) -> bool:
    return isinstance(year, int) and timezone.now().year - year < MINOR_AGE


def persona_field_check(user_id: int, field: str, value: Any) -> None:
    """Registered with core.personal_data: accounts asks it before storing a persona field. Sensitive fields need
    their separate consent first; any field stored also records the persona purpose's grant, once."""
    if field == PersonaField.INCOME_BAND and not selectors.consent_granted(
            user_id=user_id, purpose=Purpose.SENSITIVE_FINANCIAL):
        raise errors.sensitive_consent_required(str(Purpose.SENSITIVE_FINANCIAL.label))
    if field == PersonaField.BIRTH_YEAR and _is_minor_birth_year(value) and not selectors.consent_granted(
            user_id=user_id, purpose=Purpose.SENSITIVE_MINOR):
        raise errors.sensitive_consent_required(str(Purpose.SENSITIVE_MINOR.label))
    if not selectors.consent_granted(user_id=user_id, purpose=Purpose.PERSONA):
        Consent.objects.create(user_id=user_id, purpose=Purpose.PERSONA, granted=True,
                               policy_version=POLICY_VERSION, via="profile")


# --- phone codes -----------------------------------------------------------------------------------------------


def _code_hash(code_id: int, phone: str, code: str) -> str:
    # keyed by the site's secret and bound to the row and the phone: a leaked table cannot be brute-forced offline
    # without the key (a 6-digit code has only a million values)
    return hmac.new(settings.SECRET_KEY.encode(), f"otp\x00{code_id}\x00{phone}\x00{code}".encode(),
                    sha256).hexdigest()


@transaction.atomic
def code_send(*, user: User, purpose: str, phone: str | None = None) -> PhoneCode:
    """Send a 6-digit code to the member's phone (or to `phone`, the new number when changing it), rate-limited:
    one a minute per member and purpose, five an hour per member, ten a day per phone number."""
    if purpose not in CodePurpose.values:
        raise errors.unknown_purpose()
    target = (phone or user.phone or "").strip()
    if not target:
        raise errors.no_phone()
    if purpose == CodePurpose.CHANGE_PHONE and not re.match(r"^1[3-9]\d{9}$", target):
        raise account_errors.invalid_phone()
    now = timezone.now()
    mine = PhoneCode.objects.filter(user_id=user.pk)
    last = mine.filter(purpose=purpose).order_by("-created_at").first()
    if last is not None and (now - last.created_at).total_seconds() < CODE_RESEND_SECONDS:
        raise errors.code_rate_limited(CODE_RESEND_SECONDS - int((now - last.created_at).total_seconds()))
    if mine.filter(created_at__gt=now - dt.timedelta(hours=1)).count() >= CODE_PER_HOUR \
            or PhoneCode.objects.filter(phone=target, created_at__gt=now - dt.timedelta(days=1)).count() \
            >= CODE_PER_PHONE_DAY:
        raise errors.code_rate_limited(3600)
    code = f"{secrets.randbelow(1_000_000):06d}"
    row = PhoneCode.objects.create(user_id=user.pk, phone=target, purpose=purpose, code_hash="-",
                                   expires_at=now + CODE_TTL)
    PhoneCode.objects.filter(pk=row.pk).update(code_hash=_code_hash(row.pk, target, code))
    # older unused codes of the same purpose stop working: only the newest counts
    mine.filter(purpose=purpose, used_at__isnull=True).exclude(pk=row.pk).update(used_at=now)
    text = _("【圈子】验证码 %(code)s，用于%(purpose)s，10 分钟内有效。如非本人操作请忽略。") % {
        "code": code, "purpose": CodePurpose(purpose).label}
    sms.backend().send(phone=target, text=text, template="otp", params={"code": code})
    return row


def code_verify(*, user: User, purpose: str, code: str) -> PhoneCode:
    """Spend the member's newest code for `purpose`. A wrong code counts a try (five, then the code is dead);
    the tries are committed even when the caller's transaction rolls back."""
    now = timezone.now()
    with transaction.atomic():
        row = (PhoneCode.objects.filter(user_id=user.pk, purpose=purpose, used_at__isnull=True,
                                        expires_at__gt=now, attempts__lt=CODE_MAX_TRIES)
               .order_by("-created_at").first())
        if row is None:
            raise errors.code_expired()
        good = hmac.compare_digest(row.code_hash, _code_hash(row.pk, row.phone, (code or "").strip()))
        if good:
            spent = PhoneCode.objects.filter(pk=row.pk, used_at__isnull=True).update(used_at=now)
            if not spent:  # a concurrent verify spent it
                raise errors.code_expired()
            row.used_at = now
            return row
        PhoneCode.objects.filter(pk=row.pk).update(attempts=row.attempts + 1)
    raise errors.code_invalid()


def phone_change(*, user: User, phone: str, code: str) -> User:
    """Change the member's phone once the code sent to the new number is right."""
    row = code_verify(user=user, purpose=CodePurpose.CHANGE_PHONE, code=code)
    if row.phone != phone.strip():
        raise errors.code_invalid()
    return account_services.phone_change(user=user, phone=phone)


# --- export ----------------------------------------------------------------------------------------------------


def _export_dir() -> str:
    path = os.path.join(str(settings.VAR_DIR), "private", "exports")
    os.makedirs(path, mode=0o700, exist_ok=True)
    return path


@transaction.atomic
def export_request(*, user: User) -> DataExport:
    """Ask for an export; a queued one is reused. The job builds it after the commit (jobs.build_export)."""
    queued = DataExport.objects.filter(user_id=user.pk, status=ExportStatus.QUEUED).first()
    if queued is not None:
        return queued
    export = DataExport.objects.create(user_id=user.pk)
    from quanzi.privacy import jobs

    transaction.on_commit(lambda: jobs.build_export(export.pk))
    return export


def _sheet_name(name: str, taken: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "_", name)[:28] or "sheet"
    out, n = base, 1
    while out.lower() in taken:
        n += 1
        out = f"{base[:26]}~{n}"
    taken.add(out.lower())
    return out


def _cell(value: Any) -> Any:
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return value


def write_xlsx(data: dict[str, list[dict[str, Any]]], path: str) -> None:
    """One sheet per section, one column per key; every text cell through core.exports (no formula runs)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    taken: set[str] = set()
    for section, rows in data.items():
        sheet = book.create_sheet(_sheet_name(section, taken))
        columns: list[str] = []
        for row in rows:
            columns.extend(k for k in row if k not in columns)
        sheet.append(safe_row(columns))
        for row in rows:
            sheet.append(safe_row(_cell(row.get(c)) for c in columns))
    book.save(path)


def export_build(*, export_id: int) -> DataExport | None:
    """Collect the member's data through core.personal_data and write the JSON and Excel files. Idempotent: an
    export that is not queued is left alone."""
    export = DataExport.objects.filter(pk=export_id, status=ExportStatus.QUEUED).first()
    if export is None:
        return None
    data: dict[str, Any] = {"policy_version": POLICY_VERSION, "exported_at": timezone.now().isoformat()}
    sections = personal_data.collect(export.user_id)
    data["sections"] = sections
    stem = os.path.join(_export_dir(), f"{export.user_id}-{export.pk}-{secrets.token_hex(8)}")
    try:
        with open(stem + ".json", "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False, indent=1, default=str)
        write_xlsx(sections, stem + ".xlsx")
    except Exception:
        log.exception("data export %s failed", export.pk)
        DataExport.objects.filter(pk=export.pk).update(status=ExportStatus.FAILED)
        raise
    rows = sum(len(v) for v in sections.values())
    now = timezone.now()
    DataExport.objects.filter(pk=export.pk).update(status=ExportStatus.READY, rows=rows, ready_at=now,
                                                   expires_at=now + EXPORT_KEEP, json_path=stem + ".json",
                                                   xlsx_path=stem + ".xlsx")
    track("privacy.export", user=_user(export.user_id), rows=rows)
    export.refresh_from_db()
    return export


def _user(user_id: int) -> Any:
    return account_selectors.user_get(user_id=user_id, include_inactive=True)


# --- account deletion ------------------------------------------------------------------------------------------


@transaction.atomic
def deletion_request(*, user: User, code: str = "", password: str = "") -> DeletionRequest:
    """Ask to delete the account. Refused while an order, an after-sales request, a balance or commission is
    open (each its own code). Confirmed by a code sent to the member's phone (or the password for an account with
    no phone). Starts the grace period and logs the member out everywhere; logging in again cancels it."""
    stale = selectors.deletion_pending(user_id=user.pk)
    if stale is not None and selectors.deletion_pending_effective(user_id=user.pk) is None:
        # the member logged in since that request: their login cancelled it
        DeletionRequest.objects.filter(pk=stale.pk).update(status=DeletionStatus.CANCELLED,
                                                           finished_at=timezone.now())
    elif stale is not None:
        raise errors.deletion_already_pending()
    blockers = selectors.deletion_blockers(user=user)
    if blockers:
        raise blockers[0]
    if user.phone:
        code_verify(user=user, purpose=CodePurpose.DELETE_ACCOUNT, code=code)
    elif not user.check_password(password):
        raise errors.wrong_password()
    now = timezone.now()
    request = DeletionRequest.objects.create(user_id=user.pk, effective_at=now + DELETION_GRACE)
    account_services.logout_all(user=user)
    track("privacy.deletion_request", user=user)
    return request


@transaction.atomic
def deletion_cancel(*, user: User) -> DeletionRequest:
    """Cancel a pending deletion explicitly (an API client that keeps its token can; a login does it too)."""
    request = selectors.deletion_pending(user_id=user.pk)
    if request is None:
        raise errors.deletion_not_pending()
    DeletionRequest.objects.filter(pk=request.pk).update(status=DeletionStatus.CANCELLED, finished_at=timezone.now())
    track("privacy.deletion_cancel", user=user)
    request.refresh_from_db()
    return request


@transaction.atomic
def deletion_execute(*, request_id: int, now: dt.datetime | None = None) -> str:
    """Carry out one due request: cancelled if the member logged in since asking; left pending (tried again on
    the next run) while something still blocks it; else every app's eraser runs and the request is done.
    Returns the request's status afterwards."""
    now = now or timezone.now()
    request = DeletionRequest.objects.filter(pk=request_id, status=DeletionStatus.PENDING,
                                             effective_at__lte=now).first()
    if request is None:
        return ""
    if account_data.logged_in_since(user_id=request.user_id, since=request.requested_at):
        DeletionRequest.objects.filter(pk=request.pk).update(status=DeletionStatus.CANCELLED, finished_at=now)
        return DeletionStatus.CANCELLED
    user = _user(request.user_id)
    if user is None:
        return DeletionStatus.PENDING
    blockers = selectors.deletion_blockers(user=user)
    if blockers:
        log.info("deletion %s waits: %s", request.pk, ", ".join(b.code for b in blockers))
        return DeletionStatus.PENDING
    personal_data.erase(request.user_id)
    for export in DataExport.objects.filter(user_id=request.user_id):
        _export_files_remove(export)
    DeletionRequest.objects.filter(pk=request.pk).update(status=DeletionStatus.DONE, finished_at=now)
    track("privacy.deletion_done")
    return DeletionStatus.DONE


def _export_files_remove(export: DataExport) -> None:
    for path in (export.json_path, export.xlsx_path):
        if path and os.path.exists(path):
            os.remove(path)
    DataExport.objects.filter(pk=export.pk).update(status=ExportStatus.EXPIRED, json_path="", xlsx_path="")


def exports_expire(*, now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    expired = list(DataExport.objects.filter(status=ExportStatus.READY, expires_at__lte=now))
    for export in expired:
        _export_files_remove(export)
    return len(expired)


# --- audit -----------------------------------------------------------------------------------------------------


def audit_record(*, kind: str, actor_id: int | None, actor: str, method: str, path: str, status: int, ip: str = "",
                 request_id: str = "") -> AuditEntry:
    if kind not in AuditKind.values:
        raise ValueError(kind)
    return AuditEntry.objects.create(kind=kind, actor_id=actor_id, actor=actor[:60], method=method[:8],
                                     path=path[:300], status=status, ip=ip[:45], request_id=request_id[:64])
