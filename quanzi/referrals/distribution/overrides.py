"""Rate overrides that apps above distribution plug in, without distribution importing them.

`kol_rate(name, fn)`: `fn(kol_id, product_id, at) -> Decimal | None` — the commission rate a KOL earns on a
product at a moment by an agreement made elsewhere (the KOL marketplace's accepted deal: its agreed rate for the
deal's products over the deal's period). `commission_accrue` asks when the line's level-1 beneficiary is the
line's own KOL (their post or shelf) and uses the answer instead of the KOL rate of the settings; None leaves the
settings' rate. Only the KOL's level-1 commission changes: levels 2 and 3 keep their rates. A rate outside the
legal range (`rules.check_rate`) is ignored, so a bad provider cannot break the ledger's constraints."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from quanzi.referrals.distribution import rules

KolRate = Callable[[int, int, dt.datetime], Decimal | None]

KOL_RATES: dict[str, KolRate] = {}


def kol_rate(name: str, fn: KolRate) -> None:
    """Register (or replace, by name) a KOL rate provider."""
    KOL_RATES[name] = fn


def unregister(name: str) -> None:
    KOL_RATES.pop(name, None)


def kol_rate_for(*, kol_id: int, product_id: int, at: dt.datetime) -> Decimal | None:
    """The first provider's answer (providers in name order) that is a legal rate, or None."""
    for name in sorted(KOL_RATES):
        rate = KOL_RATES[name](kol_id, product_id, at)
        if rate is not None and rules.check_rate(rate):
            return rate
    return None
