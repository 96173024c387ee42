"""Privacy reads: the member's current consents, their exports, a pending deletion, what blocks a deletion."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils import timezone

from quanzi.accounts import personal_data as account_data
from quanzi.accounts import selectors as account_selectors
from quanzi.accounts.enums import PersonaField
from quanzi.aftersales import selectors as aftersales_selectors
from quanzi.aftersales.enums import AfterSaleStatus
from quanzi.core.errors import DomainError
from quanzi.core.personal_data import OPT_OUT_PURPOSES
from quanzi.growth.redpackets import selectors as balance_selectors
from quanzi.orders import selectors as order_selectors
from quanzi.orders.enums import OrderStatus
from quanzi.privacy import errors
from quanzi.privacy.enums import DeletionStatus, ExportStatus, Purpose
from quanzi.privacy.models import Consent, DataExport, DeletionRequest
from quanzi.referrals.distribution import selectors as distribution_selectors

if TYPE_CHECKING:
    from quanzi.accounts.models import User

# the order statuses that are not over yet: money or goods are still moving
UNFINISHED_ORDER_STATUSES = (OrderStatus.PENDING_PAYMENT, OrderStatus.PAID, OrderStatus.SHIPPED,
                             OrderStatus.DELIVERED, OrderStatus.REFUNDING)
OPEN_AFTERSALE_STATUSES = (AfterSaleStatus.REQUESTED, AfterSaleStatus.APPROVED,
                           AfterSaleStatus.AWAITING_RETURN_SHIPMENT, AfterSaleStatus.RETURN_SHIPPED,
                           AfterSaleStatus.RETURN_RECEIVED, AfterSaleStatus.REFUNDING)


@dataclass(frozen=True)
class ConsentState:
    purpose: str
    label: str
    granted: bool
    at: dt.datetime | None  # the member's last choice; None: never chosen, the default applies
    policy_version: str
    sensitive: bool


def consent_granted(*, user_id: int, purpose: str) -> bool:
    """The member's current choice for `purpose`: their newest record, else the purpose's default."""
    last = Consent.objects.filter(user_id=user_id, purpose=purpose).order_by("-created_at", "-id").first()
    if last is None:
        return purpose in OPT_OUT_PURPOSES
    return last.granted


def consent_withdrawn_among(*, purpose: str, user_ids: set[int]) -> set[int]:
    """The members of `user_ids` whose newest record for `purpose` is a withdrawal (core.personal_data asks)."""
    rows = Consent.objects.filter(purpose=purpose)
    if len(user_ids) <= 2000:  # a bigger population: read the purpose's rows (few: members who chose) and filter
        rows = rows.filter(user_id__in=list(user_ids))
    newest: dict[int, bool] = {}
    for user_id, granted in rows.order_by("created_at", "id").values_list("user_id", "granted"):
        newest[user_id] = granted
    return {u for u, granted in newest.items() if not granted and u in user_ids}


def consent_states(*, user: User) -> list[ConsentState]:
    newest: dict[str, Consent] = {}
    for row in Consent.objects.filter(user_id=user.pk).order_by("created_at", "id"):
        newest[row.purpose] = row
    out = []
    for purpose in Purpose:
        last = newest.get(purpose.value)
        out.append(ConsentState(
            purpose=purpose.value, label=str(purpose.label),
            granted=last.granted if last else purpose.value in OPT_OUT_PURPOSES,
            at=last.created_at if last else None, policy_version=last.policy_version if last else "",
            sensitive=purpose.value in (Purpose.SENSITIVE_FINANCIAL, Purpose.SENSITIVE_MINOR)))
    return out


def consent_history(*, user: User) -> QuerySet[Consent]:
    return Consent.objects.filter(user_id=user.pk).order_by("-created_at", "-id")


def persona_fields_set(*, user: User) -> list[str]:
    """The persona fields the member has filled (each stored only with its own consent in accounts)."""
    persona = account_selectors.persona_get(user=user)
    return [f for f in PersonaField.values if getattr(persona, f) not in ("", None)]


def export_list(*, user: User) -> QuerySet[DataExport]:
    return DataExport.objects.filter(user_id=user.pk).order_by("-created_at", "-id")


def export_get(*, user: User, export_id: int) -> DataExport:
    export = DataExport.objects.filter(user_id=user.pk, pk=export_id, status=ExportStatus.READY,
                                       expires_at__gt=timezone.now()).first()
    if export is None:
        raise errors.export_not_found()
    return export


def deletion_pending(*, user_id: int) -> DeletionRequest | None:
    return DeletionRequest.objects.filter(user_id=user_id, status=DeletionStatus.PENDING).first()


def deletion_pending_effective(*, user_id: int) -> DeletionRequest | None:
    """The pending request that still stands: one the member came back from (logged in since) is cancelled by
    that login, whether or not the daily job has recorded it yet."""
    request = deletion_pending(user_id=user_id)
    if request is not None and account_data.logged_in_since(user_id=user_id, since=request.requested_at):
        return None
    return request


def deletion_blockers(*, user: Any) -> list[DomainError]:
    """Why the member cannot delete their account now (empty: they can): unfinished orders, open after-sales,
    a balance, commission not yet paid out. Each is an error with its own code."""
    out: list[DomainError] = []
    orders = sum(order_selectors.order_list_for_buyer(user=user, status=s).count()
                 for s in UNFINISHED_ORDER_STATUSES)
    if orders:
        out.append(errors.unfinished_orders(orders))
    requests = sum(aftersales_selectors.request_list_for_buyer(user=user, status=s).count()
                   for s in OPEN_AFTERSALE_STATUSES)
    if requests:
        out.append(errors.open_aftersales(requests))
    if balance_selectors.balance_of(user_id=user.pk) != 0:
        out.append(errors.balance_unsettled())
    promoter = distribution_selectors.promoter_get(user_id=user.pk)
    if promoter is not None:
        totals = distribution_selectors.ledger_totals(promoter_id=promoter.pk)
        if totals.pending_fen or totals.available_fen or totals.in_flight_fen:
            out.append(errors.commission_unsettled())
    return out
