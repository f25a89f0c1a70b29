"""Breadth suite, side by side in one run: fast kernel vs plain pandas vs naive reference.

    python bench/bench_breadth.py [--repeat 5] [--skip-naive]

Panels: a synthetic 3,000 × 2,520 float32 random walk with gaps, and the real Russell 3000
proxy from ../shared/data/us_close_2013_2026 when present. The suite is 50/200-day
averages, 52-week highs/lows, advances/declines, A/D line and McClellan. (a) is the
straightforward pandas version (``df.rolling`` on the wide frame, calendar windows); (b) the
per-ticker reference of tests/reference.py. Peak extra memory is the growth of peak RSS over
the process's RSS after loading the panel, each method in its own subprocess.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared" / "data" / "us_close_2013_2026"


def synthetic_panel(n_dates: int = 2520, n_tickers: int = 3000) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    steps = rng.normal(0.0003, 0.02, (n_dates, n_tickers))
    px = (np.exp(np.cumsum(steps, axis=0)) * 50).astype("float32")
    px[rng.random(px.shape) < 0.002] = np.nan
    for j in rng.choice(n_tickers, 300, replace=False):
        px[: rng.integers(1, n_dates), j] = np.nan  # listings
    idx = pd.bdate_range("2015-01-02", periods=n_dates, name="date")
    return pd.DataFrame(px, index=idx, columns=[f"S{j:04d}" for j in range(n_tickers)])


def real_panel() -> pd.DataFrame | None:
    if not (SHARED / "prices.parquet").exists():
        return None
    flags = pd.read_parquet(SHARED / "tickers.parquet")
    r3k = sorted(flags.loc[flags["in_russell3000_proxy"], "ticker"])
    px = pd.read_parquet(SHARED / "prices.parquet", filters=[("ticker", "in", r3k)])
    return px.pivot(index="date", columns="ticker", values="adj_close")


def run_fast(px: pd.DataFrame) -> None:
    from indicators.breadth import compute_breadth

    compute_breadth(px)


def run_pandas(px: pd.DataFrame) -> None:
    """The straightforward version: calendar rolling on the wide frame, one per indicator."""
    from indicators.breadth import ema

    s200, s50 = px.rolling(200).mean(), px.rolling(50).mean()
    pct200 = (px > s200).sum(axis=1) / s200.notna().sum(axis=1)
    pct50 = (px > s50).sum(axis=1) / s50.notna().sum(axis=1)
    hi, lo = px.rolling(252).max(), px.rolling(252).min()
    nh, nl = (px >= hi).sum(axis=1), (px <= lo).sum(axis=1)
    diff = px.diff()
    net = ((diff > 0).sum(axis=1) - (diff < 0).sum(axis=1)).astype(float)
    osc = ema(net, 19) - ema(net, 39)
    _ = (pct200, pct50, nh - nl, net.cumsum(), osc.cumsum())


def run_naive(px: pd.DataFrame) -> None:
    from indicators.breadth import BreadthParams, breadth_from_counts
    from tests.reference import reference_counts

    breadth_from_counts(reference_counts(px), BreadthParams())


METHODS = {"fast": run_fast, "pandas": run_pandas, "naive": run_naive}


def child(panel: str, method: str, repeat: int) -> None:
    """Time one method on one panel in this process; print JSON."""
    px = synthetic_panel() if panel == "synthetic" else real_panel()
    assert px is not None
    if method == "fast":
        run_fast(px.iloc[:300, :5])  # JIT compile (or load from cache) outside the timing
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    rss_now = int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        METHODS[method](px)
        times.append(time.perf_counter() - t0)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(
        json.dumps(
            {
                "best_s": min(times),
                "median_s": float(np.median(times)),
                "extra_peak_mb": max(0, peak - max(rss_now, base * 1024)) / 2**20,
                "panel_mb": px.to_numpy().nbytes / 2**20,
                "shape": list(px.shape),
            }
        )
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--skip-naive", action="store_true")
    ap.add_argument("--child", nargs=2, metavar=("PANEL", "METHOD"))
    args = ap.parse_args()
    if args.child:
        child(args.child[0], args.child[1], args.repeat)
        return
    import numba

    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"numba threads {numba.get_num_threads()}, python {platform.python_version()}"
    )
    panels = ["synthetic"] + (["real"] if (SHARED / "prices.parquet").exists() else [])
    methods = ["fast", "pandas"] + ([] if args.skip_naive else ["naive"])
    for panel in panels:
        res = {}
        for method in methods:
            rep = 1 if method == "naive" else args.repeat
            out = subprocess.run(
                [sys.executable, __file__, "--child", panel, method, "--repeat", str(rep)],
                capture_output=True,
                text=True,
                check=True,
            )
            res[method] = json.loads(out.stdout.strip().splitlines()[-1])
        shape = res["fast"]["shape"]
        print(
            f"\n{panel} panel {shape[0]} sessions × {shape[1]} tickers "
            f"({res['fast']['panel_mb']:.0f} MB float32)"
        )
        print(f"{'method':<8} {'best s':>8} {'median s':>9} {'extra peak MB':>14} {'vs fast':>8}")
        for method in methods:
            r = res[method]
            ratio = r["best_s"] / res["fast"]["best_s"]
            print(
                f"{method:<8} {r['best_s']:8.3f} {r['median_s']:9.3f} "
                f"{r['extra_peak_mb']:14.1f} {ratio:7.1f}x"
            )


if __name__ == "__main__":
    main()
