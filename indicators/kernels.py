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
The compiled code is numba's JIT, or the same functions compiled ahead of time into a shared
library (``indicators.kernel_aot``) when the process has loaded one (``use_library``): a
web worker then never imports numba.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal, Protocol

import numpy as np
import numpy.typing as npt

from indicators.jit import default_threads
from indicators.kernel_pass import ABOVE_TOLERANCE as ABOVE_TOLERANCE
from indicators.kernel_pass import BLOCK as BLOCK
from indicators.kernel_pass import EXTREME_TOLERANCE as EXTREME_TOLERANCE
from indicators.kernel_pass import FIELD_BITS as FIELD_BITS
from indicators.kernel_pass import FLUSH as FLUSH
from indicators.kernel_pass import Panel, _gathered, counts_chunk, field_columns

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


class ChunkLibrary(Protocol):
    """The ahead-of-time kernels (``indicators.kernel_aot.Library``): the compiled chunk
    functions with their numba versions' arguments, for the types they cover."""

    def supports_breadth(self, panel: Panel) -> bool: ...

    def breadth(self, *args: Any) -> None: ...

    def supports_volume(self, close: npt.NDArray[Any], volume: npt.NDArray[Any]) -> bool: ...

    def volume(self, *args: Any) -> None: ...


_library: ChunkLibrary | None = None


def use_library(library: ChunkLibrary | None) -> None:
    """Run the kernels from ``library`` (where it covers the types) in this process; None:
    numba's JIT only."""
    global _library
    _library = library


def library() -> ChunkLibrary | None:
    """The library this process runs the kernels from, if any (``use_library``)."""
    return _library


def kernel_threads() -> int:
    """Threads a kernel call runs on: ``NUMBA_NUM_THREADS`` (numba's own setting, default the
    CPUs this process may use; the hosted config sets it), read without importing numba."""
    return default_threads()


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
    lib = _library
    chunk = lib.breadth if lib is not None and lib.supports_breadth(panel) else counts_chunk()

    def fill(j0: int, j1: int, out: npt.NDArray[np.int64]) -> None:
        g = _gathered(n_dates, dtype, closing)
        acc = np.zeros(n_dates, dtype=np.int64)
        ext = np.empty((2 * max(hl_w.size, 1), n_dates), dtype=dtype)
        extra = (np.zeros(sma_w.size), np.zeros((hl_w.size, 3))) if further else None
        chunk(panel, closing, use_member, windows, j0, j1, out, g, acc, ext, extra)

    return chunk_sums(n_tickers, (n_dates, n_cols), np.int64, fill)


def warm_compile() -> None:
    """Compile (or load from numba's cache) the breadth kernel for the types every caller
    passes: read-only flat float32 buffers (any panel layout), as read from the store."""
    close = (100.0 + np.arange(90, dtype=np.float32).reshape(30, 3)).astype(np.float32)
    window_counts(close, sma_windows=(5, 10), hl_windows=(20,))


_warming: threading.Thread | None = None
_CHILD = "from indicators.kernels import warm_compile; warm_compile()"


def _first_compile(a: npt.NDArray[np.float32]) -> float:
    """A trivial function: compiling it sets up numba's compiler in this process (~0.4 s),
    while a child compiles the kernel; the kernel then loads from the cache in ~10 ms."""
    return float(a[0])


def _compiled_on_disk() -> bool:
    """Whether numba's cache holds a compiled ``_counts_chunk`` (its index file exists; the
    layout of numba 0.68, pinned in requirements.txt); False when that cannot be told."""
    try:
        return Path(counts_chunk()._cache._cache_file._index_path).exists()  # type: ignore[attr-defined]
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
    child: subprocess.Popen[bytes] | None = None
    if not _compiled_on_disk():  # imports numba here, first: the child starts at once
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            child = subprocess.Popen(
                [sys.executable, "-c", _CHILD],
                cwd=Path(__file__).resolve().parents[1],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )

    def warm() -> None:
        if child is not None:
            import numba

            numba.njit(nogil=True)(_first_compile)(np.zeros(1, dtype=np.float32))
            with contextlib.suppress(subprocess.SubprocessError):
                child.wait(timeout=300)
        warm_compile()  # from the cache the child wrote (or compiled here if it could not)

    thread = threading.Thread(target=warm, name="breadth-kernel-warm", daemon=True)
    thread.start()  # before it is published: an earlier warm thread still in window_counts
    _warming = thread  # would otherwise join one not yet started (RuntimeError)
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
