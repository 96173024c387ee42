"""The real Taobao UserBehavior sample through the importer: funnel, retention and repurchase equal an
independent pandas computation of the same definitions (written here from the CSV, not from the lake)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from quanzi.insight import importer, selectors

SAMPLE = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "taobao_behavior" / "UserBehavior_sample.csv"
FROM, TO = dt.date(2017, 11, 25), dt.date(2017, 12, 3)

pytestmark = pytest.mark.skipif(not SAMPLE.exists(), reason=f"the Taobao sample is not at {SAMPLE}")


@pytest.fixture
def loaded(lake_root):  # type: ignore[no-untyped-def]
    report = importer.import_log(SAMPLE, fmt="taobao")
    assert report.rows == 84475 and report.bad_rows == 0 and report.orders == 1750
    df = pd.read_csv(SAMPLE, header=None, names=["user", "item", "cat", "kind", "ts"])
    df["at"] = pd.to_datetime(df["ts"], unit="s")
    df["day"] = df["at"].dt.date
    return df


def test_funnel_matches_pandas(loaded):
    df = loaded
    r = df[(df["day"] >= FROM) & (df["day"] <= TO)]
    kinds = r.groupby("user")["kind"].agg(set)
    did = {k: kinds.map(lambda s, k=k: k in s) for k in ("pv", "cart", "buy")}
    expected = [len(kinds), int(did["pv"].sum()), int((did["pv"] & did["cart"]).sum()),
                int((did["pv"] & did["cart"] & did["buy"]).sum())]
    expected.append(expected[-1])  # a Taobao buy is placed and paid at once
    got = selectors.metric_result("funnel", date_from=FROM, date_to=TO)
    assert [row[2] for row in got.rows] == expected
    assert expected[0] > expected[2] > expected[3] > 0  # a real funnel, not a flat line
    assert got.rows[2][3] == round(expected[2] / expected[1], 4)


def test_retention_matches_pandas(loaded):
    df = loaded
    days = df[["user", "day"]].drop_duplicates()
    first = days.groupby("user")["day"].min().rename("first")
    last_day = days["day"].max()
    j = days.join(first, on="user")
    j["n"] = [(d - f).days for d, f in zip(j["day"], j["first"], strict=True)]
    expected = []
    for cohort, grp in j[(j["first"] >= FROM) & (j["first"] <= TO)].groupby("first"):
        size = grp["user"].nunique()

        def rate(n: int, grp=grp, size=size, cohort=cohort):  # type: ignore[no-untyped-def]
            if n > 1 and (last_day - cohort).days < n:
                return None
            return round(grp.loc[grp["n"] == n, "user"].nunique() / size, 4)

        expected.append((cohort, size, rate(1), rate(7), rate(30)))
    got = selectors.metric_result("retention_daily", date_from=FROM, date_to=TO).rows
    assert got == expected
    assert len(got) >= 5 and got[0][1] > 100


def test_repurchase_matches_pandas(loaded):
    df = loaded
    buys = df[(df["kind"] == "buy") & (df["day"] >= FROM) & (df["day"] <= TO)].sort_values(["user", "at"])
    per_user = buys.groupby("user").size()
    gaps = buys.groupby("user")["at"].diff().dropna().dt.total_seconds()
    got = selectors.metric_result("repurchase", date_from=FROM, date_to=TO)
    assert dict(zip(got.columns, got.rows[0], strict=True)) == {
        "buyers": len(per_user), "repeat_buyers": int((per_user >= 2).sum()),
        "repurchase_rate": round((per_user >= 2).sum() / len(per_user), 4),
        "interval_days_mean": round(gaps.mean() / 86400, 2),
        "interval_days_median": round(float(np.median(gaps)) / 86400, 2),
    }
