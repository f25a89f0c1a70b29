"""Naive per-ticker reference of volume breadth (``indicators.volume``), for tests and
benches only: a loop over tickers with pandas ``dropna``/``shift`` for each ticker's own bars,
then a plain loop over sessions for the derived columns. Slow and obviously right."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from indicators.volume import VOLUME_COUNT_COLUMNS


def reference_volume_counts(
    close: pd.DataFrame, volume: pd.DataFrame, member: pd.DataFrame | None = None
) -> pd.DataFrame:
    """``VOLUME_COUNT_COLUMNS`` per session, one ticker at a time."""
    total = pd.DataFrame(0.0, index=close.index, columns=list(VOLUME_COUNT_COLUMNS))
    for ticker in close.columns:
        bars = close[ticker].astype("float64").dropna()
        if bars.empty:
            continue
        prev = bars.shift(1)
        vol = volume[ticker].astype("float64").reindex(bars.index)
        counted = prev.notna()
        if member is not None:
            counted &= member[ticker].reindex(bars.index).astype(bool)
        adv = counted & (bars > prev)
        dec = counted & (bars < prev)
        known = vol.notna()
        flags = pd.DataFrame(
            {
                "up_volume": vol.where(adv & known, 0.0),
                "down_volume": vol.where(dec & known, 0.0),
                "volume_bars": (counted & known).astype("float64"),
                "advances": adv.astype("float64"),
                "declines": dec.astype("float64"),
            }
        )
        total = total.add(flags.reindex(close.index, fill_value=0.0), fill_value=0.0)
    return total


def reference_volume_breadth(
    close: pd.DataFrame, volume: pd.DataFrame, member: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The five export columns, derived session by session in plain Python."""
    c = reference_volume_counts(close, volume, member)
    rows = []
    line, started = 0.0, False
    for _, r in c.iterrows():
        if r["volume_bars"] == 0:
            rows.append((math.nan, math.nan, math.nan, math.nan, math.nan))
            continue
        up, down, adv, dec = r["up_volume"], r["down_volume"], r["advances"], r["declines"]
        line += up - down
        started = True
        pct = 100.0 * up / (up + down) if up + down > 0 else math.nan
        arms = (adv / dec) / (up / down) if dec > 0 and up > 0 and down > 0 else math.nan
        rows.append((up, down, line if started else math.nan, pct, arms))
    return pd.DataFrame(
        np.array(rows, dtype="float64").reshape(len(rows), 5),
        index=close.index,
        columns=["up_volume", "down_volume", "ad_volume_line", "up_volume_pct", "arms_index"],
    )
