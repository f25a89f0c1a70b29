"""Sector breadth: % of each sector's members above their own n-day average, per session.

Contract: ``close`` a wide panel ``DataFrame[index=session dates, columns=tickers]`` of
adjusted closes, NaN where a ticker has no bar; ``member`` an optional boolean panel of the
same shape (point in time; None: each ticker a member from its first to its last bar);
``sectors`` ticker -> sector name (tickers it lacks are ``UNASSIGNED``). The counts are
those of the universe's participation (``indicators.kernels.window_counts`` on each sector's
columns: own last n bars, above when close > SMA·(1 + 1e-10)). Output is long: one row per
session and sector, percent in 0–100; a value on date d uses bars up to d only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicators.kernels import window_counts
from indicators.stats import trailing_percentile

UNASSIGNED = "Unassigned"
COLUMNS: tuple[str, ...] = ("date", "sector", "members", "members_with_data", "eligible", "above",
                            "pct_above")  # fmt: skip
"""Columns of ``sector_breadth``: per session and sector, members, members with a bar,
members with ≥ n bars (eligible), those above their n-day SMA, and 100·above/eligible (NaN
when no member is eligible)."""


def sector_of(tickers: pd.Index, sectors: pd.Series) -> pd.Series:
    """Each ticker's sector (``UNASSIGNED`` when ``sectors`` has none), on ``tickers``."""
    got = sectors.reindex(tickers.astype(str))
    return got.where(got.notna() & (got.astype(str) != ""), UNASSIGNED).astype(str)


def sector_breadth(
    close: pd.DataFrame,
    sectors: pd.Series,
    window: int = 200,
    member: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Per session and sector: ``COLUMNS`` (see there), sorted by date then sector, every
    sector that has a ticker in the panel (``UNASSIGNED`` last)."""
    if window < 1:
        raise ValueError("window must be at least one bar")
    if member is not None and member.shape != close.shape:
        raise ValueError(f"member panel shape {member.shape} != close {close.shape}")
    groups = sector_of(close.columns, sectors)
    names = sorted(set(groups) - {UNASSIGNED}) + ([UNASSIGNED] if UNASSIGNED in set(groups) else [])
    values = close.to_numpy()
    mask = None if member is None else member.to_numpy(dtype=bool)
    parts = []
    for name in names:
        cols = np.flatnonzero(groups.to_numpy() == name)
        counts = window_counts(
            values[:, cols],
            member=None if mask is None else mask[:, cols],
            sma_windows=(window,),
            hl_windows=(),
        )
        members, with_data, eligible, above = (counts[:, i] for i in range(4))
        pct = np.where(eligible > 0, 100.0 * above / np.maximum(eligible, 1), np.nan)
        parts.append(
            pd.DataFrame(
                {
                    "date": close.index,
                    "sector": name,
                    "members": members,
                    "members_with_data": with_data,
                    "eligible": eligible,
                    "above": above,
                    "pct_above": pct,
                }
            )
        )
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in COLUMNS})
    out = pd.concat(parts, ignore_index=True)
    order = {n: i for i, n in enumerate(names)}
    out["_o"] = out["sector"].map(order)
    out = out.sort_values(["date", "_o"], kind="stable").drop(columns="_o")
    return out.reset_index(drop=True)[list(COLUMNS)]


def with_percentile(frame: pd.DataFrame, min_history: int = 252) -> pd.DataFrame:
    """``frame`` (``sector_breadth``) plus ``percentile``: each sector's value on a date
    ranked among its own values up to that date (``indicators.stats.trailing_percentile``:
    no look-ahead, ties count half, NaN before ``min_history`` defined values)."""
    pct = frame.groupby("sector", sort=False)["pct_above"].transform(
        lambda s: trailing_percentile(s, min_history)
    )
    return frame.assign(percentile=pct)


def weekly(frame: pd.DataFrame, column: str = "pct_above") -> pd.DataFrame:
    """Sectors × weeks: ``column`` on the last session of each week (Monday–Sunday) that the
    frame holds, columns are those sessions' dates; rows in the frame's sector order."""
    wide = frame.pivot(index="date", columns="sector", values=column)
    if wide.empty:
        return wide.T
    index = pd.DatetimeIndex(wide.index)
    week = index.to_period("W-SUN")
    last = pd.Series(index, index=index).groupby(week).max()
    order = list(dict.fromkeys(frame["sector"]))
    return wide.loc[pd.DatetimeIndex(last.to_numpy()), order].T
