"""The compiled pass of ``indicators.kernels.window_counts``: per-session counts of a
chunk of tickers, one pass over each ticker's own bars (the contract, the columns and the
callers are ``indicators.kernels``'s).

A chunk gathers ``BLOCK`` tickers' bars at a time from the panel's flat buffers (a
ticker-major panel ticker by ticker, a dates-major one session by session: no transpose),
then walks each ticker's bars once, adding its per-bar flags for the default windows as one
packed word per session (``FIELD_BITS``) and those of further windows straight to the
counts.

The three functions below are plain Python until ``counts_chunk`` has numba compile them
(``indicators.jit``): a process that runs the ahead-of-time library (``indicators.kernel_aot``)
never imports numba.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

from indicators.jit import compile_functions

ABOVE_TOLERANCE = 1e-10
"""close counts as above its SMA when close > SMA·(1 + 1e-10): float ties are not 'above'."""

EXTREME_TOLERANCE = 1e-6
"""A 52-week high is made or matched when high ≥ max·(1 − 1e-6), max over the ticker's last
``hl_window`` bars (today included); a low when low ≤ min·(1 + 1e-6). Prices are stored as
float32 (about 7 significant digits) and adjusted with a per-day factor, so a price that
matches its old high may come back a few ulps below it: exact equality would be arbitrary.
1e-6 is 8–17 float32 ulps and far below a cent on any listed price (0.0001 on $100)."""

FIELD_BITS = 5
"""Bits of one packed counter: a kernel chunk adds each ticker's per-bar flags to 64-bit words
of 5-bit fields per session (one add per bar instead of one per column), and adds them to its
int64 counts every ``FLUSH`` tickers, before a field can overflow."""
FLUSH = 2**FIELD_BITS - 1
BLOCK = 64
"""Tickers read together: one pass over the sessions gathers 64 tickers' bars (256 bytes of
a float32 row), so a dates-major panel is read row by row instead of transposed first."""


Panel = tuple[
    npt.NDArray[np.floating],
    npt.NDArray[np.floating],
    npt.NDArray[np.floating],
    npt.NDArray[np.bool_],
    npt.NDArray[np.int64],
]
"""Close, high, low, membership as flat read-only buffers, and their strides (``_flat``)."""
Windows = tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]
"""SMA windows, high/low windows (bars), ``field_columns``."""
Gathered = tuple[npt.NDArray[Any], ...]
"""bars, highs, lows, session indices, membership flags, bar counts, members (``_gathered``)."""


def _suffix_extremes(
    his: npt.NDArray[np.floating],
    los: npt.NDArray[np.floating],
    n: int | np.int64,
    w: int | np.int64,
    smax: npt.NDArray[np.floating],
    smin: npt.NDArray[np.floating],
) -> None:
    """Suffix max of ``his[:n]`` and min of ``los[:n]`` within blocks of ``w`` bars (van
    Herk / Gil-Werman); with the prefix extremes kept while walking the bars, the max over
    bars i-w+1..i is max(smax[i-w+1], prefix max at i). Blocks start at multiples of ``w``."""
    for start in range(0, n, w):
        end = min(start + w, n)
        hi = his[end - 1]
        lo = los[end - 1]
        smax[end - 1] = hi
        smin[end - 1] = lo
        for i in range(end - 2, start - 1, -1):
            hi = max(hi, his[i])
            lo = min(lo, los[i])
            smax[i] = hi
            smin[i] = lo


Extra = tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]] | None
"""For windows past the first two SMA windows and the first high/low window: a running sum
per SMA window and the prefix max, min and next block start per high/low window; None when
there are none. numba compiles the kernel once per kind, and without the further windows'
code (branch pruning on None) for the default suite (~0.3 s less of a fresh clone's compile)."""


def _one_ticker(
    bars: npt.NDArray[np.floating],
    his: npt.NDArray[np.floating],
    los: npt.NDArray[np.floating],
    tix: npt.NDArray[np.int32],
    n: int | np.int64,
    mflag: npt.NDArray[np.bool_],
    use_member: bool,
    sma_w: npt.NDArray[np.int64],
    hl_w: npt.NDArray[np.int64],
    acc: npt.NDArray[np.int64],
    ext: npt.NDArray[np.floating],
    out: npt.NDArray[np.int64],
    extra: Extra,
) -> None:
    """Add one ticker's per-bar flags for the first two SMA windows and the first high/low
    window to the packed counters ``acc`` (one int64 word of ``FIELD_BITS``-bit fields per
    session, see ``field_columns``: one add per bar, running sums and prefix extremes in
    scalars), and those of further windows (``extra``) straight to ``out``.

    ``bars``/``his``/``los``/``tix``: the ticker's own ``n`` bars (close, high, low, session
    index); ``mflag``: membership per session; ``ext``: suffix extremes, scratch
    (2·len(hl_w), sessions).
    """
    n_sma = sma_w.shape[0]
    n_hl = hl_w.shape[0]
    never = n + 1  # a window no bar reaches
    w0 = sma_w[0] if n_sma > 0 else never
    w1 = sma_w[1] if n_sma > 1 else never
    h0 = hl_w[0] if n_hl > 0 else never
    for start in range(0, n if h0 <= n else 0, h0):  # suffix extremes, as _suffix_extremes
        end = min(start + h0, n)
        hi = his[end - 1]
        lo = los[end - 1]
        ext[0, end - 1] = hi
        ext[1, end - 1] = lo
        for i in range(end - 2, start - 1, -1):
            hi = max(hi, his[i])
            lo = min(lo, los[i])
            ext[0, i] = hi
            ext[1, i] = lo
    if extra is not None:
        sums, pre = extra
        sums[:] = 0.0
        pre[:, 2] = 0.0
        for k in range(1, n_hl):
            if hl_w[k] <= n:
                _suffix_extremes(his, los, n, hl_w[k], ext[2 * k], ext[2 * k + 1])
    s0 = 0.0
    s1 = 0.0
    pmax = his[0]  # in the prices' dtype: max() of one type
    pmin = los[0]
    next0 = np.int64(0)
    prev = 0.0
    for i in range(n):
        xf = bars[i]
        s0 += xf  # each window's running sum: the same steps as one alone
        if i >= w0:
            s0 -= bars[i - w0]
        s1 += xf
        if i >= w1:
            s1 -= bars[i - w1]
        hx = his[i]
        lx = los[i]
        if i == next0:  # a block of h0 bars starts: the prefix extremes restart
            pmax = hx
            pmin = lx
            next0 += h0
        else:
            pmax = max(pmax, hx)
            pmin = min(pmin, lx)
        if extra is not None:
            sums, pre = extra
            for k in range(2, n_sma):
                sums[k] += xf
                if i >= sma_w[k]:
                    sums[k] -= bars[i - sma_w[k]]
            for k in range(1, n_hl):
                if i == pre[k, 2]:
                    pre[k, 0] = hx
                    pre[k, 1] = lx
                    pre[k, 2] += hl_w[k]
                else:
                    pre[k, 0] = max(pre[k, 0], hx)
                    pre[k, 1] = min(pre[k, 1], lx)
        t = tix[i]
        if use_member and not mflag[t]:
            prev = xf
            continue
        kb = i + 1  # bars up to and including this one
        code = np.int64(1)  # field f at bits 5f..5f+4 (int64: the last field ends at bit 54)
        if i >= 1:
            code += ((xf > prev) << 5) + ((xf < prev) << 10) + ((xf == prev) << 15)
        if kb >= h0:
            lo_i = i - h0 + 1
            hmax = max(ext[0, lo_i], pmax)
            lmin = min(ext[1, lo_i], pmin)
            code += (
                (1 << 20)
                + ((hx >= hmax * (1.0 - EXTREME_TOLERANCE)) << 25)
                + ((lx <= lmin * (1.0 + EXTREME_TOLERANCE)) << 30)
            )
        if kb >= w0:
            code += (1 << 35) + ((xf * w0 > s0 * (1.0 + ABOVE_TOLERANCE)) << 40)
        if kb >= w1:
            code += (1 << 45) + ((xf * w1 > s1 * (1.0 + ABOVE_TOLERANCE)) << 50)
        acc[t] += code
        if extra is not None:  # further windows: straight to the counts
            sums, pre = extra
            for k in range(2, n_sma):
                w = sma_w[k]
                if kb >= w:
                    out[t, 2 + 2 * k] += 1
                    out[t, 3 + 2 * k] += xf * w > sums[k] * (1.0 + ABOVE_TOLERANCE)
            c_hl = 2 + 2 * n_sma
            for k in range(1, n_hl):
                w = hl_w[k]
                if kb >= w:
                    lo_i = i - w + 1
                    hmax = max(ext[2 * k, lo_i], pre[k, 0])
                    lmin = min(ext[2 * k + 1, lo_i], pre[k, 1])
                    c = c_hl + 3 * k
                    out[t, c] += 1
                    out[t, c + 1] += hx >= hmax * (1.0 - EXTREME_TOLERANCE)
                    out[t, c + 2] += lx <= lmin * (1.0 + EXTREME_TOLERANCE)
        prev = xf


def _counts_chunk(
    panel: Panel,
    closing: bool,
    use_member: bool,
    windows: Windows,
    j0: int,
    j1: int,
    out: npt.NDArray[np.int64],
    g: Gathered,
    acc: npt.NDArray[np.int64],
    ext: npt.NDArray[np.floating],
    extra: Extra,
) -> None:
    """Add tickers ``j0``..``j1 - 1`` to ``out`` (sessions × ``window_count_columns``); one
    chunk of ``chunk_sums``.

    ``panel``: close, high, low, membership as flat buffers, the element of ticker j at
    session t at ``j·strides[0] + t·strides[1]`` (membership: ``strides[2]``,
    ``strides[3]``), and ``strides``: a dates-major or a ticker-major panel is read in
    place. ``closing``: high and low are the close. ``windows``: SMA windows, high/low
    windows, ``field_columns``. ``g``, ``acc`` (sessions), ``ext`` (2·len(hl_w), sessions),
    ``extra``: scratch allocated by the caller (each allocation compiled here cost ~0.1 s of
    a fresh clone's first run).
    """
    sma_w, hl_w, cols = windows
    close, high, low, member, strides = panel
    s_j, s_t, m_j, m_t = strides[0], strides[1], strides[2], strides[3]
    bars, his, los, tix, mflag, cnt, span = g
    n_dates = out.shape[0]
    block = bars.shape[0]
    pending = 0  # tickers in acc since its last flush
    for jb in range(j0, j1, block):
        nb = min(block, j1 - jb)
        # gather the block's own bars: bars/his/los/tix[b, :cnt[b]], membership mflag[b, t]
        for b in range(nb):
            cnt[b] = 0
        if use_member:
            for t in range(n_dates):
                for b in range(nb):
                    f = member[(jb + b) * m_j + t * m_t]
                    mflag[b, t] = f
                    span[t] += f
        # a ticker-major panel ticker by ticker (one stream per panel), a dates-major one
        # session by session (a row's 64 tickers are adjacent): the same cells either way
        by_ticker = int(s_t == 1)  # outer loop over tickers (1) or sessions (0)
        by_session = 1 - by_ticker
        n_outer = nb * by_ticker + n_dates * by_session
        n_inner = n_dates * by_ticker + nb * by_session
        for o in range(n_outer):
            for q in range(n_inner):
                b = o * by_ticker + q * by_session
                t = q * by_ticker + o * by_session
                at = (jb + b) * s_j + t * s_t
                x = close[at]
                if not np.isnan(x):
                    k = cnt[b]
                    bars[b, k] = x
                    tix[b, k] = t
                    if not closing:
                        h = high[at]
                        lw = low[at]
                        his[b, k] = x if np.isnan(h) else h
                        los[b, k] = x if np.isnan(lw) else lw
                    cnt[b] = k + 1
        for b in range(nb):
            n = cnt[b]
            if n > 0:
                if not use_member:  # a member from its first to its last bar
                    span[tix[b, 0]] += 1
                    span[tix[b, n - 1] + 1] -= 1
                _one_ticker(
                    bars[b], his[b], los[b], tix[b], n, mflag[b], use_member, sma_w, hl_w,
                    acc, ext, out, extra,
                )  # fmt: skip
                pending += 1
            if pending == FLUSH or jb + b == j1 - 1:  # unpack before a field overflows
                for t in range(n_dates):
                    word = acc[t]
                    for f in range(cols.shape[0]):
                        if cols[f] >= 0:
                            out[t, cols[f]] += (word >> (FIELD_BITS * f)) & FLUSH
                    acc[t] = 0
                pending = 0
    run = 0
    for t in range(n_dates):  # members: counted per session, or +1/-1 at first/last bars
        run = span[t] if use_member else run + span[t]
        out[t, 0] += run


COMPILED = ("_suffix_extremes", "_one_ticker", "_counts_chunk")
"""The compiled functions, callees first (``indicators.jit.compile_functions``)."""


def counts_chunk() -> Callable[..., None]:
    """``_counts_chunk`` compiled by numba (imported now; loaded from numba's on-disk cache
    when it holds it)."""
    compile_functions(globals(), COMPILED)
    return globals()["_counts_chunk"]


def _gathered(n_dates: int, dtype: np.dtype[Any], closing: bool) -> Gathered:
    """A chunk's gather arrays: bars, highs, lows (``BLOCK`` × sessions, in the prices'
    dtype; highs and lows are the bars when closing), their session indices, membership
    flags, bar counts, members per session (sessions + 1)."""
    bars = np.empty((BLOCK, n_dates), dtype=dtype)
    his = bars if closing else np.empty_like(bars)
    los = bars if closing else np.empty_like(bars)
    return (
        bars, his, los,
        np.empty((BLOCK, n_dates), dtype=np.int32),
        np.zeros((BLOCK, n_dates), dtype=np.bool_),
        np.zeros(BLOCK, dtype=np.int64),
        np.zeros(n_dates + 1, dtype=np.int64),
    )  # fmt: skip


def field_columns(n_sma: int, n_hl: int) -> npt.NDArray[np.int64]:
    """Column of ``window_count_columns`` for each packed field of ``_one_ticker`` (-1: the
    window is not asked for): members_with_data, advances, declines, unchanged, the first
    high/low window (eligible, highs, lows), the first two SMA windows (eligible, above).
    Further windows are counted straight into the int64 counts."""
    c_hl = 2 + 2 * n_sma
    c_ad = c_hl + 3 * n_hl
    cols = [1, c_ad, c_ad + 1, c_ad + 2]
    cols += [c_hl, c_hl + 1, c_hl + 2] if n_hl > 0 else [-1, -1, -1]
    for k in range(2):
        cols += [2 + 2 * k, 3 + 2 * k] if n_sma > k else [-1, -1]
    return np.asarray(cols, dtype=np.int64)
