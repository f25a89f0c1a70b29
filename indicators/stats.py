"""Context for a breadth series: its long-run average and trailing percentiles.

Contract: a ``pd.Series`` on the session index, NaN where undefined. The long-run average
is over the whole series (its period is returned with it); percentiles are *trailing*: a
day's percentile uses only values up to and including that day (no look-ahead).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

MIN_HISTORY = 252
"""Observations needed before a trailing percentile is reported (one year of sessions)."""


@dataclass(frozen=True)
class LongRunAverage:
    """Mean of the defined values of a series, with the period it covers."""

    value: float
    start: pd.Timestamp | None
    end: pd.Timestamp | None
    observations: int


def long_run_average(series: pd.Series) -> LongRunAverage:
    """Mean over every defined value of ``series``, and the first/last dates used."""
    defined = series.dropna()
    if defined.empty:
        return LongRunAverage(float("nan"), None, None, 0)
    return LongRunAverage(
        float(defined.mean()),
        pd.Timestamp(defined.index[0]),
        pd.Timestamp(defined.index[-1]),
        len(defined),
    )


def trailing_percentile(series: pd.Series, min_history: int = MIN_HISTORY) -> pd.Series:
    """Percentile (0–100) of each day's value among all defined values up to that day.

    Ties count half: 100·(#below + ½·#equal)/n with n the defined values so far (the day
    included). NaN days stay NaN; NaN until ``min_history`` values exist.
    """
    values = series.to_numpy(dtype="float64")
    out = np.full(len(values), np.nan)
    mask = ~np.isnan(values)
    x = values[mask]
    if len(x):
        # rank among the prefix: average rank (ties averaged) / n, via pandas' skiplist
        ranks = pd.Series(x).expanding().rank(method="average").to_numpy()
        n = np.arange(1, len(x) + 1, dtype="float64")
        pct = 100.0 * (ranks - 0.5) / n
        pct[n < min_history] = np.nan
        out[mask] = pct
    return pd.Series(out, index=series.index, name=series.name)


def trailing_quantiles(
    series: pd.Series, qs: tuple[float, ...] = (0.1, 0.9), min_history: int = MIN_HISTORY
) -> pd.DataFrame:
    """Expanding quantiles (e.g. the 10th–90th band) of the values up to each day."""
    expanding = series.expanding(min_periods=min_history)
    return pd.DataFrame({f"q{round(q * 100):02d}": expanding.quantile(q) for q in qs})
