"""Advertising: every write.

- **Balance**: a merchant tops up at the cashier (`topup_create`: a platform virtual good at the amount, like a
  red packet's funding); the `paid` moment books `+amount` once (`topup:<id>`). Submitting a campaign reserves its
  budget (`reserve:<id>:<n>`, under the merchant's `AdAccount` lock, refused beyond the balance); a rejection or
  the end gives back what was not spent (`release:<id>:<n>`).
- **Billing** (`_bill`): one conditional update of the campaign row that both checks and moves the spend:
  `billed_units + 1`, `spent = floor(billed_units × price / unit)` (unit 1000 for CPM, 1 for CPC) only where that
  stays within the budget, the campaign is active and in schedule. CPM spreads the per-thousand price over
  impressions exactly (each impression is charged the difference of two floors, so any N impressions cost
  floor(N × price / 1000)). The `AdEvent` row with the charge is written in the same transaction under a unique
  key, so a retry rolls its update back and nothing is billed twice.
- **Credit**: the `paid` moment of a merchant's order looks for the buyer's latest click on one of that merchant's
  ads within the attribution window (`orders.rules.attribution_days`) and credits the order to it once."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import BigIntegerField, ExpressionWrapper, F, Q, Sum, Value
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from quanzi.ads import errors
from quanzi.ads.enums import Billing, CampaignStatus, EventKind, LedgerKind, Placement, TopUpStatus
from quanzi.ads.locks import lock_ad_account, lock_campaign
from quanzi.ads.models import AdCampaign, AdConversion, AdEvent, AdFrequency, AdLedgerEntry, AdTopUp
from quanzi.catalog import selectors as catalog_selectors
from quanzi.catalog.enums import MerchantStatus
from quanzi.catalog.services import virtual_sku_ensure
from quanzi.communities.selectors import community_by_id
from quanzi.core.errors import DomainError
from quanzi.core.events import track
from quanzi.core.images import clean_image
from quanzi.core.messages import msg
from quanzi.core.money import format_yuan
from quanzi.orders import selectors as order_selectors
from quanzi.orders.rules import attribution_days
from quanzi.orders.services import order_place
from quanzi.payments import services as payment_services
from quanzi.personas.selectors import segment_label

if TYPE_CHECKING:
    from quanzi.catalog.models import Merchant
    from quanzi.orders.hooks import OrderMomentEvent

MIN_TOPUP_FEN = 100
MAX_TOPUP_FEN = 10_000_000  # ¥100,000 per top-up
MIN_BUDGET_FEN = 100
MAX_BUDGET_FEN = 100_000_000
MAX_DAYS = 90
MAX_FREQUENCY_CAP = 50
UNIT = {Billing.CPM: 1000, Billing.CPC: 1}
EDITABLE = (CampaignStatus.DRAFT, CampaignStatus.REJECTED)


def _label(status: str) -> str:
    return str(CampaignStatus(status).label)


def merchant_for(user: Any) -> Merchant:
    """The approved merchant the user runs, or `not_merchant`."""
    if user is None or not getattr(user, "is_authenticated", False):
        raise errors.not_authenticated()
    merchant = catalog_selectors.merchant_get_for_user(user=user)
    if merchant is None or merchant.status != MerchantStatus.APPROVED or merchant.is_platform:
        raise errors.not_merchant()
    return merchant


def check_operator(user: Any) -> None:
    """Operators only (the review queue, the review, the revenue mix): pages, API and services alike."""
    if user is None or not getattr(user, "is_authenticated", False):
        raise errors.not_authenticated()
    if not user.is_staff:
        raise errors.not_operator()


def own_campaign(user: Any, campaign_id: int) -> AdCampaign:
    """The merchant's own campaign: missing → `campaign_not_found`, another merchant's → `campaign_not_yours`."""
    merchant = merchant_for(user)
    campaign = AdCampaign.objects.filter(pk=campaign_id).first()
    if campaign is None:
        raise errors.campaign_not_found()
    if campaign.merchant_id != merchant.pk:
        raise errors.campaign_not_yours()
    return campaign


def _ledger(*, merchant_id: int, amount_fen: int, kind: str, reference: str, campaign: AdCampaign | None = None,
            order_id: int | None = None) -> AdLedgerEntry | None:
    """Write one movement once (a reference already booked is not booked again: None)."""
    if amount_fen == 0 or AdLedgerEntry.objects.filter(reference=reference).exists():
        return None
    try:
        with transaction.atomic():
            return AdLedgerEntry.objects.create(merchant_id=merchant_id, amount_fen=amount_fen, kind=kind,
                                                reference=reference, campaign=campaign, order_id=order_id)
    except IntegrityError:  # booked at the same moment by a twin call
        return None


def balance_of(*, merchant_id: int) -> int:
    return int(AdLedgerEntry.objects.filter(merchant_id=merchant_id).aggregate(s=Sum("amount_fen"))["s"] or 0)


# --- top-ups through the cashier ---------------------------------------------------------------------------------


def topup_create(*, user: Any, amount_fen: int, idempotency_key: str) -> AdTopUp:
    """A top-up paid at the cashier: the order of a platform virtual good at the amount; the balance grows when
    the order is paid (`on_order_paid`). The same key again returns the first top-up."""
    merchant = merchant_for(user)
    if not isinstance(amount_fen, int) or isinstance(amount_fen, bool) \
            or not MIN_TOPUP_FEN <= amount_fen <= MAX_TOPUP_FEN:
        raise errors.invalid_amount(MIN_TOPUP_FEN, MAX_TOPUP_FEN)
    sku_id = virtual_sku_ensure(key=f"adtopup:{amount_fen}", title=_("广告余额充值 %(yuan)s") % {
        "yuan": format_yuan(amount_fen)}, price_fen=amount_fen)
    with transaction.atomic():
        checkout = order_place(user=user, address_id=None, idempotency_key=idempotency_key or uuid.uuid4().hex,
                               items=[(sku_id, 1)])
        order_id = order_selectors.checkout_order_ids(checkout_id=checkout.pk)[0]
        earlier = AdTopUp.objects.filter(order_id=order_id).first()
        if earlier is not None:
            return earlier
        topup = AdTopUp.objects.create(merchant=merchant, amount_fen=amount_fen, order_id=order_id)
        track("ad.topup_create", user=user, obj=topup, amount_fen=amount_fen, order_id=order_id)
    return topup


def _topup_paid(event: OrderMomentEvent) -> None:
    topup = AdTopUp.objects.filter(order_id=event.order_id).first()
    if topup is None:
        return
    with transaction.atomic():
        moved = AdTopUp.objects.filter(pk=topup.pk, status=TopUpStatus.AWAITING_PAYMENT).update(
            status=TopUpStatus.PAID, paid_at=event.at)
        if moved:
            _ledger(merchant_id=topup.merchant_id, amount_fen=topup.amount_fen, kind=LedgerKind.TOPUP,
                    reference=f"topup:{topup.pk}", order_id=event.order_id)
            track("ad.topup_paid", obj=topup, amount_fen=topup.amount_fen, merchant_id=topup.merchant_id)


def on_order_cancelled(event: OrderMomentEvent) -> None:
    """An unpaid top-up order ran out or was cancelled: the top-up is cancelled (nothing was booked)."""
    AdTopUp.objects.filter(order_id=event.order_id, status=TopUpStatus.AWAITING_PAYMENT).update(
        status=TopUpStatus.CANCELLED)


def on_order_paid(event: OrderMomentEvent) -> None:
    """The `paid` moment: a top-up's order books the top-up; a merchant's order may be credited to an ad click."""
    _topup_paid(event)
    _credit_order(event)


def topup_refunded_fen(*, topup: AdTopUp) -> int:
    """What of this top-up went back to the merchant (its refund ledger entries, positive)."""
    total = AdLedgerEntry.objects.filter(kind=LedgerKind.REFUND, order_id=topup.order_id).aggregate(
        s=Sum("amount_fen"))["s"]
    return -int(total or 0)


def topup_refund(*, user: Any, topup_id: int) -> int:
    """The merchant takes back the unspent part of a paid top-up: what is left of it, never more than the free
    balance (budgets reserved by campaigns in review or running are not free: they come back when the campaign
    ends). The amount leaves the balance at once (a ledger entry, under the account's lock, so it cannot be spent
    or reserved meanwhile) and goes back through payments against the top-up's order (refund number
    `AD-<top-up>-<n>`); the `refunded` moment finds the entry already booked. Returns the amount in fen."""
    merchant = merchant_for(user)
    with transaction.atomic():
        lock_ad_account(merchant.pk)
        topup = AdTopUp.objects.filter(pk=topup_id, merchant=merchant).first()
        if topup is None:
            raise errors.topup_not_found()
        if topup.status != TopUpStatus.PAID:
            raise errors.nothing_to_refund()
        amount = min(topup.amount_fen - topup_refunded_fen(topup=topup), balance_of(merchant_id=merchant.pk))
        if amount <= 0:
            raise errors.nothing_to_refund()
        n = AdLedgerEntry.objects.filter(kind=LedgerKind.REFUND, order_id=topup.order_id).count() + 1
        refund_no = f"AD-{topup.pk}-{n}"
        _ledger(merchant_id=merchant.pk, amount_fen=-amount, kind=LedgerKind.REFUND, reference=f"refund:{refund_no}",
                order_id=topup.order_id)
        line_id = order_selectors.order_line_rows(order_ids=[topup.order_id])[0]["id"]
        payment_services.refund_create(amount_fen=amount, refund_no=refund_no, order_id=topup.order_id, actor=user,
                                       lines={line_id: amount},
                                       reason=msg("ads.topup_refund_reason", amount=format_yuan(amount)))
        track("ad.topup_refund", user=user, obj=topup, amount_fen=amount)
    return amount


def on_order_refunded(event: OrderMomentEvent) -> None:
    """A top-up's order refunded by any path (the merchant's `topup_refund`, an operator in the back office):
    the refunded amount leaves the balance once (a refund the merchant asked for is already booked under the same
    refund number). An operator's refund of money already spent leaves the balance below zero: new campaigns
    cannot be submitted until it is topped up again."""
    topup = AdTopUp.objects.filter(order_id=event.order_id).first()
    if topup is None or event.amount_fen <= 0:
        return
    with transaction.atomic():
        lock_ad_account(topup.merchant_id)
        _ledger(merchant_id=topup.merchant_id, amount_fen=-event.amount_fen, kind=LedgerKind.REFUND,
                reference=f"refund:{event.ref}", order_id=event.order_id)


# --- campaigns ---------------------------------------------------------------------------------------------------


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _clean(merchant: Merchant, fields: dict[str, Any], *, image_required: bool) -> dict[str, Any]:
    """Check a campaign's fields (all or nothing); the model values to store."""
    name = str(fields.get("name") or "").strip()
    title = str(fields.get("title") or "").strip()
    if not name or len(name) > 40:
        raise errors.invalid_creative(_("计划名称须为 1 到 40 个字"))
    if not title or len(title) > 40:
        raise errors.invalid_creative(_("广告标题须为 1 到 40 个字"))
    placement, billing = fields.get("placement"), fields.get("billing")
    if placement not in Placement.values or billing not in Billing.values:
        raise errors.invalid_placement()
    budget = _int(fields.get("budget_fen"))
    if budget is None or not MIN_BUDGET_FEN <= budget <= MAX_BUDGET_FEN:
        raise errors.invalid_budget(MIN_BUDGET_FEN, MAX_BUDGET_FEN)
    price = _int(fields.get("price_fen"))
    if price is None or price < 1 or (billing == Billing.CPC and price > budget) or price > MAX_BUDGET_FEN:
        raise errors.invalid_price()
    starts_at, ends_at = fields.get("starts_at"), fields.get("ends_at")
    if not isinstance(starts_at, dt.datetime) or not isinstance(ends_at, dt.datetime) or ends_at <= starts_at \
            or ends_at <= timezone.now() or ends_at - starts_at > dt.timedelta(days=MAX_DAYS):
        raise errors.invalid_schedule()
    cap = _int(fields.get("frequency_cap"))
    cap = 3 if cap is None else cap
    if not 1 <= cap <= MAX_FREQUENCY_CAP:
        raise errors.invalid_creative(_("每人每天展示次数须在 1 到 %(n)s 之间") % {"n": MAX_FREQUENCY_CAP})
    product_id = _int(fields.get("target_product_id"))
    path = str(fields.get("target_path") or "").strip()
    if (product_id is None) == (not path):
        raise errors.invalid_target()
    if product_id is not None:
        product = catalog_selectors.products_sellable_in_stock(product_ids=[product_id]).filter(
            merchant_id=merchant.pk).first()
        if product is None:
            raise errors.invalid_target()
    elif not path.startswith("/") or path.startswith("//") or "\\" in path or len(path) > 200 \
            or any(ch.isspace() for ch in path):
        raise errors.invalid_target()
    community_id = _int(fields.get("target_community_id"))
    segment_id = _int(fields.get("target_segment_id"))
    if community_id is not None and segment_id is not None:
        raise errors.invalid_targeting()
    if community_id is not None and community_by_id(community_id=community_id) is None:
        raise errors.invalid_targeting()
    if segment_id is not None and not segment_label(segment_id):
        raise errors.invalid_targeting()
    image = fields.get("image")
    if image is None and image_required:
        raise errors.invalid_creative(_("请上传广告图"))
    out: dict[str, Any] = {
        "name": name, "title": title, "placement": placement, "billing": billing, "budget_fen": budget,
        "price_fen": price, "starts_at": starts_at, "ends_at": ends_at, "frequency_cap": cap,
        "target_product_id": product_id, "target_path": path if product_id is None else "",
        "target_community_id": community_id, "target_segment_id": segment_id}
    if image is not None:
        out["image"] = clean_image(image)
    return out


def campaign_create(*, user: Any, image_required: bool = True, **fields: Any) -> AdCampaign:
    """A draft campaign of the user's merchant (fields: see `_clean`); it shows nothing until submitted and
    approved. The API creates the draft first and uploads its picture next (`image_required=False`): a draft
    without a picture cannot be submitted."""
    merchant = merchant_for(user)
    values = _clean(merchant, fields, image_required=image_required)
    campaign = AdCampaign.objects.create(merchant=merchant, **values)
    track("ad.campaign_create", user=user, obj=campaign, placement=campaign.placement, billing=campaign.billing,
          budget_fen=campaign.budget_fen)
    return campaign


def campaign_update(*, user: Any, campaign_id: int, **fields: Any) -> AdCampaign:
    """Change a draft or a rejected campaign (a changed creative needs a new review: it is submitted again)."""
    campaign = own_campaign(user, campaign_id)
    if campaign.status not in EDITABLE:
        raise errors.campaign_not_editable(_label(campaign.status))
    values = _clean(campaign.merchant, fields, image_required=False)
    with transaction.atomic():
        if AdCampaign.objects.filter(pk=campaign.pk, status__in=EDITABLE).update(
                **{k: v for k, v in values.items() if k != "image"}) != 1:
            raise errors.campaign_not_editable(_label(campaign.status))
        campaign.refresh_from_db()
        if "image" in values:
            campaign.image = values["image"]
            campaign.save(update_fields=["image", "updated_at"])
    track("ad.campaign_update", user=user, obj=campaign)
    return campaign


def campaign_image_set(*, user: Any, campaign_id: int, image: Any) -> AdCampaign:
    """Put (or change) the picture of a draft or rejected campaign (checked like every upload: a real picture,
    re-encoded, within the size limits)."""
    campaign = own_campaign(user, campaign_id)
    if campaign.status not in EDITABLE:
        raise errors.campaign_not_editable(_label(campaign.status))
    cleaned = clean_image(image)
    with transaction.atomic():
        campaign = lock_campaign(campaign.pk)
        if campaign.status not in EDITABLE:
            raise errors.campaign_not_editable(_label(campaign.status))
        campaign.image = cleaned
        campaign.save(update_fields=["image", "updated_at"])
    track("ad.campaign_update", user=user, obj=campaign)
    return campaign


def _move(campaign: AdCampaign, allowed: tuple[str, ...], to: str, **extra: Any) -> None:
    """Move the status by a conditional update on what it was (a concurrent move makes this one fail)."""
    if AdCampaign.objects.filter(pk=campaign.pk, status__in=allowed).update(status=to, **extra) != 1:
        campaign.refresh_from_db(fields=["status"])
        raise errors.illegal_transition(_label(campaign.status), _label(to))
    campaign.refresh_from_db()


def campaign_submit(*, user: Any, campaign_id: int) -> AdCampaign:
    """Send a draft (or a rejected campaign, changed) to review, reserving its budget from the ad balance."""
    campaign = own_campaign(user, campaign_id)
    if campaign.status not in EDITABLE:
        raise errors.illegal_transition(_label(campaign.status), _label(CampaignStatus.PENDING))
    if campaign.ends_at <= timezone.now():
        raise errors.invalid_schedule()
    if not campaign.image:
        raise errors.invalid_creative(_("请上传广告图"))
    with transaction.atomic():
        lock_ad_account(campaign.merchant_id)
        balance = balance_of(merchant_id=campaign.merchant_id)
        if balance < campaign.budget_fen:
            raise errors.balance_insufficient(balance, campaign.budget_fen)
        _move(campaign, EDITABLE, CampaignStatus.PENDING, submissions=F("submissions") + 1, review_note="")
        _ledger(merchant_id=campaign.merchant_id, amount_fen=-campaign.budget_fen, kind=LedgerKind.RESERVE,
                reference=f"reserve:{campaign.pk}:{campaign.submissions}", campaign=campaign)
        track("ad.campaign_submit", user=user, obj=campaign, budget_fen=campaign.budget_fen)
    return campaign


def _release(campaign: AdCampaign) -> None:
    """Give the unspent budget of this submission back (once). The campaign no longer bills: its status left
    `active` by a conditional update in this transaction, so `spent_fen` read now is final."""
    campaign.refresh_from_db(fields=["spent_fen", "budget_fen", "submissions"])
    _ledger(merchant_id=campaign.merchant_id, amount_fen=campaign.budget_fen - campaign.spent_fen,
            kind=LedgerKind.RELEASE, reference=f"release:{campaign.pk}:{campaign.submissions}", campaign=campaign)


def campaign_review(*, operator: Any, campaign_id: int, approve: bool, note: str = "") -> AdCampaign:
    """An operator approves the creative (the campaign runs in its schedule) or rejects it (the budget goes back;
    the merchant may change it and submit again)."""
    check_operator(operator)
    campaign = AdCampaign.objects.filter(pk=campaign_id).first()
    if campaign is None:
        raise errors.campaign_not_found()
    note = (note or "").strip()[:200]
    with transaction.atomic():
        to = CampaignStatus.ACTIVE if approve else CampaignStatus.REJECTED
        _move(campaign, (CampaignStatus.PENDING,), to, reviewed_by=operator, reviewed_at=timezone.now(),
              review_note=note)
        if not approve:
            _release(campaign)
        track("ad.campaign_review", user=operator, obj=campaign, approved=bool(approve))
    return campaign


def campaign_pause(*, user: Any, campaign_id: int) -> AdCampaign:
    campaign = own_campaign(user, campaign_id)
    _move(campaign, (CampaignStatus.ACTIVE,), CampaignStatus.PAUSED)
    return campaign


def campaign_resume(*, user: Any, campaign_id: int) -> AdCampaign:
    campaign = own_campaign(user, campaign_id)
    _move(campaign, (CampaignStatus.PAUSED,), CampaignStatus.ACTIVE)
    return campaign


def _end(campaign: AdCampaign, actor: Any) -> AdCampaign:
    with transaction.atomic():
        _move(campaign, (CampaignStatus.PENDING, CampaignStatus.ACTIVE, CampaignStatus.PAUSED), CampaignStatus.ENDED)
        _release(campaign)
        track("ad.campaign_end", user=actor, obj=campaign, spent_fen=campaign.spent_fen)
    return campaign


def campaign_end(*, user: Any, campaign_id: int) -> AdCampaign:
    """The merchant stops the campaign for good: what it did not spend goes back to the ad balance."""
    return _end(own_campaign(user, campaign_id), user)


def campaigns_end_due(*, now: dt.datetime | None = None) -> int:
    """The job: campaigns past their end are ended and their rest released (each once, safe to run twice)."""
    now = now or timezone.now()
    done = 0
    for campaign in AdCampaign.objects.filter(
            status__in=(CampaignStatus.ACTIVE, CampaignStatus.PAUSED), ends_at__lte=now).order_by("pk")[:500]:
        try:
            _end(campaign, None)
            done += 1
        except DomainError:  # moved by its merchant meanwhile (paused → ended): nothing to do
            continue
    return done


# --- billing: impressions and clicks -----------------------------------------------------------------------------


def _spent_after(units: Any, price: int, unit: int) -> ExpressionWrapper:
    """floor(units × price / unit) in SQL (integer division on both databases; bigint so it cannot overflow)."""
    return ExpressionWrapper(Cast(units, BigIntegerField()) * Value(price) / Value(unit),
                             output_field=BigIntegerField())


def _why_not(campaign_id: int, now: dt.datetime) -> DomainError:
    """Why a campaign cannot be shown or billed now, in the order a merchant would look for it."""
    campaign = AdCampaign.objects.filter(pk=campaign_id).first()
    if campaign is None:
        return errors.unknown_ad()
    if campaign.status in (CampaignStatus.DRAFT, CampaignStatus.PENDING, CampaignStatus.REJECTED):
        return errors.not_reviewed()
    if campaign.status != CampaignStatus.ACTIVE:
        return errors.not_active(_label(campaign.status))
    if not campaign.starts_at <= now < campaign.ends_at:
        return errors.outside_schedule()
    return errors.over_budget()


def _servable() -> Q:
    return Q(status=CampaignStatus.ACTIVE)


def _bill(campaign: AdCampaign, now: dt.datetime) -> int:
    """Take one billed unit from the campaign and return its charge, or raise why it cannot be billed. The
    budget check and the move are one UPDATE: concurrent calls queue on the row and each sees the last one's
    spend, so the budget is never passed."""
    price, unit = campaign.price_fen, UNIT[Billing(campaign.billing)]
    next_units = F("billed_units") + 1
    moved = (AdCampaign.objects
             .filter(_servable(), pk=campaign.pk, starts_at__lte=now, ends_at__gt=now,
                     budget_fen__gte=_spent_after(next_units, price, unit))
             .update(billed_units=next_units, spent_fen=_spent_after(next_units, price, unit)))
    if moved != 1:
        raise _why_not(campaign.pk, now)
    units, spent = AdCampaign.objects.filter(pk=campaign.pk).values_list("billed_units", "spent_fen").get()
    return int(spent) - (units - 1) * price // unit


def _check_servable(campaign: AdCampaign, now: dt.datetime) -> None:
    """An impression of a CPC campaign costs nothing, but is shown only if a click could still be billed."""
    if not AdCampaign.objects.filter(_servable(), pk=campaign.pk, starts_at__lte=now, ends_at__gt=now,
                                     budget_fen__gte=F("spent_fen") + campaign.price_fen).exists():
        raise _why_not(campaign.pk, now)


def _count_frequency(campaign: AdCampaign, user: Any, now: dt.datetime) -> None:
    day = timezone.localdate(now)
    row, _created = AdFrequency.objects.get_or_create(campaign=campaign, user=user, day=day)
    if AdFrequency.objects.filter(pk=row.pk, shown__lt=campaign.frequency_cap).update(shown=F("shown") + 1) != 1:
        raise errors.frequency_capped()


def _authed(user: Any) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def impression_record(*, campaign_id: int, user: Any, placement: str, token: str = "",
                      now: dt.datetime | None = None) -> AdEvent:
    """Show the campaign once: count it against the member's frequency cap, bill it (CPM) or check a click could
    be billed (CPC), and write the impression under `imp:<token>`. The same token again returns the first
    impression without billing anything."""
    now = now or timezone.now()
    token = (token or uuid.uuid4().hex)[:32]
    key = f"imp:{token}"
    earlier = AdEvent.objects.filter(key=key).first()
    if earlier is not None:
        return earlier
    campaign = AdCampaign.objects.filter(pk=campaign_id).first()
    if campaign is None:
        raise errors.unknown_ad()
    viewer = user if _authed(user) else None
    try:
        with transaction.atomic():
            if viewer is not None:
                _count_frequency(campaign, viewer, now)
            if campaign.billing == Billing.CPM:
                charge = _bill(campaign, now)
            else:
                _check_servable(campaign, now)
                charge = 0
            event = AdEvent.objects.create(campaign=campaign, kind=EventKind.IMPRESSION, key=key, token=token,
                                           user=viewer, placement=placement, charge_fen=charge, created_at=now)
            track("ad.impression", user=viewer, obj=campaign, placement=placement, charge_fen=charge,
                  event_id=event.pk)
    except IntegrityError:
        twin = AdEvent.objects.filter(key=key).first()
        if twin is None:
            raise
        return twin
    return event


def click_record(*, token: str, user: Any, now: dt.datetime | None = None) -> AdEvent:
    """A click on a shown ad: billed (CPC) once per impression (`click:<token>`), recorded for the report and the
    order credit either way. Raises `unknown_ad` for a token never shown, and why a CPC click cannot be billed
    (over budget, ended …): the visitor still goes to the ad's target (the view does that)."""
    now = now or timezone.now()
    impression = AdEvent.objects.filter(key=f"imp:{(token or '')[:32]}").select_related("campaign").first()
    if impression is None:
        raise errors.unknown_ad()
    key = f"click:{impression.token}"
    earlier = AdEvent.objects.filter(key=key).first()
    if earlier is not None:
        return earlier
    campaign = impression.campaign
    viewer = user if _authed(user) else None
    try:
        with transaction.atomic():
            charge = _bill(campaign, now) if campaign.billing == Billing.CPC else 0
            event = AdEvent.objects.create(campaign=campaign, kind=EventKind.CLICK, key=key, token=impression.token,
                                           user=viewer, placement=impression.placement, charge_fen=charge,
                                           created_at=now)
            track("ad.click", user=viewer, obj=campaign, placement=impression.placement, charge_fen=charge,
                  event_id=event.pk)
    except IntegrityError:
        twin = AdEvent.objects.filter(key=key).first()
        if twin is None:
            raise
        return twin
    return event


def ad_serve(*, campaigns: list[AdCampaign], user: Any, placement: str) -> tuple[AdCampaign, AdEvent] | None:
    """Show the first of these candidates (best first, `selectors.ad_candidates`) that can be shown and billed
    now; None when none can."""
    for campaign in campaigns:
        try:
            return campaign, impression_record(campaign_id=campaign.pk, user=user, placement=placement)
        except DomainError:
            continue
    return None


# --- credit: orders after a click ---------------------------------------------------------------------------------


def _credit_order(event: OrderMomentEvent) -> None:
    since = event.at - dt.timedelta(days=attribution_days())
    clicks = list(AdEvent.objects.filter(
        kind=EventKind.CLICK, user_id=event.buyer_id, created_at__gte=since, created_at__lte=event.at,
        campaign__merchant_id=event.merchant_id).select_related("campaign").order_by("-created_at", "-id")[:50])
    if not clicks or AdConversion.objects.filter(order_id=event.order_id).exists():
        return
    lines = order_selectors.order_line_rows(order_ids=[event.order_id])
    for click in clicks:  # the latest click whose campaign the order is about wins
        campaign = click.campaign
        if campaign.target_product_id is not None:
            amount = sum(int(r["payable_fen"]) for r in lines if r["product_id"] == campaign.target_product_id)
        else:
            amount = sum(int(r["payable_fen"]) for r in lines)
        if amount <= 0:
            continue
        try:
            with transaction.atomic():
                conversion = AdConversion.objects.create(campaign=campaign, click=click, order_id=event.order_id,
                                                         amount_fen=amount, created_at=event.at)
                track("ad.conversion", user=None, obj=campaign, order_id=event.order_id, amount_fen=amount,
                      conversion_id=conversion.pk)
        except IntegrityError:  # the moment's hook ran twice at once: credited once
            pass
        return
