"""Claim check: the figures behind "a narrow rally, then broadening", recomputed for a date.

Contract: breadth frames as ``indicators.breadth.compute_breadth`` returns them (sessions ×
indicator columns, percent in 0–100); benchmark legs as adjusted-close ``pd.Series`` on a
session index, NaN where there is no bar. ``asof`` is a session date; every figure uses data
up to and including ``asof`` only — the long-run average and the percentile too (what the
note's author could have known on that day). Pure: no Dash, no I/O.

Claims (ids are stable; exact definitions also in docs/INDICATORS.md):

- ``pct_above_200dma``: % of the universe's members above their 200-bar SMA;
- ``pct_new_highs_52w``: % of members at a 52-week (252-bar) high, one row per universe;
- ``index_gain_from_12m_low``: 100·(P_asof / min(P over the last 252 bars, asof included) − 1)
  of the cap-weighted large-cap series (role "large": SPY, ^GSPC, ...);
- ``small_caps_ytd``: year-to-date return of role "small" (IWM, ^RUT, ...), base = last close
  of the previous calendar year (``indicators.rotation.ytd_return``);
- ``value_vs_growth_since_low`` / ``small_vs_large_since_low``: 100·(R_asof / R_low − 1) with
  R = numerator / denominator closes and "low" = the session of that 12-month low.

For the three "since the low" claims the same quantity is computed for every session (each
with its own trailing 12-month low), giving a long-run average and a trailing percentile
(``indicators.stats``: ties count half). Year to date has no such context (a calendar-anchored
return is not comparable across the year): NaN.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from indicators.rotation import ytd_return
from indicators.stats import MIN_HISTORY, trailing_percentile

LOW_WINDOW = 252
"""Sessions in "the previous 12 months" (the series' own bars, asof included)."""

CLAIM_COLUMNS: tuple[str, ...] = (
    "claim", "universe", "value", "long_run_average", "percentile", "members_with_data",
    "definition", "note", "asof",
)  # fmt: skip
"""Columns of the claim table (``asof`` = the session the figures are for)."""


@dataclass(frozen=True)
class UniverseBreadth:
    """A universe's breadth frame with the caveat to show beside it."""

    name: str
    frame: pd.DataFrame
    note: str = ""


@dataclass(frozen=True)
class Leg:
    """A benchmark role resolved to a ticker (``close`` None: no series in the store)."""

    role: str
    ticker: str | None
    close: pd.Series | None


def context(series: pd.Series, asof: pd.Timestamp) -> tuple[float, float, float]:
    """(value on asof, mean of defined values up to asof, trailing percentile on asof)."""
    upto = series.loc[:asof].astype("float64")
    if upto.empty or upto.index[-1] != asof or math.isnan(upto.iloc[-1]):
        value = math.nan
    else:
        value = float(upto.iloc[-1])
    defined = upto.dropna()
    lra = float(defined.mean()) if len(defined) else math.nan
    pct = math.nan
    if not math.isnan(value) and len(defined) >= MIN_HISTORY:
        pct = float(trailing_percentile(defined).iloc[-1])
    return value, lra, pct


def trailing_low_index(close: pd.Series, window: int = LOW_WINDOW) -> pd.Series:
    """For each bar: the date of the lowest close over the last ``window`` bars (NaT before)."""
    px = close.dropna().astype("float64")
    out = pd.Series(pd.NaT, index=px.index, dtype="datetime64[ns]")
    if len(px) < window:
        return out
    windows = np.lib.stride_tricks.sliding_window_view(px.to_numpy(), window)
    pos = np.arange(window - 1, len(px)) - (window - 1) + windows.argmin(axis=1)
    out.iloc[window - 1 :] = px.index.to_numpy()[pos]
    return out


def gain_from_low(close: pd.Series, window: int = LOW_WINDOW) -> pd.Series:
    """100·(P_t / min of the last ``window`` closes − 1) on each bar; NaN before ``window``."""
    px = close.dropna().astype("float64")
    low = px.rolling(window, min_periods=window).min()
    return 100.0 * (px / low - 1.0)


def relative_since_low(num: pd.Series, den: pd.Series, low_dates: pd.Series) -> pd.Series:
    """100·(R_t / R_low(t) − 1), R = num/den, for each t of ``low_dates`` (t → its low date)."""
    n, d = num.astype("float64").align(den.astype("float64"), join="inner")
    ratio = (n / d).where((n > 0) & (d > 0))
    at_t = ratio.reindex(low_dates.index).to_numpy()
    at_low = ratio.reindex(pd.DatetimeIndex(low_dates.to_numpy())).to_numpy()
    return pd.Series(100.0 * (at_t / at_low - 1.0), index=low_dates.index)


def _row(
    claim: str,
    universe: str,
    stats: tuple[float, float, float],
    members: int,
    definition: str,
    note: str,
    asof: pd.Timestamp,
) -> dict[str, Any]:
    value, lra, pct = stats
    return {
        "claim": claim,
        "universe": universe,
        "value": value,
        "long_run_average": lra,
        "percentile": pct,
        "members_with_data": members,
        "definition": definition,
        "note": note,
        "asof": asof.date().isoformat(),
    }


def _count(frame: pd.DataFrame, column: str, asof: pd.Timestamp) -> int:
    if column not in frame.columns or asof not in frame.index:
        return 0
    value = frame.at[asof, column]
    return 0 if pd.isna(value) else int(value)


def breadth_rows(
    universe: UniverseBreadth, compare: UniverseBreadth | None, asof: pd.Timestamp
) -> list[dict[str, Any]]:
    """The pct_above_200dma row of ``universe`` and pct_new_highs_52w rows of both."""
    rows = [
        _row(
            "pct_above_200dma",
            universe.name,
            context(universe.frame["pct_above_200dma"], asof),
            _count(universe.frame, "eligible_200dma", asof),
            "% of members on the date with a close above their 200-bar simple moving average "
            "(members_with_data: members with a bar and ≥200 bars, the denominator); long-run "
            "average and percentile over the sessions up to the date",
            universe.note,
            asof,
        )
    ]
    for ub in [universe] + ([compare] if compare and compare.name != universe.name else []):
        rows.append(
            _row(
                "pct_new_highs_52w",
                ub.name,
                context(ub.frame["pct_new_highs_52w"], asof),
                _count(ub.frame, "eligible_52w", asof),
                "% of members whose high (the close where the data has no intraday high) "
                "made or matched the highest of their last 252 bars (members_with_data: "
                "members with a bar and ≥252 bars)",
                ub.note,
                asof,
            )
        )
    return rows


def _missing(claim: str, roles: list[Leg], asof: pd.Timestamp, definition: str) -> dict[str, Any]:
    names = ", ".join(leg.role for leg in roles if leg.close is None)
    stats = (math.nan, math.nan, math.nan)
    return _row(
        claim,
        "/".join(leg.ticker or f"({leg.role})" for leg in roles),
        stats,
        0,
        definition,
        f"no series for role {names} in the store",
        asof,
    )


def _has_bar(close: pd.Series | None, asof: pd.Timestamp) -> int:
    return int(close is not None and asof in close.index and not pd.isna(close.loc[asof]))


def index_rows(legs: dict[str, Leg], asof: pd.Timestamp) -> list[dict[str, Any]]:
    """index_gain_from_12m_low, small_caps_ytd and the two relative-since-the-low rows."""
    large, small = legs["large"], legs["small"]
    rows: list[dict[str, Any]] = []
    gain_def = (
        "percent gain of the large-cap index (role large) from its lowest close of the last "
        f"{LOW_WINDOW} sessions (asof included) to its close on the date; adjusted closes"
    )
    low_day: pd.Timestamp | None = None
    lows = pd.Series(dtype="datetime64[ns]")
    if large.close is None:
        rows.append(_missing("index_gain_from_12m_low", [large], asof, gain_def))
    else:
        upto = large.close.loc[:asof]
        lows = trailing_low_index(upto)
        low_day = lows.iloc[-1] if len(lows) and lows.index[-1] == asof else None
        note = f"low on {low_day.date()}" if low_day is not None and pd.notna(low_day) else ""
        rows.append(
            _row(
                "index_gain_from_12m_low",
                str(large.ticker),
                context(gain_from_low(upto), asof),
                _has_bar(large.close, asof),
                gain_def,
                note,
                asof,
            )
        )
    ytd_def = (
        "small-cap index (role small) return from the last close of the previous calendar "
        "year to the close on the date; adjusted closes (total return for ETFs)"
    )
    if small.close is None:
        rows.append(_missing("small_caps_ytd", [small], asof, ytd_def))
    else:
        stats = (ytd_return(small.close.loc[:asof], asof), math.nan, math.nan)
        note = "no long-run context for a calendar-year return"
        members = _has_bar(small.close, asof)
        rows.append(_row("small_caps_ytd", str(small.ticker), stats, members, ytd_def, note, asof))
    for claim, num_role, den_role in (
        ("value_vs_growth_since_low", "value", "growth"),
        ("small_vs_large_since_low", "small", "large"),
    ):
        num, den = legs[num_role], legs[den_role]
        definition = (
            f"relative return of {num_role} vs {den_role}, 100·(R_date/R_low − 1) with R = "
            f"{num_role}/{den_role} closes and 'low' the session of the large-cap index's "
            f"{LOW_WINDOW}-session low; positive = {num_role} outperformed since the low"
        )
        if num.close is None or den.close is None or large.close is None:
            roles = [num, den] + ([large] if den.role != "large" and large.close is None else [])
            rows.append(_missing(claim, roles, asof, definition))
            continue
        series = relative_since_low(num.close.loc[:asof], den.close.loc[:asof], lows)
        note = f"low on {low_day.date()}" if low_day is not None and pd.notna(low_day) else ""
        members = _has_bar(num.close, asof) + _has_bar(den.close, asof)
        rows.append(
            _row(
                claim,
                f"{num.ticker}/{den.ticker}",
                context(series, asof),
                members,
                definition,
                note,
                asof,
            )
        )
    return rows


def claim_table(
    universe: UniverseBreadth,
    compare: UniverseBreadth | None,
    legs: dict[str, Leg],
    asof: pd.Timestamp,
) -> pd.DataFrame:
    """Every claim row for ``asof`` (columns ``CLAIM_COLUMNS``), breadth rows first."""
    rows = breadth_rows(universe, compare, asof) + index_rows(legs, asof)
    table = pd.DataFrame(rows, columns=list(CLAIM_COLUMNS))
    table["members_with_data"] = table["members_with_data"].astype("int64")
    return table
