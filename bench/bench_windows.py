"""Several moving-average windows in one pass: ``cli.py export breadth`` end to end, seven
windows vs the two-window default, on the real Russell 3000 proxy (issue #15: at most 1.5×).

    python bench/bench_windows.py [--repeat 5] [--work DIR]

Imports ../shared/data/us_close_2013_2026/prices.parquet into a temporary store with this
checkout's ``cli.py import``, writes the proxy's tickers to a file, then times each case as
its own ``cli.py export breadth --tickers-file ...`` process (interpreter start, imports,
store read, kernel, CSV written to a file) with a fresh cache folder every run, so nothing
is served from the memo. Cases run interleaved; best and median wall time are printed, with
the in-process ``compute_breadth`` time of each case on the same panel for comparison.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared" / "data" / "us_close_2013_2026"
SEVEN = "5,10,20,50,100,150,200"
CASES: dict[str, tuple[str, ...]] = {
    "default (50, 200)": (),
    f"--windows {SEVEN}": ("--windows", SEVEN),
    f"--windows {SEVEN} --hl-weeks 4,13,26,52": ("--windows", SEVEN, "--hl-weeks", "4,13,26,52"),
}


def cli(work: Path, store: Path, cache: Path, *args: str) -> float:
    """Wall time of one ``cli.py`` process (checked)."""
    env = dict(os.environ, BREADTH_DATA_DIR=str(store), BREADTH_CACHE_DIR=str(cache))
    env["BREADTH_REDIS_URL"] = ""
    t0 = time.perf_counter()
    subprocess.run(
        [sys.executable, str(ROOT / "cli.py"), *args],
        cwd=work,
        env=env,
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - t0


def in_process(repeat: int) -> dict[str, float]:
    """Best ``compute_breadth`` time of each case on the proxy panel (float32 closes)."""
    import pandas as pd

    from indicators.breadth import BreadthParams, compute_breadth

    flags = pd.read_parquet(SHARED / "tickers.parquet")
    r3k = sorted(flags.loc[flags["in_russell3000_proxy"], "ticker"])
    px = pd.read_parquet(SHARED / "prices.parquet", filters=[("ticker", "in", r3k)])
    wide = px.pivot(index="date", columns="ticker", values="adj_close")
    params = {
        "default (50, 200)": BreadthParams(),
        f"--windows {SEVEN}": BreadthParams(windows=(5, 10, 20, 50, 100, 150, 200)),
        f"--windows {SEVEN} --hl-weeks 4,13,26,52": BreadthParams(
            windows=(5, 10, 20, 50, 100, 150, 200), hl_weeks=(4, 13, 26, 52)
        ),
    }
    compute_breadth(wide.iloc[:300, :5])  # compile or load the kernel outside the timing
    best = {}
    for name, p in params.items():
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            compute_breadth(wide, params=p)
            times.append(time.perf_counter() - t0)
        best[name] = min(times)
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--work", type=Path, default=None, help="Default: a new temp folder.")
    args = ap.parse_args()
    if not (SHARED / "prices.parquet").exists():
        sys.exit(f"{SHARED} is absent: nothing to measure")
    import numba
    import pandas as pd

    work = args.work or Path(tempfile.mkdtemp(prefix="bench-windows-"))
    work.mkdir(parents=True, exist_ok=True)
    store = work / "store"
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"load {os.getloadavg()[0]:.1f}, numba threads {numba.get_num_threads()}, "
        f"python {platform.python_version()}"
    )
    t_import = cli(
        work, store, work / "cache-import", "import", "--replace", str(SHARED / "prices.parquet")
    )
    flags = pd.read_parquet(SHARED / "tickers.parquet")
    r3k = sorted(flags.loc[flags["in_russell3000_proxy"], "ticker"])
    tfile = work / "r3k.txt"
    tfile.write_text("\n".join(r3k) + "\n")
    print(f"import of the close file: {t_import:.1f} s; Russell 3000 proxy: {len(r3k)} tickers")
    export = ("export", "breadth", "--tickers-file", str(tfile))
    cli(work, store, work / "cache-warm", *export, "--out", str(work / "warm.csv"))  # JIT cache
    times: dict[str, list[float]] = {name: [] for name in CASES}
    for r in range(args.repeat):
        for i, (name, extra) in enumerate(CASES.items()):
            out = work / f"case{i}.csv"
            times[name].append(
                cli(work, store, work / f"cache-{r}-{i}", *export, *extra, "--out", str(out))
            )
    inproc = in_process(args.repeat)
    base = min(times["default (50, 200)"])
    base_in = inproc["default (50, 200)"]
    head = f"{'cli.py export breadth':<62} {'best s':>7} {'median s':>9} {'ratio':>6}"
    print(f"\n{head}  compute_breadth s (ratio)")
    for name, ts in times.items():
        print(
            f"{name:<62} {min(ts):7.2f} {statistics.median(ts):9.2f} {min(ts) / base:6.2f}  "
            f"{inproc[name]:.3f} ({inproc[name] / base_in:.2f})"
        )
    cols = [
        len((work / f"case{i}.csv").read_text().splitlines()[0].split(","))
        for i in range(len(CASES))
    ]
    print(f"columns per case: {cols}; work folder {work}")


if __name__ == "__main__":
    main()
