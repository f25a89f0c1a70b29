"""Compiled per-cell breadth kernel: one pass over each ticker's own bars.

Contract (as vectorbt's ``generic/nb.py``): 2-D arrays with time on axis 0 and tickers on
axis 1, C-contiguous; NaN close = no bar that session. Rolling windows count the ticker's own
bars (a halted session is skipped, not counted). Output is per-session *counts*; the
percentages and lines are derived in ``indicators.breadth``. One pass per ticker handles a
tuple of SMA windows (a running sum each) and a tuple of high/low windows (block extremes
each): ``window_counts``; ``breadth_counts`` is its two-window case (``COUNT_COLUMNS``).

The fast path loops over tickers and sessions in compiled code (numba, ``nogil``), in parallel
over chunks of tickers on plain threads (``in_chunks``), each chunk accumulating its own
count rows (no shared writes).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
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


@numba.njit(cache=True, nogil=True)
def _block_extremes(
    x: npt.NDArray[np.float64],
    n: int | np.int64,
    w: int,
    pre: npt.NDArray[np.float64],
    suf: npt.NDArray[np.float64],
    sign: float,
) -> None:
    """Prefix/suffix running max of ``sign·x[:n]`` within blocks of ``w`` (van Herk /
    Gil-Werman): the max over bars i-w+1..i is max(suf[i-w+1], pre[i]). Blocks start at
    multiples of ``w``; looping block by block avoids an integer modulo per bar."""
    for start in range(0, n, w):
        end = min(start + w, n)
        m = sign * x[start]
        pre[start] = m
        for i in range(start + 1, end):
            m = max(m, sign * x[i])
            pre[i] = m
        m = sign * x[end - 1]
        suf[end - 1] = m
        for i in range(end - 2, start - 1, -1):
            m = max(m, sign * x[i])
            suf[i] = m


@numba.njit(cache=True, nogil=True)
def _one_ticker(
    close: npt.NDArray[np.float64],
    high: npt.NDArray[np.float64],
    low: npt.NDArray[np.float64],
    member: npt.NDArray[np.bool_],
    use_member: bool,
    sma_w: npt.NDArray[np.int64],
    hl_w: npt.NDArray[np.int64],
    out: npt.NDArray[np.int64],
    work: npt.NDArray[np.float64],
    tix: npt.NDArray[np.int64],
    sums: npt.NDArray[np.float64],
) -> None:
    """Add one ticker's flags to ``out`` (sessions × ``window_count_columns``); 1-D inputs
    over sessions.

    ``work`` is scratch of shape (3 + 4·len(hl_w), sessions); ``tix`` scratch of length
    sessions; ``sums`` of length len(sma_w) (one running sum per SMA window).
    """
    n_dates = close.shape[0]
    n_sma = sma_w.shape[0]
    n_hl = hl_w.shape[0]
    c_hl = 2 + 2 * n_sma  # first high/low column
    c_ad = c_hl + 3 * n_hl  # advances
    bars, his, los = work[0], work[1], work[2]
    n = np.int64(0)  # compress to the ticker's own bars (int64: a literal 0 would type the
    # _block_extremes calls below once more with Literal[int](0), 0.3 s more to compile)
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
    for k in range(n_hl):  # rows 3+4k..6+4k: prefix/suffix max of high, of −low
        b = 3 + 4 * k
        _block_extremes(his, n, hl_w[k], work[b], work[b + 1], 1.0)
        _block_extremes(los, n, hl_w[k], work[b + 2], work[b + 3], -1.0)
    for k in range(n_sma):
        sums[k] = 0.0
    for i in range(n):
        xf = bars[i]
        for k in range(n_sma):  # each window's running sum: the same steps as one alone
            sums[k] += xf
            if i >= sma_w[k]:
                sums[k] -= bars[i - sma_w[k]]
        t = tix[i]
        if use_member and not member[t]:
            continue
        kb = i + 1  # bars up to and including this one
        out[t, 1] += 1
        for k in range(n_sma):
            w = sma_w[k]
            ok = kb >= w
            out[t, 2 + 2 * k] += ok
            out[t, 3 + 2 * k] += ok & (xf * w > sums[k] * (1.0 + ABOVE_TOLERANCE))
        for k in range(n_hl):
            w = hl_w[k]
            if kb >= w:
                lo_i = i - w + 1
                b = 3 + 4 * k
                c = c_hl + 3 * k
                out[t, c] += 1
                # rows b+2, b+3 hold max(−low), so −low ≥ −min·(1 + tol) is low ≤ min·(1 + tol)
                hmax = max(work[b + 1, lo_i], work[b, i])
                nlmin = max(work[b + 3, lo_i], work[b + 2, i])
                out[t, c + 1] += his[i] >= hmax * (1.0 - EXTREME_TOLERANCE)
                out[t, c + 2] += -los[i] >= nlmin * (1.0 + EXTREME_TOLERANCE)
        if i >= 1:
            prev = bars[i - 1]
            out[t, c_ad] += xf > prev
            out[t, c_ad + 1] += xf < prev
            out[t, c_ad + 2] += xf == prev


@numba.njit(cache=True, nogil=True)
def _counts_chunk(
    close: npt.NDArray[np.floating],
    high: npt.NDArray[np.floating],
    low: npt.NDArray[np.floating],
    member: npt.NDArray[np.bool_],
    use_member: bool,
    sma_w: npt.NDArray[np.int64],
    hl_w: npt.NDArray[np.int64],
    j0: int,
    j1: int,
    out: npt.NDArray[np.int64],
) -> None:
    """Add tickers ``j0``..``j1 - 1`` of ticker-major (tickers × sessions) arrays to ``out``
    (sessions × ``window_count_columns``); one chunk of ``chunk_sums``."""
    n_dates = close.shape[1]
    work = np.empty((3 + 4 * hl_w.shape[0], n_dates), dtype=np.float64)
    tix = np.empty(n_dates, dtype=np.int64)
    sums = np.empty(sma_w.shape[0], dtype=np.float64)
    for j in range(j0, j1):
        m = member[j] if use_member else member[0]
        _one_ticker(close[j], high[j], low[j], m, use_member, sma_w, hl_w, out, work, tix, sums)


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
    sma_w = np.asarray(sma_windows, dtype=np.int64).reshape(-1)
    hl_w = np.asarray(hl_windows, dtype=np.int64).reshape(-1)
    if (sma_w.size and sma_w.min() < 1) or (hl_w.size and hl_w.min() < 1):
        raise ValueError("windows must be at least one bar")
    # ticker-major views: free for pandas' own (F-ordered) blocks, a copy otherwise
    close_t = _ticker_major(close)
    high_t = close_t if high is None else _ticker_major(high)
    low_t = close_t if low is None else _ticker_major(low)
    if high_t.shape != close_t.shape or low_t.shape != close_t.shape:
        raise ValueError("high, low and close must have the same shape")
    use_member = member is not None
    if member is None:
        member_t = _frozen(np.zeros((1, close_t.shape[1]), dtype=np.bool_))
    else:
        member_t = _ticker_major(np.asarray(member, dtype=np.bool_))
        if member_t.shape != close_t.shape:
            raise ValueError("membership must have the shape of the price panel")
    n_tickers, n_dates = close_t.shape
    n_cols = _N_BASE + 2 * sma_w.size + 3 * hl_w.size
    if n_dates == 0 or n_tickers == 0:
        return np.zeros((n_dates, n_cols), dtype=np.int64)

    def fill(j0: int, j1: int, out: npt.NDArray[np.int64]) -> None:
        _counts_chunk(close_t, high_t, low_t, member_t, use_member, sma_w, hl_w, j0, j1, out)

    return chunk_sums(n_tickers, (n_dates, n_cols), np.int64, fill)


def warm_compile() -> None:
    """Compile (or load from numba's cache) the breadth kernel for the types every caller
    passes: read-only C-contiguous float32 ticker-major panels, as read from the store."""
    close = (100.0 + np.arange(90, dtype=np.float32).reshape(30, 3)).astype(np.float32)
    window_counts(close, sma_windows=(5, 10), hl_windows=(20,))


def warm_in_background() -> threading.Thread:
    """``warm_compile`` on a daemon thread, started now: a command that will compute breadth
    compiles while it reads the store (the compile holds numba's lock, so a kernel call made
    meanwhile waits for it instead of compiling twice)."""
    thread = threading.Thread(target=warm_compile, name="breadth-kernel-warm", daemon=True)
    thread.start()
    return thread


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
