"""Compiled per-cell breadth kernel: one pass over each ticker's own bars.

Contract (as vectorbt's ``generic/nb.py``): 2-D arrays with time on axis 0 and tickers on
axis 1, C- or F-ordered (read in place, no transpose); NaN close = no bar that session.
Rolling windows count the ticker's own bars (a halted session is skipped, not counted).
Output is per-session *counts*; the percentages and lines are derived in
``indicators.breadth``. One pass per ticker handles a tuple of SMA windows (a running sum
each) and a tuple of high/low windows (block extremes each): ``window_counts``;
``breadth_counts`` is its two-window case (``COUNT_COLUMNS``).

The fast path loops over tickers and sessions in compiled code (numba, ``nogil``), in parallel
over chunks of tickers on plain threads (``in_chunks``), each chunk accumulating its own
count rows (no shared writes). Within a chunk, ``BLOCK`` tickers' bars are gathered in one
pass over the sessions, and each bar's flags are added as one packed word (``FIELD_BITS``).
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

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
_N_BASE = 5  # members, members_with_data, advances, declines, unchanged


def window_count_columns(
    sma_windows: tuple[int, ...], hl_windows: tuple[int, ...]
) -> tuple[str, ...]:
    """Column order of ``window_counts``: members, members_with_data, then per SMA window n
    ``eligible_sma{n}, above_sma{n}``, per high/low window w (bars) ``eligible_hl{w},
    highs_hl{w}, lows_hl{w}``, then advances, declines, unchanged. With ``((fast, slow),
    (hl,))`` the positions are those of ``COUNT_COLUMNS``."""
    cols = ["members", "members_with_data"]
    for n in sma_windows:
        cols += [f"eligible_sma{n}", f"above_sma{n}"]
    for w in hl_windows:
        cols += [f"eligible_hl{w}", f"highs_hl{w}", f"lows_hl{w}"]
    return (*cols, "advances", "declines", "unchanged")


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
Gathered = tuple[npt.NDArray[Any], ...]
"""bars, highs, lows, session indices, membership flags, bar counts, members (``_gathered``)."""


@numba.njit(cache=True, nogil=True)
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


@numba.njit(cache=True, nogil=True)
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


@numba.njit(cache=True, nogil=True)
def _counts_chunk(
    panel: Panel,
    closing: bool,
    use_member: bool,
    windows: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]],
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


def kernel_threads() -> int:
    """Threads a kernel call runs on: ``NUMBA_NUM_THREADS`` (numba's own setting, default the
    CPU count; the hosted config sets it), read without starting numba's threading layer."""
    return max(1, int(numba.config.NUMBA_NUM_THREADS))  # type: ignore[attr-defined]


def in_chunks(n_items: int, run: Callable[[int, int, int], None]) -> int:
    """``run(c, j0, j1)`` over ``n_chunks`` interleaved chunks of ``range(n_items)`` on up to
    ``kernel_threads()`` threads (the calling one included); returns ``n_chunks``.

    The compiled chunk functions release the GIL (``nogil``), so plain threads run them in
    parallel: the same work split as numba's ``parallel=True``/``prange`` had, without its
    compile (parfors took ~4 s of a fresh clone's first export) or its threading layer
    (OpenMP or TBB in every process). Each chunk writes only its own rows of a per-chunk
    array, added afterwards in chunk order (deterministic for a given thread count).
    """
    threads = kernel_threads()
    n_chunks = max(1, min(n_items, 8 * threads))
    step = (n_items + n_chunks - 1) // n_chunks
    errors: list[BaseException] = []

    def share(k: int, every: int) -> None:
        try:
            for c in range(k, n_chunks, every):
                run(c, c * step, min((c + 1) * step, n_items))
        except BaseException as exc:  # re-raised in the caller
            errors.append(exc)

    every = min(threads, n_chunks)
    helpers = [
        threading.Thread(target=share, args=(k, every), name=f"breadth-kernel-{k}", daemon=True)
        for k in range(1, every)
    ]
    for t in helpers:
        t.start()
    share(0, every)
    for t in helpers:
        t.join()
    if errors:
        raise errors[0]
    return n_chunks


def chunk_sums(
    n_items: int,
    shape: tuple[int, ...],
    dtype: type[np.generic],
    fill: Callable[[int, int, npt.NDArray[Any]], None],
) -> npt.NDArray[Any]:
    """The sum of ``fill(j0, j1, out)`` over the chunks of ``in_chunks``: each chunk fills its
    own zeroed ``shape`` array; they are added in chunk order (the same sums for the same
    thread count)."""
    partial: dict[int, npt.NDArray[Any]] = {}

    def run(c: int, j0: int, j1: int) -> None:
        partial[c] = np.zeros(shape, dtype=dtype)
        fill(j0, j1, partial[c])

    n_chunks = in_chunks(n_items, run)
    total = np.zeros(shape, dtype=dtype)
    for c in range(n_chunks):
        total += partial[c]
    return total


def _frozen(a: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """``a`` as a read-only view: numba compiles one version per writeable flag, and the
    store's panels are read-only (Arrow buffers), so every caller passes read-only arrays
    and the compiled (and cached) kernel is the same for all (a fresh clone compiles once)."""
    if not a.flags.writeable:
        return a
    view = a.view()
    view.flags.writeable = False
    return view


def _ticker_major(a: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """(tickers × sessions) C-contiguous and read-only: a free view for pandas' own
    F-ordered blocks, else NumPy's transposed copy (measured 2× faster than a tiled numba
    transpose here)."""
    return _frozen(np.ascontiguousarray(a.T))


def _layout(a: npt.NDArray[Any]) -> Literal["C", "F"]:
    """``F`` for a panel ticker-major in memory (the store's), else ``C``."""
    return "F" if a.flags.f_contiguous and not a.flags.c_contiguous else "C"


def _flat(a: npt.NDArray[Any], order: Literal["C", "F"]) -> tuple[npt.NDArray[Any], int, int]:
    """(read-only 1-D view of a dates × tickers panel's buffer in ``order``, stride of a
    ticker, stride of a session) in elements: no copy when the panel is laid out so."""
    a = np.asarray(a, order=order)
    s_j, s_t = (1, a.shape[1]) if order == "C" else (a.shape[0], 1)
    return _frozen(a.ravel(order=order)), s_j, s_t


def window_counts(
    close: npt.NDArray[np.floating],
    high: npt.NDArray[np.floating] | None = None,
    low: npt.NDArray[np.floating] | None = None,
    member: npt.NDArray[np.bool_] | None = None,
    *,
    sma_windows: tuple[int, ...] = (50, 200),
    hl_windows: tuple[int, ...] = (252,),
) -> npt.NDArray[np.int64]:
    """Per-session counts (sessions × ``window_count_columns(sma_windows, hl_windows)``)
    over a dates × tickers panel, every window in one compiled pass per ticker.

    ``high``/``low`` default to ``close`` (closing highs). ``member`` None means each ticker
    is a member from its first to its last bar. Windows are in bars, each ≥ 1; a window may
    repeat (its columns repeat).
    """
    _wait_for_warm()
    sma_w = np.asarray(sma_windows, dtype=np.int64).reshape(-1)
    hl_w = np.asarray(hl_windows, dtype=np.int64).reshape(-1)
    if (sma_w.size and sma_w.min() < 1) or (hl_w.size and hl_w.min() < 1):
        raise ValueError("windows must be at least one bar")
    for name, other in (("high", high), ("low", low), ("member", member)):
        if other is not None and np.shape(other) != np.shape(close):
            raise ValueError(f"{name} must have the shape of the close panel")
    order = _layout(close)  # high and low are read as close is: one pair of strides
    close_f, s_j, s_t = _flat(close, order)
    high_f = close_f if high is None else _flat(high, order)[0]
    low_f = close_f if low is None else _flat(low, order)[0]
    use_member = member is not None
    if member is None:
        member_f, m_j, m_t = _frozen(np.zeros(1, dtype=np.bool_)), 0, 0
    else:
        member = np.asarray(member, dtype=np.bool_)
        member_f, m_j, m_t = _flat(member, _layout(member))
    n_dates, n_tickers = close.shape
    n_cols = _N_BASE + 2 * sma_w.size + 3 * hl_w.size
    if n_dates == 0 or n_tickers == 0:
        return np.zeros((n_dates, n_cols), dtype=np.int64)
    closing = high is None and low is None
    dtype = np.result_type(close_f, high_f, low_f)  # the gathered bars keep every digit
    strides = np.array([s_j, s_t, m_j, m_t], dtype=np.int64)
    cols = field_columns(sma_w.size, hl_w.size)

    panel = (close_f, high_f, low_f, member_f, strides)
    windows = (sma_w, hl_w, cols)
    further = sma_w.size > 2 or hl_w.size > 1

    def fill(j0: int, j1: int, out: npt.NDArray[np.int64]) -> None:
        g = _gathered(n_dates, dtype, closing)
        acc = np.zeros(n_dates, dtype=np.int64)
        ext = np.empty((2 * max(hl_w.size, 1), n_dates), dtype=dtype)
        extra = (np.zeros(sma_w.size), np.zeros((hl_w.size, 3))) if further else None
        _counts_chunk(panel, closing, use_member, windows, j0, j1, out, g, acc, ext, extra)

    return chunk_sums(n_tickers, (n_dates, n_cols), np.int64, fill)


def warm_compile() -> None:
    """Compile (or load from numba's cache) the breadth kernel for the types every caller
    passes: read-only flat float32 buffers (any panel layout), as read from the store."""
    close = (100.0 + np.arange(90, dtype=np.float32).reshape(30, 3)).astype(np.float32)
    window_counts(close, sma_windows=(5, 10), hl_windows=(20,))


_warming: threading.Thread | None = None
_CHILD = "from indicators.kernels import warm_compile; warm_compile()"


@numba.njit(nogil=True)
def _first_compile(a: npt.NDArray[np.float32]) -> float:
    """A trivial function: compiling it sets up numba's compiler in this process (~0.4 s),
    while a child compiles the kernel; the kernel then loads from the cache in ~10 ms."""
    return float(a[0])


def _compiled_on_disk() -> bool:
    """Whether numba's cache holds a compiled ``_counts_chunk`` (its index file exists; the
    layout of numba 0.68, pinned in requirements.txt); False when that cannot be told."""
    try:
        return Path(_counts_chunk._cache._cache_file._index_path).exists()  # type: ignore[attr-defined]
    except AttributeError:
        return False


def warm_in_background() -> threading.Thread:
    """Compile the kernel off the critical path, started now, on a daemon thread that
    ``window_counts`` waits for. If numba's cache lacks it (a fresh clone), a child process
    compiles it on the other core while this one sets up numba's compiler, then the thread
    loads it from the cache. (Compiling on a thread of this process shared the GIL with the
    command's imports, so the first export waited for both in turn.) If the child fails, the
    thread compiles it here."""
    global _warming

    def warm() -> None:
        if not _compiled_on_disk():
            with contextlib.suppress(OSError, subprocess.SubprocessError):
                child = subprocess.Popen(
                    [sys.executable, "-c", _CHILD],
                    cwd=Path(__file__).resolve().parents[1],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
                _first_compile(np.zeros(1, dtype=np.float32))
                child.wait(timeout=300)
        warm_compile()  # from the cache the child wrote (or compiled here if it could not)

    thread = threading.Thread(target=warm, name="breadth-kernel-warm", daemon=True)
    _warming = thread
    thread.start()
    return thread


def _wait_for_warm() -> None:
    """Wait for ``warm_in_background``'s thread (unless called from it): a kernel call made
    meanwhile would otherwise compile the kernel a second time."""
    thread = _warming
    if thread is not None and thread is not threading.current_thread():
        thread.join()


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
    """Per-session counts (sessions × ``COUNT_COLUMNS``) over a dates × tickers panel: the
    two-window case of ``window_counts`` (its columns are in this order).

    ``high``/``low`` default to ``close`` (closing highs). ``member`` None means each ticker
    is a member from its first to its last bar. Windows are in bars, each ≥ 1.
    """
    return window_counts(
        close, high, low, member, sma_windows=(fast, slow), hl_windows=(hl_window,)
    )
