"""indicators/kernel_aot.py: the kernels compiled ahead of time into a shared library that a
worker loads without numba. Built once for this module into a temporary folder (~10 s; the
tests skip without a C compiler, as the build then does). The library's counts equal numba's
and the reference's on random panels with halts, listings and delistings, in every panel
layout, with and without membership, highs/lows and further windows; a process that uses it
never imports numba; what it does not cover takes numba's path."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from indicators import kernel_aot, kernels
from indicators.kernels import window_counts
from indicators.volume import volume_counts
from tests.reference import reference_window_counts

ROOT = Path(__file__).resolve().parents[2]
HAS_CC = bool(os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc"))
pytestmark = pytest.mark.skipif(not HAS_CC, reason="no C compiler: the library is not built")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding this code's library, built by ``python -m indicators.kernel_aot``
    (as gunicorn's master runs it), with a stale library beside it beforehand."""
    folder = tmp_path_factory.mktemp("aot")
    (folder / f"{kernel_aot.PREFIX}0123456789abcdef01234567.so").write_bytes(b"old")
    done = subprocess.run(
        [sys.executable, "-m", "indicators.kernel_aot", str(folder)], cwd=ROOT,
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0 and done.stdout.startswith("kernel library: "), done.stdout
    return folder


@pytest.fixture()
def lib(built: Path) -> Iterator[kernel_aot.Library]:
    """The library in use for the test's kernel calls, numba's JIT again afterwards."""
    loaded = kernel_aot.load(built)
    assert loaded is not None
    before = kernels.library()
    kernels.use_library(loaded)
    yield loaded
    kernels.use_library(before)


def _panels(seed: int, n_dates: int = 420, n_tickers: int = 170) -> dict[str, np.ndarray]:
    """float32 close/high/low with halts, late listings, delistings and an empty ticker;
    membership; float64 volume with unknown and zero volumes."""
    rng = np.random.default_rng(seed)
    close = (100 * np.exp(rng.normal(0, 0.02, (n_dates, n_tickers)).cumsum(axis=0))).astype(
        "float32"
    )
    close[: rng.integers(50, 300), :25] = np.nan  # listings
    close[n_dates - 60 :, 120:] = np.nan  # delistings
    close[rng.random(close.shape) < 0.04] = np.nan  # halts
    close[:, 7] = np.nan  # no bars at all
    close[200:230, 40] = close[199, 40]  # unchanged closes
    volume = rng.integers(0, 10**7, close.shape).astype("float64")
    volume[rng.random(close.shape) < 0.05] = np.nan
    return {
        "close": close,
        "high": (close * rng.uniform(1.0, 1.02, close.shape)).astype("float32"),
        "low": (close * rng.uniform(0.98, 1.0, close.shape)).astype("float32"),
        "member": rng.random(close.shape) < 0.8,
        "volume": volume,
    }


WINDOWS = (((50, 200), (252,)), ((20, 50, 200), (20, 65, 130, 252)), ((10,), ()))
"""The default suite (packed fields only), the page's windows (further ones), one window."""


def _both(**call: object) -> tuple[np.ndarray, np.ndarray]:
    """``window_counts(**call)`` from the library in use, then from numba's JIT."""
    got = window_counts(**call)  # type: ignore[arg-type]
    lib = kernels.library()
    kernels.use_library(None)
    try:
        want = window_counts(**call)  # type: ignore[arg-type]
    finally:
        kernels.use_library(lib)
    return got, want


def test_ka001_counts_equal_numbas_and_the_reference(lib: kernel_aot.Library) -> None:
    calls = {"breadth": 0}
    real = lib.breadth

    def counted(*args: object) -> None:
        calls["breadth"] += 1
        real(*args)  # type: ignore[arg-type]

    lib.breadth = counted  # type: ignore[method-assign]
    p = _panels(11)
    frame = pd.DataFrame
    for sma, hl in WINDOWS:
        ref_ohlc = reference_window_counts(
            frame(p["close"]), frame(p["high"]), frame(p["low"]), frame(p["member"]),
            sma_windows=sma, hl_windows=hl,
        ).to_numpy()  # fmt: skip
        ref_close = reference_window_counts(frame(p["close"]), sma_windows=sma, hl_windows=hl)
        for order in ("C", "F"):
            close, high, low = (np.asarray(p[k], order=order) for k in ("close", "high", "low"))
            member = np.asarray(p["member"], order="F" if order == "C" else "C")
            got, want = _both(close=close, high=high, low=low, member=member,
                              sma_windows=sma, hl_windows=hl)  # fmt: skip
            np.testing.assert_array_equal(got, want)
            np.testing.assert_array_equal(got, ref_ohlc)
            got, want = _both(close=close, sma_windows=sma, hl_windows=hl)
            np.testing.assert_array_equal(got, want)
            np.testing.assert_array_equal(got, ref_close.to_numpy())
    assert calls["breadth"] >= 2 * 2 * len(WINDOWS)  # the library ran them, not numba


def test_ka002_volume_counts_equal_numbas(lib: kernel_aot.Library) -> None:
    p = _panels(12)
    for member in (None, p["member"]):
        got = volume_counts(p["close"], p["volume"], member)
        kernels.use_library(None)
        want = volume_counts(p["close"], p["volume"], member)
        kernels.use_library(lib)
        np.testing.assert_array_equal(got, want)
        assert got[:, 0].sum() > 0 and np.isnan(p["volume"]).any()


def test_ka003_a_process_with_the_library_never_imports_numba(built: Path) -> None:
    """What a web worker computes (breadth with membership and highs/lows, further windows,
    volume breadth) from the library: numba and llvmlite are never imported, and the counts
    are numba's (computed here)."""
    p = _panels(13, n_dates=300, n_tickers=90)
    np.savez(built / "panels.npz", **p)
    script = f"""
import sys
import numpy as np
import pandas as pd
from pathlib import Path
from indicators import kernel_aot, kernels
from indicators.breadth import BreadthParams, compute_breadth
from indicators.volume import volume_counts
kernels.use_library(kernel_aot.load(Path({str(built)!r})))
p = np.load({str(built / "panels.npz")!r})
days = pd.bdate_range("2020-01-01", periods=p["close"].shape[0])
f = lambda a: pd.DataFrame(a, index=days)
compute_breadth(f(p["close"]), f(p["high"]), f(p["low"]), f(p["member"]),
                BreadthParams(windows=(20,), hl_weeks=(4,)))
c = kernels.window_counts(p["close"], p["high"], p["low"], p["member"])
v = volume_counts(p["close"], p["volume"], p["member"])
print(int(c.sum()), repr(float(v.sum())), "numba" in sys.modules, "llvmlite" in sys.modules)
"""
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    counts, volume, numba_in, llvm_in = done.stdout.split()
    before = kernels.library()
    kernels.use_library(None)
    try:
        want_c = window_counts(p["close"], p["high"], p["low"], p["member"])
        want_v = volume_counts(p["close"], p["volume"], p["member"])
    finally:
        kernels.use_library(before)
    assert (numba_in, llvm_in) == ("False", "False")
    assert int(counts) == int(want_c.sum()) and float(volume) == float(want_v.sum())


def test_ka004_what_the_library_does_not_cover_takes_numbas_path(
    lib: kernel_aot.Library,
) -> None:
    """float64 prices (the bench's pivot, a user's frame), float32 volume: numba's JIT, the
    reference's counts."""
    p = _panels(14, n_dates=300, n_tickers=60)
    close64 = p["close"].astype("float64")
    assert not lib.supports_breadth((close64, close64, close64, p["member"], np.zeros(4)))
    got = window_counts(close64, sma_windows=(10, 50), hl_windows=(63,))
    want = reference_window_counts(pd.DataFrame(close64), sma_windows=(10, 50), hl_windows=(63,))
    np.testing.assert_array_equal(got, want.to_numpy())
    assert not lib.supports_volume(p["close"], p["volume"].astype("float32"))
    got_v = volume_counts(p["close"], p["volume"].astype("float32"))
    assert got_v.shape == (300, 5) and got_v[:, 3].sum() > 0


def test_ka005_the_key_names_the_code_and_the_build_replaces_old_libraries(
    built: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = kernel_aot.library_path(built)
    assert sorted(built.glob("*.so")) == [path]  # the stale library went
    assert path.name.startswith(kernel_aot.PREFIX) and path.stat().st_size > 10_000
    copy = tmp_path / "src"
    copy.mkdir()
    for name in kernel_aot.SOURCES:
        shutil.copy(kernel_aot.HERE / name, copy / name)
    monkeypatch.setattr(kernel_aot, "HERE", copy)
    assert kernel_aot.key() == path.name[len(kernel_aot.PREFIX) : -3]
    (copy / "kernel_pass.py").write_text((copy / "kernel_pass.py").read_text() + "\n# edit\n")
    assert kernel_aot.key() != path.name[len(kernel_aot.PREFIX) : -3]


def test_ka006_a_failed_link_one_line_and_workers_keep_numba(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cc = tmp_path / "cc"  # a compiler that fails with two lines on stderr
    cc.write_text("#!/bin/sh\necho 'cc: error one' >&2\necho 'cc: error two' >&2\nexit 1\n")
    cc.chmod(0o755)
    env = {**os.environ, "CC": str(cc)}
    done = subprocess.run(
        [sys.executable, "-m", "indicators.kernel_aot", str(tmp_path)], cwd=ROOT, env=env,
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0
    assert done.stdout.startswith("kernel library not built (workers compile with numba): ")
    assert len(done.stdout.strip().splitlines()) == 1
    assert "linking the kernel library failed: cc: error one | cc: error two" in done.stdout
    assert kernel_aot.load(tmp_path) is None and not list(tmp_path.glob("*.so"))
    kernel_aot.library_path(tmp_path).write_bytes(b"not a shared library")
    with caplog.at_level(logging.WARNING, logger="indicators.kernel_aot"):
        assert kernel_aot.load(tmp_path) is None
    assert "not loaded (numba compiles instead)" in caplog.text


def test_ka007_create_app_loads_it_unless_told_not_to(
    lib: kernel_aot.Library, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from app import create_app
    from settings import load_settings

    monkeypatch.setattr(kernel_aot, "load", lambda directory=None: lib)
    for enabled, want in ((True, lib), (False, None)):
        settings = load_settings(data_dir=tmp_path / "d", cache_dir=tmp_path / "c",
                                 warmup=False, kernel_library=enabled)  # fmt: skip
        create_app(settings)
        assert kernels.library() is want
