"""Share of a universe at (or near) its 52-week high on a few chosen sessions.

The breadth kernel (``indicators.kernels``) counts members at a 52-week high on every session
with one definition. The claim check also asks what *nearby definitions* give on a few days
(closing vs intraday highs, "within 1% of the high", the sessions before the as-of date), so
this module computes that share for chosen sessions only.

Contract (as ``indicators.breadth``): wide panels ``DataFrame[sessions × tickers]`` of
adjusted prices, NaN where a ticker has no bar; ``member`` a boolean panel of the same shape
(None: a ticker is a member wherever it has a bar). Windows count the ticker's **own bars**
(a halted session is skipped, not counted), as the kernel does. Pure: numpy/pandas only.

On session t, for a member with a bar on t and at least ``window`` bars up to t:
``at high`` ⇔ h_t ≥ max(h over its last ``window`` bars, t included) · (1 − near/100) ·
(1 − EXTREME_TOLERANCE), h = the high (the close where the high is missing or not given).
``near = 0`` is the kernel's own definition (made or matched the 52-week high).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from indicators.kernels import EXTREME_TOLERANCE

HIGH_WINDOW = 252
"""Bars in "52 weeks" (the kernel's ``hl_window``)."""


def _window_max(
    values: np.ndarray, have: np.ndarray, row: int, window: int
) -> tuple[np.ndarray, np.ndarray]:
    """(max of each column's last ``window`` own values up to ``row``, own bars up to row)."""
    bars = have[: row + 1].sum(axis=0)
    start = max(0, row + 1 - window)
    while True:  # widen the slice until every column's window lies inside it (halts)
        part = have[start : row + 1]
        inside = part.sum(axis=0)
        if start == 0 or bool(np.all((inside >= window) | (inside == bars))):
            break
        start = max(0, start - window)
    rank = part[::-1].cumsum(axis=0)[::-1]  # own bars from each row to ``row``, inclusive
    keep = part & (rank <= window)
    vals = np.where(keep, values[start : row + 1], -np.inf)
    return vals.max(axis=0, initial=-np.inf), bars


def share_at_high(
    close: pd.DataFrame,
    days: Sequence[pd.Timestamp],
    *,
    high: pd.DataFrame | None = None,
    member: pd.DataFrame | None = None,
    near_pct: float = 0.0,
    window: int = HIGH_WINDOW,
) -> pd.DataFrame:
    """Per day of ``days`` (sessions of ``close``): ``pct`` at a high (module docstring),
    ``at_high`` and ``eligible`` (members with a bar on the day and ≥ ``window`` bars).

    A day that is not a session of the panel gives NaN and 0 counts.
    """
    if window < 1 or not 0 <= near_pct < 100:
        raise ValueError("window must be ≥ 1 and near_pct within [0, 100)")
    for name, frame in (("high", high), ("member", member)):
        if frame is not None and frame.shape != close.shape:
            raise ValueError(f"{name} panel shape {frame.shape} != close {close.shape}")
    c = close.to_numpy(dtype="float64")
    have = ~np.isnan(c)
    h = c if high is None else np.where(np.isnan(high.to_numpy(dtype="float64")), c, high)
    h = np.where(have, h, np.nan)
    members = None if member is None else member.to_numpy(dtype=bool)
    factor = (1.0 - near_pct / 100.0) * (1.0 - EXTREME_TOLERANCE)
    rows = []
    for day in days:  # a handful of sessions, not every date
        pos = close.index.get_indexer([pd.Timestamp(day)])[0]
        if pos < 0:
            rows.append((pd.Timestamp(day), np.nan, 0, 0))
            continue
        top, bars = _window_max(h, have, pos, window)
        ok = have[pos] & (bars >= window)
        if members is not None:
            ok &= members[pos]
        hit = ok & (h[pos] >= top * factor)
        n_ok, n_hit = int(ok.sum()), int(hit.sum())
        rows.append((pd.Timestamp(day), 100.0 * n_hit / n_ok if n_ok else np.nan, n_hit, n_ok))
    out = pd.DataFrame(rows, columns=["date", "pct", "at_high", "eligible"])
    return out.set_index("date")
