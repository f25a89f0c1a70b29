"""Compiled per-cell breadth kernel: one pass over each ticker's own bars.

Contract (as vectorbt's ``generic/nb.py``): 2-D arrays with time on axis 0 and tickers on
axis 1, C-contiguous; NaN close = no bar that session. Rolling windows count the ticker's own
bars (a halted session is skipped, not counted). Output is per-session *counts*; the
percentages and lines are derived in ``indicators.breadth``.

The fast path loops over tickers and sessions in compiled code (numba), in parallel over
chunks of tickers, each chunk accumulating its own count rows (no shared writes).
"""

from __future__ import annotations

from typing import Any

import numba
import numpy as np
import numpy.typing as npt

# Column order of the count matrix returned by ``breadth_counts``.
COUNT_COLUMNS: tuple[str, ...] = (
    "members",
    "members_with_data",
    "eligible_fast",
    "above_fast",
    "eligible_slow",
    "above_slow",
    "eligible_52w",
    "new_highs_52w",
    "new_lows_52w",
    "advances",
    "declines",
    "unchanged",
)

ABOVE_TOLERANCE = 1e-10
"""close counts as above its SMA when close > SMA·(1 + 1e-10): float ties are not 'above'."""

EXTREME_TOLERANCE = 1e-6
"""A 52-week high is made or matched when high ≥ max·(1 − 1e-6), max over the ticker's last
``hl_window`` bars (today included); a low when low ≤ min·(1 + 1e-6). Prices are stored as
float32 (about 7 significant digits) and adjusted with a per-day factor, so a price that
matches its old high may come back a few ulps below it: exact equality would be arbitrary.
1e-6 is 8–17 float32 ulps and far below a cent on any listed price (0.0001 on $100)."""

_N_COUNTS = len(COUNT_COLUMNS)


@numba.njit(cache=True, nogil=True)
def _block_extremes(
    x: npt.NDArray[np.float64],
    n: int,
    w: int,
    pre: npt.NDArray[np.float64],
    suf: npt.NDArray[np.float64],
    sign: float,
) -> None:
    """Prefix/suffix running max of ``sign·x[:n]`` within blocks of ``w`` (van Herk /
    Gil-Werman): the max over bars i-w+1..i is max(suf[i-w+1], pre[i]). Branch-free."""
    for i in range(n):
        v = sign * x[i]
        pre[i] = v if i % w == 0 else max(pre[i - 1], v)
    for i in range(n - 1, -1, -1):
        v = sign * x[i]
        suf[i] = v if (i % w == w - 1 or i == n - 1) else max(suf[i + 1], v)


@numba.njit(cache=True, nogil=True)
def _one_ticker(
    close: npt.NDArray[np.float64],
    high: npt.NDArray[np.float64],
    low: npt.NDArray[np.float64],
    member: npt.NDArray[np.bool_],
    use_member: bool,
    fast: int,
    slow: int,
    hl: int,
    out: npt.NDArray[np.int64],
    work: npt.NDArray[np.float64],
    tix: npt.NDArray[np.int64],
) -> None:
    """Add one ticker's flags to ``out`` (sessions × counts); 1-D inputs over sessions.

    ``work`` is scratch of shape (7, sessions); ``tix`` scratch of length sessions.
    """
    n_dates = close.shape[0]
    bars, his, los = work[0], work[1], work[2]
    n = 0  # compress to the ticker's own bars
    for t in range(n_dates):
        xf = close[t]
        if not np.isnan(xf):
            bars[n] = xf
            h = high[t]
            lw = low[t]
            his[n] = xf if np.isnan(h) else h
            los[n] = xf if np.isnan(lw) else lw
            tix[n] = t
            n += 1
    if use_member:
        for t in range(n_dates):
            out[t, 0] += member[t]
    elif n > 0:
        for t in range(tix[0], tix[n - 1] + 1):
            out[t, 0] += 1
    if n == 0:
        return
    pmax, smax, pmin, smin = work[3], work[4], work[5], work[6]
    _block_extremes(his, n, hl, pmax, smax, 1.0)
    _block_extremes(los, n, hl, pmin, smin, -1.0)
    sum_fast = 0.0
    sum_slow = 0.0
    for i in range(n):
        xf = bars[i]
        sum_fast += xf
        sum_slow += xf
        if i >= fast:
            sum_fast -= bars[i - fast]
        if i >= slow:
            sum_slow -= bars[i - slow]
        t = tix[i]
        if use_member and not member[t]:
            continue
        k = i + 1  # bars up to and including this one
        out[t, 1] += 1
        ok_fast = k >= fast
        ok_slow = k >= slow
        out[t, 2] += ok_fast
        out[t, 3] += ok_fast & (xf * fast > sum_fast * (1.0 + ABOVE_TOLERANCE))
        out[t, 4] += ok_slow
        out[t, 5] += ok_slow & (xf * slow > sum_slow * (1.0 + ABOVE_TOLERANCE))
        if k >= hl:
            lo_i = i - hl + 1
            out[t, 6] += 1
            # pmin/smin hold max(−low), so −low ≥ −min·(1 + tol) is low ≤ min·(1 + tol)
            out[t, 7] += his[i] >= max(smax[lo_i], pmax[i]) * (1.0 - EXTREME_TOLERANCE)
            out[t, 8] += -los[i] >= max(smin[lo_i], pmin[i]) * (1.0 + EXTREME_TOLERANCE)
        if i >= 1:
            prev = bars[i - 1]
            out[t, 9] += xf > prev
            out[t, 10] += xf < prev
            out[t, 11] += xf == prev


@numba.njit(cache=True, parallel=True, nogil=True)
def _counts_parallel(
    close: npt.NDArray[np.floating],
    high: npt.NDArray[np.floating],
    low: npt.NDArray[np.floating],
    member: npt.NDArray[np.bool_],
    use_member: bool,
    fast: int,
    slow: int,
    hl: int,
    n_chunks: int,
) -> npt.NDArray[np.int64]:
    """Counts over ticker-major (tickers × sessions) arrays, in parallel over chunks."""
    n_tickers, n_dates = close.shape
    partial = np.zeros((n_chunks, n_dates, _N_COUNTS), dtype=np.int64)
    step = (n_tickers + n_chunks - 1) // n_chunks
    for c in numba.prange(n_chunks):
        work = np.empty((7, n_dates), dtype=np.float64)
        tix = np.empty(n_dates, dtype=np.int64)
        out = partial[c]
        for j in range(c * step, min((c + 1) * step, n_tickers)):
            m = member[j] if use_member else member[0]
            _one_ticker(close[j], high[j], low[j], m, use_member, fast, slow, hl, out, work, tix)
    total = np.zeros((n_dates, _N_COUNTS), dtype=np.int64)
    for c in range(n_chunks):
        total += partial[c]
    return total


@numba.njit(cache=True, parallel=True, nogil=True)
def _transpose(a: npt.NDArray[np.floating]) -> npt.NDArray[np.floating]:
    """Ticker-major copy of a session-major array, in cache-sized tiles, in parallel."""
    n_dates, n_tickers = a.shape
    out = np.empty((n_tickers, n_dates), dtype=a.dtype)
    tile = 64
    for jb in numba.prange((n_tickers + tile - 1) // tile):
        j0 = jb * tile
        j1 = min(j0 + tile, n_tickers)
        for t0 in range(0, n_dates, tile):
            for t in range(t0, min(t0 + tile, n_dates)):
                for j in range(j0, j1):
                    out[j, t] = a[t, j]
    return out


def _ticker_major(a: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """(tickers × sessions) C-contiguous: a free view for pandas' own F-ordered blocks."""
    if a.flags.f_contiguous or a.ndim != 2 or a.dtype == np.bool_:
        return np.ascontiguousarray(a.T)
    return _transpose(np.ascontiguousarray(a))


def breadth_counts(
    close: npt.NDArray[np.floating],
    high: npt.NDArray[np.floating] | None = None,
    low: npt.NDArray[np.floating] | None = None,
    member: npt.NDArray[np.bool_] | None = None,
    *,
    fast: int = 50,
    slow: int = 200,
    hl_window: int = 252,
) -> npt.NDArray[np.int64]:
    """Per-session counts (sessions × ``COUNT_COLUMNS``) over a dates × tickers panel.

    ``high``/``low`` default to ``close`` (closing highs). ``member`` None means each ticker
    is a member from its first to its last bar. Windows are in bars, each ≥ 1.
    """
    if min(fast, slow, hl_window) < 1:
        raise ValueError("windows must be at least one bar")
    # ticker-major views: free for pandas' own (F-ordered) blocks, a copy otherwise
    close_t = _ticker_major(close)
    high_t = close_t if high is None else _ticker_major(high)
    low_t = close_t if low is None else _ticker_major(low)
    if high_t.shape != close_t.shape or low_t.shape != close_t.shape:
        raise ValueError("high, low and close must have the same shape")
    use_member = member is not None
    if member is None:
        member_t = np.zeros((1, close_t.shape[1]), dtype=np.bool_)
    else:
        member_t = np.ascontiguousarray(member.T, dtype=np.bool_)
        if member_t.shape != close_t.shape:
            raise ValueError("membership must have the shape of the price panel")
    n_tickers, n_dates = close_t.shape
    if n_dates == 0 or n_tickers == 0:
        return np.zeros((n_dates, _N_COUNTS), dtype=np.int64)
    n_chunks = max(1, min(n_tickers, 8 * numba.get_num_threads()))
    return _counts_parallel(
        close_t, high_t, low_t, member_t, use_member, fast, slow, hl_window, n_chunks
    )
