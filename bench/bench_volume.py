"""Cost of the volume breadth pass beside the breadth pass, on the real OHLCV set (issue #15
item 4), measured side by side in one run.

    python bench/bench_volume.py [--repeat 7] [--work DIR]

Imports ../shared/data/us_stocks_ohlcv_2013_2024/prices.parquet (1,033 stocks, 2013-01 to
2024-03, with volume) into a temporary store, then for universe ``all`` and ``sp500`` (point
in time) times, interleaved, best and median of ``--repeat`` runs:

- kernel: ``window_counts`` (default 50/200-day, 52-week intraday highs/lows, A/D) vs
  ``volume_counts`` on the same in-memory panels (membership included);
- service: a fresh ``BreadthService`` (nothing memoized) computing ``breadth(query)`` vs
  ``volume(query)``, each with its own store read (close/high/low vs close/volume).

The ratios (volume / breadth) are the figures to quote; absolute times depend on the machine.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from data.store import Store

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OHLCV = ROOT.parent / "shared" / "data" / "us_stocks_ohlcv_2013_2024" / "prices.parquet"


def timed(cases: dict[str, Callable[[], object]], repeat: int) -> dict[str, list[float]]:
    """Wall times of each case, the cases interleaved ``repeat`` times."""
    out: dict[str, list[float]] = {k: [] for k in cases}
    for _ in range(repeat):
        for name, fn in cases.items():
            t0 = time.perf_counter()
            fn()
            out[name].append(time.perf_counter() - t0)
    return out


def bench_universe(store: Store, universe: str, repeat: int) -> None:
    """Time the four cases on one universe and print them with the two ratios."""
    from data.universes import get_universe, membership_panel
    from indicators.kernels import window_counts
    from indicators.volume import volume_counts
    from service.breadth import BreadthQuery, BreadthService

    if universe == "all":
        prices = store.read_prices(fields=("close", "high", "low", "volume"))
        member = None
    else:
        _, intervals = get_universe(store, universe)
        prices = store.read_prices(
            sorted(set(intervals["ticker"])), fields=("close", "high", "low", "volume")
        )
        member = membership_panel(intervals, prices.dates, prices.tickers).to_numpy()
    assert prices.high is not None and prices.low is not None
    assert prices.volume is not None
    close, high, low = (p.to_numpy() for p in (prices.close, prices.high, prices.low))
    volume = prices.volume.to_numpy()
    window_counts(close[:300, :5], high[:300, :5], low[:300, :5])  # compile/load
    volume_counts(close[:300, :5], volume[:300, :5])
    query = BreadthQuery(universe=universe)
    cases: dict[str, Callable[[], object]] = {
        "kernel: window_counts (breadth pass)": lambda: window_counts(close, high, low, member),
        "kernel: volume_counts (volume pass)": lambda: volume_counts(close, volume, member),
        "service: breadth(query), read + compute": lambda: BreadthService(store).breadth(query),
        "service: volume(query), read + compute": lambda: BreadthService(store).volume(query),
    }
    times = timed(cases, repeat)
    n_dates, n_tickers = close.shape
    print(f"\nuniverse {universe}: {n_dates} sessions × {n_tickers} tickers")
    for name, ts in times.items():
        print(
            f"  {name:<42} best {min(ts) * 1000:8.1f} ms   "
            f"median {statistics.median(ts) * 1000:8.1f} ms"
        )
    names = list(times)
    for a, b in ((1, 0), (3, 2)):
        best = min(times[names[a]]) / min(times[names[b]])
        med = statistics.median(times[names[a]]) / statistics.median(times[names[b]])
        what = names[a].split(":")[0]
        print(f"  ratio volume / breadth ({what}): best {best:.2f}, median {med:.2f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--work", type=Path, default=None, help="folder for the temp store")
    args = parser.parse_args()
    if not OHLCV.exists():
        print(f"skipped: {OHLCV} is absent")
        return 0

    import numba

    from data.jobs import import_files
    from data.store import Store

    with tempfile.TemporaryDirectory(dir=args.work) as tmp:
        root = Path(tmp) / "store"
        root.mkdir()
        t0 = time.perf_counter()
        import_files(Store(root), [OHLCV], replace=False)
        print(f"import of the OHLCV file: {time.perf_counter() - t0:.1f} s")
        store = Store(root)
        print(
            f"python {platform.python_version()}, numba {numba.__version__}, "
            f"{numba.get_num_threads()} threads, {os.cpu_count()} CPUs (shared machine: "
            "compare the ratios, not the times)"
        )
        for universe in ("all", "sp500"):
            bench_universe(store, universe, args.repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
