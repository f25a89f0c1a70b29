"""Breadth divergences: the benchmark near its 52-week high (low) while participation lags.

Contract: ``benchmark`` = adjusted closes of the benchmark (e.g. SPY) on a session index, NaN
where it has no bar; ``breadth`` = the participation series (``pct_above_{window}dma``,
percent 0–100) on a session index, NaN where undefined. Pure: numpy/pandas only.

On session d (a session of ``benchmark`` with a close), with P = the benchmark's closes and
B = breadth, windows over the benchmark's **own** closes (a NaN session is skipped):

- ``benchmark_high`` H_d = max of the last ``lookback`` (252) closes, d included;
  ``benchmark_low`` L_d = their min; both undefined until ``lookback`` closes exist.
- ``pct_from_high`` = 100·(1 − P_d/H_d); ``pct_from_low`` = 100·(P_d/L_d − 1).
- ``at_high``: P_d ≥ H_d·(1 − 1e-6) (made or matched, as the 52-week highs of
  docs/INDICATORS.md); ``at_low``: P_d ≤ L_d·(1 + 1e-6).
- ``prev_high_date``: the last session s < d (strictly before) with ``at_high`` — however
  long ago; ``breadth_at_prev_high`` = B_s. Mirrored: ``prev_low_date``, ``breadth_at_prev_low``.
- ``breadth_trail`` = mean of B's last ``trail`` defined values up to d, d included (NaN
  values are skipped like halted bars; undefined until ``trail`` values exist).
- **bearish** ⇔ pct_from_high ≤ near_pct and B_d < breadth_trail·(1 − 1e-10) and
  B_d < breadth_at_prev_high; **bullish** ⇔ pct_from_low ≤ near_pct and
  B_d > breadth_trail·(1 + 1e-10) and B_d > breadth_at_prev_low (the margin: a float tie
  with the average is neither). Any undefined input (NaN breadth on d or on the previous
  extreme, too short a history, no previous extreme) → no flag (False).
- ``bearish_start`` / ``bullish_start``: a flag whose previous session (of the output
  index) is not flagged — the first day of a run.

Every value on d uses data up to d only (tested by truncating and altering later data).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

LOOKBACK = 252
"""Sessions in "52 weeks": the benchmark's own closes."""

EXTREME_TOLERANCE = 1e-6
"""Relative tolerance of "closed at its 52-week high/low" (made or matched), the value of
``indicators.kernels.EXTREME_TOLERANCE`` (repeated so this module stays standalone)."""

TRAIL_MARGIN = 1e-10
"""Relative margin of "below/above the trailing average" (as the participation test's
``ABOVE_TOLERANCE``): a value equal to its average up to summation order is neither."""

COLUMNS = (
    "bearish",
    "bullish",
    "bearish_start",
    "bullish_start",
    "benchmark_close",
    "benchmark_high",
    "benchmark_low",
    "pct_from_high",
    "pct_from_low",
    "at_high",
    "at_low",
    "breadth",
    "breadth_trail",
    "prev_high_date",
    "breadth_at_prev_high",
    "prev_low_date",
    "breadth_at_prev_low",
)
"""Columns of ``divergences`` in order (the first four bool, ``at_*`` bool, dates datetime)."""


@dataclass(frozen=True)
class DivergenceParams:
    """near_pct: percent from the 52-week extreme; trail: sessions of the breadth average;
    window: the participation series' moving-average window (``pct_above_{window}dma``)."""

    near_pct: float = 2.0
    trail: int = 50
    window: int = 200

    def __post_init__(self) -> None:
        if not 0 <= self.near_pct < 100:
            raise ValueError("near_pct must be within [0, 100)")
        if self.trail < 1 or self.window < 1:
            raise ValueError("trail and window must be ≥ 1")


def _previous(flag: np.ndarray) -> np.ndarray:
    """Per position i: the last position j < i where ``flag[j]``, else -1."""
    pos = np.where(flag, np.arange(len(flag)), -1)
    last = np.maximum.accumulate(pos) if len(pos) else pos
    return np.r_[-1, last[:-1]] if len(pos) else pos


def divergences(
    benchmark: pd.Series,
    breadth: pd.Series,
    params: DivergenceParams = DivergenceParams(),
    *,
    lookback: int = LOOKBACK,
) -> pd.DataFrame:
    """Per session of ``benchmark.index``: the flags and context columns of the module
    docstring (``COLUMNS``). Prices as given, breadth and distances in percent."""
    if lookback < 1:
        raise ValueError("lookback must be ≥ 1")
    index = pd.DatetimeIndex(benchmark.index)
    px = benchmark.astype("float64").dropna()
    hi = px.rolling(lookback, min_periods=lookback).max()
    lo = px.rolling(lookback, min_periods=lookback).min()
    p, h, low = px.to_numpy(), hi.to_numpy(), lo.to_numpy()
    at_high = ~np.isnan(h) & (p >= h * (1.0 - EXTREME_TOLERANCE))
    at_low = ~np.isnan(low) & (p <= low * (1.0 + EXTREME_TOLERANCE))

    b_own = breadth.astype("float64").dropna()
    trail_own = b_own.rolling(params.trail, min_periods=params.trail).mean()
    b_px = b_own.reindex(px.index).to_numpy()  # breadth on the benchmark's bars

    dates = px.index.to_numpy()
    out_px: dict[str, np.ndarray] = {}
    for kind, flag in (("high", at_high), ("low", at_low)):
        prev = _previous(flag)
        has = prev >= 0
        safe = np.where(has, prev, 0)
        out_px[f"prev_{kind}_date"] = np.where(has, dates[safe], np.datetime64("NaT"))
        out_px[f"breadth_at_prev_{kind}"] = np.where(has, b_px[safe], np.nan)

    frame = pd.DataFrame(
        {
            "benchmark_close": p,
            "benchmark_high": h,
            "benchmark_low": low,
            "pct_from_high": 100.0 * (1.0 - p / h),
            "pct_from_low": 100.0 * (p / low - 1.0),
            "at_high": at_high,
            "at_low": at_low,
            "prev_high_date": pd.DatetimeIndex(out_px["prev_high_date"]),
            "breadth_at_prev_high": out_px["breadth_at_prev_high"],
            "prev_low_date": pd.DatetimeIndex(out_px["prev_low_date"]),
            "breadth_at_prev_low": out_px["breadth_at_prev_low"],
        },
        index=px.index,
    ).reindex(index)
    frame["breadth"] = breadth.astype("float64").reindex(index)
    # the average as known on d, also on a date where breadth itself is missing
    frame["breadth_trail"] = trail_own.reindex(trail_own.index.union(index)).ffill().reindex(index)
    for col in ("at_high", "at_low"):
        frame[col] = frame[col].fillna(False).astype(bool)

    b, trail = frame["breadth"], frame["breadth_trail"]
    # NaN compares False, so any undefined input leaves the flag off. The margin makes a
    # float tie with the average (a flat series) count as neither below nor above.
    bearish = (
        (frame["pct_from_high"] <= params.near_pct)
        & (b < trail - TRAIL_MARGIN * trail.abs())
        & (b < frame["breadth_at_prev_high"])
    )
    bullish = (
        (frame["pct_from_low"] <= params.near_pct)
        & (b > trail + TRAIL_MARGIN * trail.abs())
        & (b > frame["breadth_at_prev_low"])
    )
    frame["bearish"] = bearish.to_numpy(dtype=bool)
    frame["bullish"] = bullish.to_numpy(dtype=bool)
    for kind in ("bearish", "bullish"):
        f = frame[kind].to_numpy()
        frame[f"{kind}_start"] = f & ~np.r_[False, f[:-1]]
    return frame[list(COLUMNS)]
