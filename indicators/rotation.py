"""Relative performance of two series: ratio lines rebased to 100, returns since an anchor.

Contract: inputs are adjusted closes as ``pd.Series`` on a session ``DatetimeIndex`` (NaN where
a series has no bar). Nothing is filled: a ratio exists only on sessions where both legs have a
close. The *base* of a rebase or a return anchored at date ``a`` is the first defined value on
or after ``a`` (the chart starts there, so the line starts at exactly 100 and the return is
measured from the first point drawn). Year to date uses the last close of the previous calendar
year (the conventional YTD base); a series listed during the year falls back to its first close
of the year. Returns are in percent. Pure: no Dash, no I/O.
"""

from __future__ import annotations

import math

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
