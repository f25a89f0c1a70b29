"""Naive per-ticker reference of the breadth counts, for tests and benchmarks only.

A loop over tickers; each ticker's own bars (``dropna``) go through pandas ``rolling``, one
call per window; per-cell flags are re-indexed to the session calendar and summed across
tickers. Slow and obviously right, so the fast kernel is compared against it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicators.kernels import (
    ABOVE_TOLERANCE,
    COUNT_COLUMNS,
    EXTREME_TOLERANCE,
    window_count_columns,
)


def reference_window_counts(
    close: pd.DataFrame,
    high: pd.DataFrame | None = None,
    low: pd.DataFrame | None = None,
    member: pd.DataFrame | None = None,
    *,
    sma_windows: tuple[int, ...] = (50, 200),
    hl_windows: tuple[int, ...] = (252,),
) -> pd.DataFrame:
    """Per-session counts with the columns of ``window_count_columns(sma_windows,
    hl_windows)`` (the layout of ``indicators.kernels.window_counts``)."""
    names = window_count_columns(sma_windows, hl_windows)
    total = np.zeros((len(close.index), len(names)), dtype="int64")
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
        total[:, 0] += is_member.to_numpy(dtype="int64")
        if bars.empty:
            continue
        h = bars if high is None else high[ticker].astype("float64").reindex(bars.index)
        lo = bars if low is None else low[ticker].astype("float64").reindex(bars.index)
        h = h.fillna(bars)
        lo = lo.fillna(bars)
        n_bars = pd.Series(np.arange(1, len(bars) + 1), index=bars.index)
        prev = bars.shift(1)
        flags: list[pd.Series] = [pd.Series(1, index=bars.index)]  # members_with_data
        for n in sma_windows:
            sma = bars.rolling(n).mean()
            flags.append(n_bars >= n)
            flags.append((n_bars >= n) & (bars > sma * (1 + ABOVE_TOLERANCE)))
        for w in hl_windows:
            hi_max = h.rolling(w).max()
            lo_min = lo.rolling(w).min()
            flags.append(n_bars >= w)
            flags.append((n_bars >= w) & (h >= hi_max * (1 - EXTREME_TOLERANCE)))
            flags.append((n_bars >= w) & (lo <= lo_min * (1 + EXTREME_TOLERANCE)))
        flags.append(prev.notna() & (bars > prev))
        flags.append(prev.notna() & (bars < prev))
        flags.append(prev.notna() & (bars == prev))
        frame = pd.concat(flags, axis=1).astype("int64").reindex(close.index, fill_value=0)
        frame = frame.mul(is_member.astype("int64"), axis=0)
        total[:, 1:] += frame.to_numpy()
    return pd.DataFrame(total, index=close.index, columns=list(names))


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
    out = reference_window_counts(
        close, high, low, member, sma_windows=(fast, slow), hl_windows=(hl_window,)
    )
    out.columns = list(COUNT_COLUMNS)
    return out
