"""Relative performance of two series: ratio lines rebased to 100, returns since an anchor.

Contract: inputs are adjusted closes as ``pd.Series`` on a session ``DatetimeIndex`` (NaN where
a series has no bar). Nothing is filled: a ratio exists only on sessions where both legs have a
close. The *base* of a rebase or a return anchored at date ``a`` is the first defined value on
or after ``a`` (the chart starts there, so the line starts at exactly 100 and the return is
measured from the first point drawn). Year to date uses the last close of the previous calendar
year (the conventional YTD base); a series listed during the year falls back to its first close
of the year. Returns are in percent. Pure: no Dash, no I/O.

``equal_weight_index`` builds a leg from constituents instead: a wide close panel
``DataFrame[sessions × tickers]`` (NaN where a ticker has no bar) and an optional boolean
membership panel of the same shape.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd


def ratio(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    """numerator / denominator on the sessions where both are defined and positive."""
    num, den = numerator.astype("float64").align(denominator.astype("float64"), join="inner")
    out = (num / den).where((num > 0) & (den > 0))
    return out.dropna().rename(None)


def base_value(series: pd.Series, anchor: pd.Timestamp) -> tuple[pd.Timestamp | None, float]:
    """(date, value) of the first defined value on or after ``anchor``; (None, NaN) if none."""
    after = series.loc[pd.Timestamp(anchor) :].dropna()
    if after.empty:
        return None, math.nan
    return pd.Timestamp(after.index[0]), float(after.iloc[0])


def rebase(series: pd.Series, anchor: pd.Timestamp) -> pd.Series:
    """``series`` scaled so that its base at ``anchor`` is 100 (all NaN when there is none)."""
    _, base = base_value(series, anchor)
    if not math.isfinite(base) or base == 0.0:
        return pd.Series(math.nan, index=series.index, dtype="float64")
    return 100.0 * series.astype("float64") / base


def rebased_ratio(numerator: pd.Series, denominator: pd.Series, anchor: pd.Timestamp) -> pd.Series:
    """The ratio line numerator/denominator, rebased to 100 at ``anchor`` (whole history).

    A rising line means the numerator outperforms. Values before the anchor are kept (below
    or above 100), so panning left stays consistent with the anchor.
    """
    return rebase(ratio(numerator, denominator), anchor)


def value_at(series: pd.Series, when: pd.Timestamp) -> tuple[pd.Timestamp | None, float]:
    """(date, value) of the last defined value on or before ``when``; (None, NaN) if none."""
    before = series.loc[: pd.Timestamp(when)].dropna()
    if before.empty:
        return None, math.nan
    return pd.Timestamp(before.index[-1]), float(before.iloc[-1])


def return_since(series: pd.Series, anchor: pd.Timestamp, end: pd.Timestamp | None = None) -> float:
    """Percent change from the base at ``anchor`` to the last value on or before ``end``.

    NaN when either end is missing or the end lies before the base.
    """
    base_day, base = base_value(series, anchor)
    last_day, last = value_at(series, end if end is not None else series.index.max())
    if base_day is None or last_day is None or last_day < base_day or base == 0.0:
        return math.nan
    return 100.0 * (last / base - 1.0)


def ytd_return(series: pd.Series, asof: pd.Timestamp) -> float:
    """Percent change from the last close of the previous year to the last close by ``asof``."""
    asof = pd.Timestamp(asof)
    year_start = pd.Timestamp(year=asof.year, month=1, day=1)
    prior = series.loc[: year_start - pd.Timedelta(days=1)].dropna()
    if prior.empty:
        return return_since(series, year_start, asof)
    base = float(prior.iloc[-1])
    last_day, last = value_at(series, asof)
    if last_day is None or last_day < year_start or base == 0.0:
        return math.nan
    return 100.0 * (last / base - 1.0)


def equal_weight_index(close: pd.DataFrame, member: pd.DataFrame | None = None) -> pd.Series:
    """Daily-rebalanced equal-weight index of a universe's constituents, 100 at the first session.

    On session t the index moves by the mean simple return of the stocks that are members on
    t (``member`` True; every column when None) and have a bar on t and a previous bar: each
    stock's return runs from its *own* previous bar (which may precede a halt; as for the
    advance/decline counts in docs/INDICATORS.md) to t, so a listing contributes from its
    second bar and a gap is never filled with a stale price. Non-positive closes are ignored.
    A session where no stock qualifies carries the level (return 0). Only bars up to t are
    read (no look-ahead). Vectorised over the panel; output is float64 on ``close.index``.
    """
    values = close.to_numpy(dtype="float64")
    if values.size == 0:
        return pd.Series(100.0, index=close.index, dtype="float64", name="equal_weight")
    valid = np.isfinite(values) & (values > 0)
    clean = np.where(valid, values, np.nan)
    # the last valid close strictly before each row: forward-fill, then shift down one row
    prev = pd.DataFrame(clean).ffill().shift(1).to_numpy()
    ok = valid & np.isfinite(prev)
    if member is not None:
        mask = member.reindex(index=close.index, columns=close.columns, fill_value=False)
        ok &= mask.to_numpy(dtype=bool)
    rets = np.where(ok, clean / np.where(ok, prev, 1.0) - 1.0, 0.0)
    counts = ok.sum(axis=1)
    mean = np.divide(rets.sum(axis=1), counts, out=np.zeros(len(counts)), where=counts > 0)
    level = 100.0 * np.cumprod(1.0 + mean)
    return pd.Series(level, index=close.index, dtype="float64", name="equal_weight")
