"""Relative Rotation Graph (RRG) coordinates with trailing normalisation only.

Contract: ``closes`` is a wide panel ``DataFrame[index=session dates, columns=tickers]`` of
adjusted closes, NaN where a ticker has no bar; ``benchmark`` is the benchmark's adjusted
closes on a session index. Outputs are ``DataFrame[index=periods, columns=tickers]`` centred
on 100. Pure: no Dash, no I/O.

Definition (Julius de Kempenaer's JdK RS-Ratio / RS-Momentum, RRG Research and StockCharts
ChartSchool "Relative Rotation Graphs"; the published formulas are proprietary, so this is
the common open approximation, with every normalisation *trailing*: a value at period t uses
only periods up to t — full-sample z-scores leak the future):

- periods: sessions (``freq="D"``) or weeks (``freq="W"``: each Monday–Friday week is
  represented by its last session, labelled with that session's date, holding each series'
  last close of the week up to that session; the current, unfinished week is labelled with
  the latest session);
- ``RS_t = 100 · P_t / B_t`` (only where both have a close);
- ``RS-Ratio_t = 100 + (RS_t − mean_N(RS)_t) / sd_N(RS)_t`` over the trailing ``N = window``
  periods ending at t (t included; sample standard deviation, ddof = 1);
- ``ROC_t = 100 · (RS-Ratio_t / RS-Ratio_{t−M} − 1)`` with ``M = momentum`` periods;
- ``RS-Momentum_t = 100 + (ROC_t − mean_N(ROC)_t) / sd_N(ROC)_t``.

A window needs all of its N values defined (``min_periods = N``); a zero deviation gives NaN.
Quadrants (clockwise rotation): Leading (ratio ≥ 100, momentum ≥ 100) → Weakening (ratio ≥
100, momentum < 100) → Lagging (both < 100) → Improving (ratio < 100, momentum ≥ 100).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

QUADRANTS: tuple[str, ...] = ("Leading", "Weakening", "Lagging", "Improving")
"""The four quadrants in the order a clockwise rotation visits them."""


@dataclass(frozen=True)
class RrgParams:
    """``window`` and ``momentum`` in periods (sessions for "D", weeks for "W")."""

    window: int = 52
    momentum: int = 10
    freq: str = "W"

    def __post_init__(self) -> None:
        if self.freq not in ("D", "W"):
            raise ValueError(f"freq must be 'D' or 'W', not {self.freq!r}")
        if self.window < 2:
            raise ValueError("window must be at least 2")
        if self.momentum < 1:
            raise ValueError("momentum must be at least 1")


@dataclass(frozen=True)
class RrgResult:
    """RS-Ratio and RS-Momentum, periods × tickers, ~100-centred."""

    ratio: pd.DataFrame
    momentum: pd.DataFrame

    def point(self, ticker: str, when: pd.Timestamp | None = None) -> tuple[float, float]:
        """(ratio, momentum) of ``ticker`` at the last period on or before ``when``."""
        ratio = self.ratio[ticker].loc[:when] if when is not None else self.ratio[ticker]
        if ratio.empty:
            return math.nan, math.nan
        day = ratio.index[-1]
        return float(ratio.iloc[-1]), float(self.momentum.at[day, ticker])


def weekly_last(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per Monday–Friday week: each column's last defined value in the week.

    The row is labelled with the week's last session in ``frame`` (never a future Friday),
    so a row labelled d depends only on rows up to d.
    """
    index = pd.DatetimeIndex(frame.index)
    week = index.to_period("W-FRI")
    grouped = frame.groupby(week)
    out = grouped.last()  # last non-NaN value per column within the week
    last_session = pd.Series(index, index=index).groupby(week).max()
    out.index = pd.DatetimeIndex(last_session.loc[out.index].to_numpy(), name=frame.index.name)
    return out


def trailing_zscore(frame: pd.DataFrame, window: int) -> pd.DataFrame:
    """(x_t − mean) / sd over the trailing ``window`` rows ending at t; NaN if sd is 0."""
    roll = frame.rolling(window, min_periods=window)
    mean = roll.mean()
    sd = roll.std(ddof=1)
    # a flat window has sd ~ 1e-15 from rounding: treat relative noise as zero deviation
    scale = mean.abs().where(mean.abs() > 1.0, 1.0)
    return (frame - mean) / sd.where(sd > 1e-9 * scale)


def relative_strength(closes: pd.DataFrame, benchmark: pd.Series) -> pd.DataFrame:
    """RS = 100·P/B on the benchmark's sessions, NaN where either has no positive close."""
    bench = benchmark.astype("float64")
    px = closes.astype("float64").reindex(bench.index)
    valid = px.gt(0).to_numpy() & bench.gt(0).to_numpy()[:, None]
    rs = 100.0 * px.div(bench, axis=0)
    return rs.where(valid)


def relative_rotation(closes: pd.DataFrame, benchmark: pd.Series, params: RrgParams) -> RrgResult:
    """JdK-style RS-Ratio and RS-Momentum of each column against ``benchmark`` (see module)."""
    bench = benchmark.dropna()
    bench = bench[~bench.index.duplicated(keep="last")].sort_index()
    if params.freq == "W":
        joined = pd.concat([closes.reindex(bench.index), bench.rename("__bench__")], axis=1)
        weekly = weekly_last(joined)
        px, bench = weekly.drop(columns="__bench__"), weekly["__bench__"]
    else:
        px = closes.reindex(bench.index)
    rs = relative_strength(px, bench)
    rs_ratio = 100.0 + trailing_zscore(rs, params.window)
    roc = 100.0 * (rs_ratio / rs_ratio.shift(params.momentum) - 1.0)
    rs_momentum = 100.0 + trailing_zscore(roc, params.window)
    return RrgResult(ratio=rs_ratio, momentum=rs_momentum)


def quadrant(ratio: float, momentum: float) -> str:
    """Leading | Weakening | Lagging | Improving (100 counts as strong); "" if either is NaN."""
    if not (math.isfinite(ratio) and math.isfinite(momentum)):
        return ""
    if ratio >= 100.0:
        return "Leading" if momentum >= 100.0 else "Weakening"
    return "Improving" if momentum >= 100.0 else "Lagging"


def quadrants(result: RrgResult) -> pd.DataFrame:
    """``quadrant`` of every cell (periods × tickers), "" where undefined."""
    r = result.ratio.to_numpy()
    m = result.momentum.reindex_like(result.ratio).to_numpy()
    out = np.where(
        r >= 100.0,
        np.where(m >= 100.0, "Leading", "Weakening"),
        np.where(m >= 100.0, "Improving", "Lagging"),
    )
    out = np.where(np.isfinite(r) & np.isfinite(m), out, "")
    return pd.DataFrame(out, index=result.ratio.index, columns=result.ratio.columns)


def rrg_long(result: RrgResult) -> pd.DataFrame:
    """Long table: date, ticker, rs_ratio, rs_momentum, quadrant (defined rows only)."""
    frame = pd.DataFrame({"rs_ratio": result.ratio.stack()})
    frame["rs_momentum"] = result.momentum.stack().reindex(frame.index)
    frame = frame.dropna()
    frame.index = frame.index.set_names(["date", "ticker"])
    frame = frame.reset_index().sort_values(["date", "ticker"], kind="stable")
    frame["quadrant"] = [
        quadrant(r, m) for r, m in zip(frame["rs_ratio"], frame["rs_momentum"], strict=True)
    ]
    return frame.reset_index(drop=True)
