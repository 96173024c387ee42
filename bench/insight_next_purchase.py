"""Held-out check of the next-purchase estimate (metric `next_purchase`) on the Taobao sample.

Calibration 2017-11-25 .. 11-30, holdout 12-01 .. 12-03. For every buyer of the calibration period: does the
predicted next-purchase day fall in the holdout, against whether they bought there; and for holdout buyers, the
days between the predicted day and their first holdout purchase. Baselines: "nobody buys" and the calibration
purchase rate. BG/NBD (btyd) is tried and reported when it cannot run.

    .venv/bin/python bench/insight_next_purchase.py
"""

from __future__ import annotations

import inspect
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

SAMPLE = Path(__file__).resolve().parents[2] / "shared" / "data" / "taobao_behavior" / "UserBehavior_sample.csv"


def main() -> None:
    warnings.filterwarnings("ignore")
    df = pd.read_csv(sys.argv[1] if len(sys.argv) > 1 else SAMPLE, header=None, names=["u", "i", "c", "k", "ts"])
    df["at"] = pd.to_datetime(df["ts"], unit="s")
    buys = df[df["k"] == "buy"]
    start, cal_end, hold_end = pd.Timestamp("2017-11-25"), pd.Timestamp("2017-12-01"), pd.Timestamp("2017-12-04")
    cal = buys[(buys["at"] >= start) & (buys["at"] < cal_end)].sort_values(["u", "at"])
    hold = buys[(buys["at"] >= cal_end) & (buys["at"] < hold_end)]
    users = cal["u"].unique()
    first_hold = hold.groupby("u")["at"].min()
    bought = np.array([u in first_hold.index for u in users])

    # the metric's estimator: last payment day + own mean interval, else the median interval of all buyers
    gaps = cal.groupby("u")["at"].diff().dt.total_seconds() / 86400
    median_gap = float(np.median(gaps.dropna()))
    mean_gap = gaps.groupby(cal["u"]).mean()
    last = cal.groupby("u")["at"].max()
    hits, errors = [], []
    for u, did in zip(users, bought, strict=True):
        gap = mean_gap.get(u)
        gap = median_gap if gap is None or np.isnan(gap) else gap
        predicted = last[u].normalize() + pd.Timedelta(days=round(gap))
        hits.append((cal_end <= predicted < hold_end) == did)
        if did:
            errors.append(abs((first_hold[u].normalize() - max(predicted, cal_end)).days))
    print(f"buyers={len(users)} holdout_buyers={int(bought.sum())} median_gap_days={median_gap:.2f}")
    print(f"metric (own mean interval): buy-in-holdout accuracy={np.mean(hits):.3f}, "
          f"mean |day error| for holdout buyers={np.mean(errors):.2f}")
    print(f"baseline nobody-buys: accuracy={np.mean(~bought):.3f}")
    rate = cal.groupby("u").size().reindex(users).to_numpy() / 6.0 * 3
    print(f"baseline calibration rate (expected >= 0.5 buys): accuracy={np.mean((rate >= 0.5) == bought):.3f}")

    inspect.getargspec = inspect.getfullargspec  # type: ignore[attr-defined]  # autograd (btyd) still calls it
    np.msort = lambda a: np.sort(a, axis=0)  # type: ignore[attr-defined]  # removed in numpy 2; btyd calls it
    try:
        from btyd import BetaGeoFitter  # noqa: F401
    except Exception as exc:  # noqa: BLE001 - report why the library cannot run, whatever it is
        print(f"BG/NBD (btyd): cannot run here: {type(exc).__name__}: {exc}")


if __name__ == "__main__":
    main()
