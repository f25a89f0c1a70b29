"""indicators.kernels.in_chunks: the kernels' chunks on plain threads, each ticker once, the
same counts for any thread count, errors raised in the caller."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest

from indicators import kernels
from indicators.kernel_pass import counts_chunk
from indicators.kernels import in_chunks, window_counts
from indicators.volume import volume_counts


@pytest.fixture(autouse=True)
def _numba_jit() -> object:
    """These tests are about numba's path: no ahead-of-time library (an app built in an
    earlier test may have loaded one: server.warmup.use_kernel_library)."""
    before = kernels.library()
    kernels.use_library(None)
    yield
    kernels.use_library(before)


@pytest.mark.parametrize(("threads", "n_items"), [(1, 5), (2, 1), (2, 37), (3, 100), (4, 3)])
def test_kt001_every_item_once(monkeypatch: pytest.MonkeyPatch, threads: int, n_items: int) -> None:
    monkeypatch.setattr(kernels, "kernel_threads", lambda: threads)
    seen: list[int] = []
    names: set[str] = set()
    lock = threading.Lock()

    def run(c: int, j0: int, j1: int) -> None:
        with lock:
            seen.extend(range(j0, j1))
            names.add(threading.current_thread().name)

    n_chunks = in_chunks(n_items, run)
    assert sorted(seen) == list(range(n_items))
    assert n_chunks == min(n_items, 8 * threads)
    assert len(names) == min(threads, n_chunks)  # the caller and threads - 1 helpers


def test_kt002_an_error_in_a_chunk_is_raised_in_the_caller(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(kernels, "kernel_threads", lambda: 2)

    def run(c: int, j0: int, j1: int) -> None:
        if c == 3:
            raise ValueError("chunk 3")

    with pytest.raises(ValueError, match="chunk 3"):
        in_chunks(20, run)
    assert not [t for t in threading.enumerate() if t.name.startswith("breadth-kernel-")]


def test_kt003_counts_do_not_depend_on_the_thread_count(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(3)
    close = (100 + rng.standard_normal((300, 41)).cumsum(axis=0)).astype("float32")
    close[:50, :7] = np.nan  # late listings
    close[250:, 30:] = np.nan  # delistings
    close[rng.random(close.shape) < 0.02] = np.nan  # gaps
    member = rng.random(close.shape) < 0.9
    volume = np.floor(rng.random(close.shape) * 1e6)
    got = {}
    for threads in (1, 2, 5):
        monkeypatch.setattr(kernels, "kernel_threads", lambda t=threads: t)
        got[threads] = (
            window_counts(close, member=member, sma_windows=(5, 20, 50), hl_windows=(20, 63)),
            window_counts(close),
            volume_counts(close, volume, member),
        )
    for threads in (2, 5):
        for a, b in zip(got[1], got[threads], strict=True):
            np.testing.assert_array_equal(a, b)
    assert got[1][0][:, 0].sum() == member[:, :].sum()  # every member counted once


def test_kt004_the_warm_compile_is_the_signature_views_and_exports_use() -> None:
    """``warm_compile`` (started by ``cli.py export breadth`` while it reads the store)
    compiles the one kernel signature the breadth computations use, with or without
    membership and highs/lows: no call compiles another."""
    import pandas as pd

    from indicators.breadth import BreadthParams, compute_breadth

    kernels.warm_compile()
    before = set(counts_chunk().signatures)  # other tests may have added float64 ones
    assert any("float32" in str(sig) for sig in before)
    days = pd.bdate_range("2024-01-01", periods=300)
    rng = np.random.default_rng(1)
    close = pd.DataFrame(
        (50 + rng.standard_normal((300, 4)).cumsum(axis=0)).astype("float32"), index=days
    )
    member = pd.DataFrame(rng.random((300, 4)) < 0.8, index=days)
    compute_breadth(close, close * 1.01, close * 0.99, member, BreadthParams(fast=20, slow=50))
    compute_breadth(close)
    assert set(counts_chunk().signatures) == before


def test_kt005_layouts_blocks_and_packed_fields_equal_the_reference(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The kernel reads a dates-major (C) or ticker-major (F, the store's) panel in place, in
    blocks of ``BLOCK`` tickers, and packs each bar's flags into ``FIELD_BITS``-bit fields
    flushed every ``FLUSH`` tickers: with one thread, 150 tickers cross both (a chunk of 150
    tickers, three blocks, five flushes; a field would overflow at 32 without them). Every
    layout mix of close, high, low and membership gives the reference's counts, on one
    window set (the packed path) and on one with further windows (counted straight)."""
    import pandas as pd

    from tests.reference import reference_window_counts

    assert kernels.FLUSH == 2**kernels.FIELD_BITS - 1 < 150 and kernels.BLOCK < 150
    monkeypatch.setattr(kernels, "kernel_threads", lambda: 1)
    rng = np.random.default_rng(5)
    n_dates, n_tickers = 320, 150
    close = (100 + rng.standard_normal((n_dates, n_tickers)).cumsum(axis=0)).astype("float32")
    close[: rng.integers(0, 200), :20] = np.nan  # late listings
    close[280:, 100:] = np.nan  # delistings
    close[rng.random(close.shape) < 0.03] = np.nan  # halts
    close[:, 149] = np.nan  # a ticker without bars, last in its chunk
    high = (close * rng.uniform(1.0, 1.02, close.shape)).astype("float32")
    low = (close * rng.uniform(0.98, 1.0, close.shape)).astype("float32")
    member = rng.random(close.shape) < 0.85
    frame = lambda a: pd.DataFrame(a)  # noqa: E731
    for sma, hl in (((10, 50), (63,)), ((5, 10, 50, 200), (20, 63, 252))):
        want = reference_window_counts(
            frame(close), frame(high), frame(low), frame(member), sma_windows=sma, hl_windows=hl
        ).to_numpy()
        closing = reference_window_counts(frame(close), sma_windows=sma, hl_windows=hl)
        # a field of 5 bits: the members_with_data of 150 tickers would not fit without flushes
        assert want[:, 1].max() > 2 * kernels.FLUSH
        for c_order, h_order, m_order in (("C", "C", "C"), ("F", "F", "F"), ("C", "F", "F"),
                                          ("F", "C", "C")):  # fmt: skip
            got = window_counts(
                np.asarray(close, order=c_order),
                np.asarray(high, order=h_order),
                np.asarray(low, order=h_order),
                np.asarray(member, order=m_order),
                sma_windows=sma,
                hl_windows=hl,
            )
            np.testing.assert_array_equal(got, want)
            got = window_counts(np.asarray(close, order=c_order), sma_windows=sma, hl_windows=hl)
            np.testing.assert_array_equal(got, closing.to_numpy())


def test_kt006_warm_in_background_compiles_in_a_child_and_loads_its_cache(
    tmp_path: Path,
) -> None:
    """With numba's cache empty, ``warm_in_background`` has a child process compile the
    kernel: this process then loads it from the cache (a hit, no miss: it never compiles it
    itself), and a kernel call made meanwhile waits for the thread instead of compiling.
    The default windows (two SMA, one high/low) use one compiled version, without the
    further windows' code (``extra`` None)."""
    import os
    import subprocess
    import sys

    script = (
        "import numpy as np\n"
        "from indicators import kernels\n"
        "assert not kernels._compiled_on_disk()\n"
        "kernels.warm_in_background()\n"
        "kernels.window_counts(np.ones((40, 3), dtype=np.float32), sma_windows=(5, 10))\n"
        "stats = kernels.counts_chunk().stats\n"
        "print(kernels._compiled_on_disk(), sum(stats.cache_hits.values()),"
        " sum(stats.cache_misses.values()), len(kernels.counts_chunk().signatures))\n"
    )
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path)}
    root = Path(kernels.__file__).resolve().parents[1]
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=root, env=env, capture_output=True, text=True,
        timeout=300, check=True,
    )  # fmt: skip
    on_disk, hits, misses, versions = done.stdout.split()
    assert (on_disk, misses) == ("True", "0") and int(hits) >= 1, done.stdout
    assert versions == "1"  # the default windows: not the version with further windows


def test_kt007_a_warm_thread_is_published_once_started(monkeypatch: pytest.MonkeyPatch) -> None:
    """``window_counts`` joins the published warm thread: an earlier warm thread still in
    ``window_counts`` must never see one that has not started (``join`` raises then; seen in
    CI when two in-process CLI exports followed each other)."""
    seen: list[bool] = []

    class Checked(threading.Thread):
        def start(self) -> None:
            seen.append(kernels._warming is self)
            super().start()

    monkeypatch.setattr(kernels.threading, "Thread", Checked)
    monkeypatch.setattr(kernels, "_warming", None)
    kernels.warm_in_background().join(120)
    assert seen and not any(seen) and kernels._warming is not None  # (and the chunk threads)
    kernels._wait_for_warm()  # joins the finished thread
