"""Row locks on the advertising app's tables (one helper per model; docs/ARCHITECTURE.md, "Lock order").

A campaign's submission locks its merchant's `AdAccount` row, then sums the ledger and writes the reservation,
so two submissions of one merchant cannot both reserve the same balance. Billing locks nothing: the campaign's
spend moves by a conditional update on its remaining budget."""

from __future__ import annotations

from quanzi.ads.models import AdAccount, AdCampaign
from quanzi.core.locks import lock_row


def lock_ad_account(merchant_id: int) -> AdAccount:
    """Lock (creating it the first time) the merchant's ad account."""
    account, _created = AdAccount.objects.get_or_create(merchant_id=merchant_id)
    return lock_row(AdAccount, account.pk)


def lock_campaign(campaign_id: int) -> AdCampaign:
    """Lock a campaign row (a picture set on a draft while it is being submitted)."""
    return lock_row(AdCampaign, campaign_id)
