"""Advertising: reads (which ads a viewer may see, a merchant's campaigns and balance, the reports)."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from quanzi.ads.enums import Billing, CampaignStatus, EventKind, Placement
from quanzi.ads.models import AdCampaign, AdConversion, AdEvent, AdFrequency, AdLedgerEntry, AdTopUp
from quanzi.communities.selectors import joined_community_ids
from quanzi.personas.selectors import segment_contains
from quanzi.recommend.selectors import preference_of

if TYPE_CHECKING:
    from quanzi.catalog.models import Merchant

CANDIDATES = 20  # campaigns read per slot before targeting and caps are applied
CPC_ASSUMED_CTR_PER_MILLE = 10  # a CPC bid counts as price × 10 per thousand impressions (1 % CTR) when ranked


def _authed(user: Any) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def personalised_for(user: Any) -> bool:
    """Targeted ads only for members who keep recommend's personalisation on (visitors never get them)."""
    return _authed(user) and bool(preference_of(user=user).personalised)


def ecpm(campaign: AdCampaign) -> int:
    """What a thousand impressions earn, to rank CPM and CPC campaigns together."""
    return campaign.price_fen if campaign.billing == Billing.CPM else campaign.price_fen * CPC_ASSUMED_CTR_PER_MILLE


def ad_candidates(*, placement: str, user: Any, community_id: int | None = None,
                  now: dt.datetime | None = None, rng: random.Random | None = None) -> list[AdCampaign]:
    """The campaigns this viewer may be shown in this placement now, best first (a draw weighted by eCPM, so
    every eligible campaign gets its share). Only approved (active) campaigns in schedule with budget left;
    members who switched personalisation off (and visitors) get untargeted ones only; a community-targeted
    campaign shows to that community's members, in the feed slot only on that community's feed; a
    segment-targeted one to the segment's members; none past its frequency cap today."""
    if placement not in Placement.values:
        return []
    now = now or timezone.now()
    qs = AdCampaign.objects.filter(
        placement=placement, status=CampaignStatus.ACTIVE, starts_at__lte=now, ends_at__gt=now).filter(
        Q(billing=Billing.CPM, budget_fen__gt=F("spent_fen"))
        | Q(billing=Billing.CPC, budget_fen__gte=F("spent_fen") + F("price_fen")))
    personalised = personalised_for(user)
    if not personalised:
        qs = qs.filter(target_community__isnull=True, target_segment_id__isnull=True)
    rows = list(qs.order_by("-price_fen", "pk")[:CANDIDATES])
    if not rows:
        return []
    joined = set(joined_community_ids(user=user)) if personalised else set()
    capped: set[int] = set()
    if _authed(user):
        capped = set(AdFrequency.objects.filter(
            user=user, day=timezone.localdate(now), campaign_id__in=[c.pk for c in rows],
            shown__gte=F("campaign__frequency_cap")).values_list("campaign_id", flat=True))
    eligible = []
    for c in rows:
        if c.pk in capped:
            continue
        if c.target_community_id is not None:
            if c.target_community_id not in joined:
                continue
            if placement == Placement.FEED and community_id != c.target_community_id:
                continue
        if c.target_segment_id is not None and not segment_contains(c.target_segment_id, user.pk):
            continue
        eligible.append(c)
    rng = rng or random.Random()
    ordered: list[AdCampaign] = []
    while eligible:  # weighted draw without replacement
        pick = rng.choices(eligible, weights=[max(1, ecpm(c)) for c in eligible])[0]
        ordered.append(pick)
        eligible.remove(pick)
    return ordered


def impression_by_token(*, token: str) -> AdEvent | None:
    return AdEvent.objects.filter(key=f"imp:{(token or '')[:32]}").select_related(
        "campaign", "campaign__target_product").first()


def target_url(campaign: AdCampaign) -> str:
    if campaign.target_product_id is not None:
        return f"/shop/p/{campaign.target_product_id}/"
    return campaign.target_path or "/"


# --- the merchant's side -----------------------------------------------------------------------------------------


def campaigns_of(*, merchant: Merchant) -> QuerySet[AdCampaign]:
    return AdCampaign.objects.filter(merchant=merchant).select_related("target_product", "target_community")


def ledger_of(*, merchant: Merchant) -> QuerySet[AdLedgerEntry]:
    return AdLedgerEntry.objects.filter(merchant=merchant).select_related("campaign")


def topups_of(*, merchant: Merchant) -> QuerySet[AdTopUp]:
    return AdTopUp.objects.filter(merchant=merchant)


def campaigns_to_review() -> QuerySet[AdCampaign]:
    return AdCampaign.objects.filter(status=CampaignStatus.PENDING).select_related("merchant").order_by("pk")


@dataclass
class DayRow:
    day: dt.date
    impressions: int = 0
    clicks: int = 0
    spent_fen: int = 0


@dataclass
class Report:
    impressions: int
    clicks: int
    spent_fen: int
    billed_fen: int  # the sum of the billed events (equals spent_fen)
    orders: int
    gmv_fen: int
    days: list[DayRow] = field(default_factory=list)

    @property
    def ctr_percent(self) -> Decimal | None:
        if not self.impressions:
            return None
        return (Decimal(self.clicks) * 100 / Decimal(self.impressions)).quantize(Decimal("0.01"))

    @property
    def roi(self) -> Decimal | None:
        """Credited sales per yuan spent (成交额 / 花费)."""
        if not self.spent_fen:
            return None
        return (Decimal(self.gmv_fen) / Decimal(self.spent_fen)).quantize(Decimal("0.01"))


def campaign_report(*, campaign: AdCampaign, days: int = 14) -> Report:
    """Impressions, clicks, CTR, spend, credited orders and their sales, ROI; and the last `days` days."""
    counts = dict(AdEvent.objects.filter(campaign=campaign).values("kind").annotate(n=Count("id"))
                  .values_list("kind", "n"))
    billed = AdEvent.objects.filter(campaign=campaign).aggregate(s=Sum("charge_fen"))["s"] or 0
    conv = AdConversion.objects.filter(campaign=campaign).aggregate(n=Count("id"), s=Sum("amount_fen"))
    since = timezone.localdate() - dt.timedelta(days=days - 1)
    rows = {since + dt.timedelta(days=i): DayRow(since + dt.timedelta(days=i)) for i in range(days)}
    per_day = (AdEvent.objects.filter(campaign=campaign, created_at__date__gte=since)
               .annotate(day=TruncDate("created_at")).values("day", "kind")
               .annotate(n=Count("id"), s=Sum("charge_fen")).values_list("day", "kind", "n", "s"))
    for day, kind, n, s in per_day:
        row = rows.get(day)
        if row is None:
            continue
        if kind == EventKind.IMPRESSION:
            row.impressions += n
        else:
            row.clicks += n
        row.spent_fen += int(s or 0)
    spent = AdCampaign.objects.filter(pk=campaign.pk).values_list("spent_fen", flat=True).get()
    return Report(impressions=counts.get(EventKind.IMPRESSION, 0), clicks=counts.get(EventKind.CLICK, 0),
                  spent_fen=int(spent), billed_fen=int(billed), orders=int(conv["n"] or 0),
                  gmv_fen=int(conv["s"] or 0), days=[rows[d] for d in sorted(rows, reverse=True)])


def conversions_of(*, campaign: AdCampaign, limit: int = 20) -> list[AdConversion]:
    return list(AdConversion.objects.filter(campaign=campaign).order_by("-id")[:limit])


# --- revenue (the platform's side) -------------------------------------------------------------------------------


def spend_by_day(*, since: dt.date | None = None) -> dict[dt.date, int]:
    """What the ads billed per day (the platform's ad revenue): the sum of the billed events' charges."""
    qs = AdEvent.objects.filter(charge_fen__gt=0)
    if since is not None:
        qs = qs.filter(created_at__date__gte=since)
    rows = qs.annotate(day=TruncDate("created_at")).values("day").annotate(s=Sum("charge_fen")).values_list("day", "s")
    return {day: int(s or 0) for day, s in rows}


def spend_ledger_total() -> int:
    """The ad revenue by the campaigns' own counters (each campaign's `spent_fen`): reconciles with the events."""
    return int(AdCampaign.objects.aggregate(s=Sum("spent_fen"))["s"] or 0)
