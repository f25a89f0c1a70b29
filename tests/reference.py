"""Naive per-ticker reference of the breadth counts, for tests and benchmarks only.

A loop over tickers; each ticker's own bars (``dropna``) go through pandas ``rolling``;
per-cell flags are re-indexed to the session calendar and summed across tickers. Slow and
obviously right, so the fast kernel is compared against it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicators.kernels import ABOVE_TOLERANCE, COUNT_COLUMNS, EXTREME_TOLERANCE


def reference_counts(
    close: pd.DataFrame,
    high: pd.DataFrame | None = None,
    low: pd.DataFrame | None = None,
    member: pd.DataFrame | None = None,
    *,
    fast: int = 50,
    slow: int = 200,
    hl_window: int = 252,
) -> pd.DataFrame:
    """Per-session counts with the columns of ``indicators.kernels.COUNT_COLUMNS``."""
    total = pd.DataFrame(0, index=close.index, columns=list(COUNT_COLUMNS), dtype="int64")
    for ticker in close.columns:
        c = close[ticker].astype("float64")
        bars = c.dropna()
        if member is not None:
            is_member = member[ticker].astype(bool)
        elif bars.empty:
            is_member = pd.Series(False, index=close.index)
        else:
            is_member = (close.index >= bars.index[0]) & (close.index <= bars.index[-1])
            is_member = pd.Series(is_member, index=close.index)
        total["members"] += is_member.astype("int64")
        if bars.empty:
            continue
        h = bars if high is None else high[ticker].astype("float64").reindex(bars.index)
        lo = bars if low is None else low[ticker].astype("float64").reindex(bars.index)
        h = h.fillna(bars)
        lo = lo.fillna(bars)
        n_bars = pd.Series(np.arange(1, len(bars) + 1), index=bars.index)
        sma_f = bars.rolling(fast).mean()
        sma_s = bars.rolling(slow).mean()
        hi_max = h.rolling(hl_window).max()
        lo_min = lo.rolling(hl_window).min()
        prev = bars.shift(1)
        flags = pd.DataFrame(index=bars.index)
        flags["members_with_data"] = 1
        flags["eligible_fast"] = n_bars >= fast
        flags["above_fast"] = (n_bars >= fast) & (bars > sma_f * (1 + ABOVE_TOLERANCE))
        flags["eligible_slow"] = n_bars >= slow
        flags["above_slow"] = (n_bars >= slow) & (bars > sma_s * (1 + ABOVE_TOLERANCE))
        flags["eligible_52w"] = n_bars >= hl_window
        flags["new_highs_52w"] = (n_bars >= hl_window) & (h >= hi_max * (1 - EXTREME_TOLERANCE))
        flags["new_lows_52w"] = (n_bars >= hl_window) & (lo <= lo_min * (1 + EXTREME_TOLERANCE))
        flags["advances"] = prev.notna() & (bars > prev)
        flags["declines"] = prev.notna() & (bars < prev)
        flags["unchanged"] = prev.notna() & (bars == prev)
        flags = flags.astype("int64").reindex(close.index, fill_value=0)
        flags = flags.mul(is_member.astype("int64"), axis=0)
        for col in flags.columns:
            total[col] += flags[col]
    return total
