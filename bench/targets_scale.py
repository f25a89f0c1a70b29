"""T6 scale: a synthetic OHLC store of 10,000 tickers × 30 years (7,560 sessions), imported
and exported end to end by the CLI, and the page's server time on it.

The file (long Parquet ``date,ticker,open,high,low,close,volume``, one row group per 500
tickers) is generated first; its writing is not part of the target. Then ``cli.py import``
and ``cli.py export breadth --universe all`` run as subprocesses; the peak RSS is the largest
child's (``RUSAGE_CHILDREN``). The page: the first load's callbacks and a date-range change,
in process (``bench.targets_views.Views``). Runs only with ``--scale``; ``--quick`` runs it
at 2,000 tickers × 10 years and says so.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if __name__ == "__main__":  # standalone; under bench_all the parent sets the path
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.targets import Opts, Row, skipped


def write_ohlc(path: Path, n_tickers: int, years: int, seed: int = 0) -> int:
    """A long OHLCV Parquet file of random walks with listings and gaps; rows written."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed)
    days = pd.bdate_range("1995-01-02", periods=252 * years)
    writer = None
    rows = 0
    for j0 in range(0, n_tickers, 500):
        k = min(500, n_tickers - j0)
        steps = rng.normal(0.0003, 0.02, (len(days), k)).astype("float32")
        close = 20.0 * np.exp(np.cumsum(steps, axis=0))
        start = rng.integers(0, len(days) // 2, k)
        alive = np.arange(len(days))[:, None] >= start[None, :]
        alive &= rng.random(close.shape) > 0.002  # halts
        t, j = np.nonzero(alive)
        c = close[t, j]
        spread = np.abs(rng.normal(0, 0.01, c.size)).astype("float32")
        table = pa.table({
            "date": pa.array(days.values[t]),
            "ticker": pa.array([f"T{j0 + x:05d}" for x in j]).dictionary_encode(),
            "open": c, "high": c * (1 + spread), "low": c * (1 - spread), "close": c,
            "volume": rng.integers(1_000, 1_000_000, c.size).astype("float64"),
        })  # fmt: skip
        if writer is None:
            writer = pq.ParquetWriter(path, table.schema)
        writer.write_table(table)
        rows += table.num_rows
    assert writer is not None
    writer.close()
    return rows


def run(cmd: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and kernel CPU seconds of one CLI subprocess (raises with its last line
    on failure). Kernel time is mostly first-touch page faults: on this VM it varies several
    fold from run to run with the host's memory state, and the wall time with it."""
    sys0 = resource.getrusage(resource.RUSAGE_CHILDREN).ru_stime
    t0 = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-1:]
        raise RuntimeError(f"{' '.join(cmd[1:3])} failed: {tail}")
    return time.perf_counter() - t0, resource.getrusage(resource.RUSAGE_CHILDREN).ru_stime - sys0


def measure(opts: Opts) -> list[Row]:
    """T6 rows (see the module's docstring)."""
    if not opts.scale:
        why = "run with --scale (make bench-scale)"
        return [skipped("T6", "10,000 × 30 y: import -> export end to end", "s", why, 20.0),
                skipped("T6", "10,000 × 30 y: peak RSS", "GB", why, 6.0)]  # fmt: skip
    from bench.targets_start import code_root

    n, years = (2000, 10) if opts.quick else (10_000, 30)
    size = f"{n:,} × {years} y"
    path = opts.work / "ohlc.parquet"
    t0 = time.perf_counter()
    n_rows = write_ohlc(path, n, years)
    gen = time.perf_counter() - t0
    store = opts.work / "store"
    # the full file is ~1.3 GB, over the default 512 MB import limit (BREADTH_MAX_UPLOAD_MB)
    env = {**os.environ, "BREADTH_DATA_DIR": str(store),
           "BREADTH_CACHE_DIR": str(opts.work / "cache"),
           "BREADTH_MAX_UPLOAD_MB": "4096"}  # fmt: skip
    root = code_root()
    imp, imp_sys = run([sys.executable, "cli.py", "import", str(path)], root, env)
    exp, exp_sys = run([sys.executable, "cli.py", "export", "breadth", "--universe", "all",
                        "--out", str(opts.work / "breadth.csv")], root, env)  # fmt: skip
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 2**20  # KiB -> GiB
    from bench.targets_views import Views

    v = Views(store, opts.work / "page-cache")
    first = v.first()
    from components.ids import Ids

    end = v.client.props[Ids.DATES].get("end_date")
    import pandas as pd

    start = (pd.Timestamp(end) - pd.DateOffset(years=5)).strftime("%Y-%m-%d")
    change = v.change(Ids.DATES, start_date=start)
    return [
        Row("T6", f"{size}: import -> export end to end", imp + exp, "s", 20.0, "<=",
            f"import {imp:.1f} s + export {exp:.1f} s (kernel CPU {imp_sys:.0f} + "
            f"{exp_sys:.0f} s); {n_rows:,} rows (written in {gen:.0f} s)"),
        Row("T6", f"{size}: peak RSS (largest CLI process)", peak, "GB", 6.0, "<="),
        Row("T6", f"{size}: page first load, server", first, "s", None, "<=",
            f"a date-range change then {change:.2f} s"),
    ]  # fmt: skip


if __name__ == "__main__":
    from bench.apptools import machine
    from bench.targets import table

    work = Path(tempfile.mkdtemp(prefix="bench-scale-"))
    try:
        o = Opts(store=work, real=False, work=work, quick="--quick" in sys.argv, scale=True)
        print(machine())
        print(table(measure(o)))
    finally:
        shutil.rmtree(work, ignore_errors=True)
