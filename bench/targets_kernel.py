"""T1, the kernel: the full breadth suite vs the pandas suite and vs one memcpy of the panel,
side by side in one process on the real Russell 3000 proxy, as ``pivot`` builds it
(dates-major) and as the store lays it out (ticker-major: what the dashboard and the CLI
compute on), and a synthetic 3,000 × 2,520 panel for context; plus seven moving-average
windows vs two in the same pass (#15).

The suite and the pandas version are bench/bench_breadth.py's; best of N after one warm-up
call (compilation is T4's business). memcpy = ``np.copy`` of the panel's float32 values.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __name__ == "__main__":  # standalone; under bench_all the parent sets the path
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.targets import Opts, Row, skipped


def best_of(fn: Callable[[], Any], repeat: int) -> float:
    """Best wall time of ``repeat`` calls, seconds."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def suite(px: Any, repeat: int) -> dict[str, float]:
    """Seconds of the fast suite, the pandas suite and one memcpy on one panel."""
    import numpy as np

    from bench.bench_breadth import run_fast, run_pandas

    values = np.ascontiguousarray(px.to_numpy(dtype="float32"))
    run_fast(px.iloc[:300, :5])  # compile or load the cached kernel outside the timing
    run_fast(px)
    return {
        "fast": best_of(lambda: run_fast(px), repeat),
        "pandas": best_of(lambda: run_pandas(px), max(1, repeat // 2)),
        "memcpy": best_of(lambda: np.copy(values), repeat * 4),
    }


def ticker_major(px: Any) -> Any:
    """``px`` laid out as the store's panels are (``data.store.panels``): ticker-major
    values (F order) under the same index and columns. ``real_panel``'s pivot is
    dates-major, which the kernel reads in place too (by gathering 64 tickers per pass)."""
    import numpy as np
    import pandas as pd

    values = np.asfortranarray(px.to_numpy())
    return pd.DataFrame(values, index=px.index, columns=px.columns, copy=False)


def windows_ratio(px: Any, repeat: int) -> tuple[float, float]:
    """Seconds of compute_breadth with seven SMA windows and with the default two."""
    from indicators.breadth import BreadthParams, compute_breadth

    seven = BreadthParams(windows=(5, 10, 20, 50, 100, 150, 200))
    compute_breadth(px, params=seven)
    two = best_of(lambda: compute_breadth(px), repeat)
    return best_of(lambda: compute_breadth(px, params=seven), repeat), two


def library_vs_jit(px: Any, repeat: int, work: Path) -> tuple[float, float] | str:
    """Seconds of the fast suite from the ahead-of-time library and from numba's JIT, on the
    same panel (``indicators.kernel_aot``, built into ``work``); why not, when it cannot be."""
    from bench.bench_breadth import run_fast
    from indicators import kernels

    try:
        from indicators import kernel_aot
    except ImportError:  # bench_all --code OLD: a checkout before the library
        return "this code has no kernel library"
    try:
        kernel_aot.build(work / "kernel-library")
    except Exception as exc:  # no C compiler: the row says so
        return f"library not built: {exc}"
    lib = kernel_aot.load(work / "kernel-library")
    before = kernels.library()
    try:
        kernels.use_library(lib)
        run_fast(px)
        aot = best_of(lambda: run_fast(px), repeat)
        kernels.use_library(None)
        jit = best_of(lambda: run_fast(px), repeat)
    finally:
        kernels.use_library(before)
    return aot, jit


def measure(opts: Opts) -> list[Row]:
    """T1 rows (see the module's docstring)."""
    from bench.bench_breadth import real_panel, synthetic_panel

    repeat = 3 if opts.quick else 7
    rows: list[Row] = []
    syn = suite(synthetic_panel(), repeat)
    rows.append(Row("T1", "synthetic 3,000 × 2,520: fast suite", syn["fast"], "s"))
    rows.append(Row("T1", "synthetic: fast vs pandas suite", syn["pandas"] / syn["fast"], "x"))
    rows.append(Row("T1", "synthetic: fast vs one memcpy", syn["fast"] / syn["memcpy"], "x"))
    px = real_panel()
    if px is None:
        why = "../shared/data absent"
        rows += [skipped("T1", "R3000 proxy: fast vs pandas suite", "x", why, 20.0, ">="),
                 skipped("T1", "R3000 proxy: fast vs one memcpy", "x", why, 5.0)]  # fmt: skip
        return rows
    real = suite(px, repeat)
    store = suite(ticker_major(px), repeat)  # what the dashboard and the CLI compute on
    # the same bytes: the faster copy of the two (np.copy's new memory faults in or not)
    memcpy = min(real["memcpy"], store["memcpy"])
    shape = f"{px.shape[0]:,} × {px.shape[1]:,}"
    rows += [
        Row("T1", "R3000 proxy: fast vs pandas suite", real["pandas"] / real["fast"], "x",
            20.0, ">=", f"fast {real['fast']:.3f} s, pandas {real['pandas']:.2f} s"),
        Row("T1", "R3000 proxy: fast vs one memcpy", real["fast"] / memcpy, "x",
            5.0, "<=", f"memcpy {1000 * memcpy:.1f} ms of {shape} float32"),
    ]  # fmt: skip
    rows += [
        Row("T1", "R3000 proxy, store layout: fast vs pandas suite",
            store["pandas"] / store["fast"], "x", 20.0, ">=",
            f"fast {store['fast']:.3f} s, pandas {store['pandas']:.2f} s; ticker-major"),
        Row("T1", "R3000 proxy, store layout: fast vs one memcpy",
            store["fast"] / memcpy, "x", 5.0, "<=",
            f"memcpy {1000 * memcpy:.1f} ms, as above"),
    ]  # fmt: skip
    both = library_vs_jit(px, repeat, opts.work)
    if isinstance(both, str):
        rows.append(skipped("T1", "R3000 proxy: fast suite, library vs numba's JIT", "x", both))
    else:
        rows.append(Row("T1", "R3000 proxy: fast suite, library vs numba's JIT", both[0] / both[1],
                        "x", None, "<=", f"{both[0]:.3f} vs {both[1]:.3f} s (the web workers' "
                        "kernels: indicators/kernel_aot.py)"))  # fmt: skip
    seven, two = windows_ratio(px, repeat)
    rows.append(Row("T1", "R3000 proxy: seven MA windows vs two, compute only", seven / two,
                    "x", None, "<=", f"{seven:.3f} vs {two:.3f} s; #15's limit (1.5x) is on "
                    "the CLI export end to end: bench/bench_windows.py"))  # fmt: skip
    return rows


if __name__ == "__main__":
    import tempfile

    from bench.apptools import machine
    from bench.targets import table

    print(machine())
    with tempfile.TemporaryDirectory() as work:  # the library is built there, not in the tree
        print(table(measure(Opts(store=Path("."), real=True, work=Path(work), quick=True))))
