"""Store benchmark: cold load, full write, one-day incremental write.

Run as ``python bench/bench_store.py``.
Builds a store from the real close file (../shared/data/us_close_2013_2026/prices.parquet) when
present, else from a synthetic 3,500 tickers × 13 years panel, in a temp folder, and prints:
file import time, full write time/bytes, cold read_prices(close, high, low) of all tickers in a
fresh process, and a one-day incremental write's time and bytes written.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from data.model import Prices  # noqa: E402
from data.store import Store  # noqa: E402

REAL = ROOT.parent / "shared" / "data" / "us_close_2013_2026" / "prices.parquet"

COLD = """
import sys, time
sys.path.insert(0, {root!r})
t0 = time.perf_counter()
from data.store import Store
p = Store({store!r}).read_prices(fields=("close", "high", "low"))
print(time.perf_counter() - t0, p.close.shape[0], p.close.shape[1])
"""


def synthetic(n_tickers: int = 3500, years: int = 13) -> Prices:
    """Random-walk OHLC panels (float32) of ``n_tickers`` over ``years`` years of weekdays."""
    rng = np.random.default_rng(0)
    dates = pd.bdate_range("2013-01-02", periods=252 * years, name="date").as_unit("ns")
    close = 50 * np.exp(np.cumsum(rng.normal(0, 0.02, (len(dates), n_tickers)), axis=0))
    cols = pd.Index([f"T{i:04d}" for i in range(n_tickers)], name="ticker")

    def frame(v: np.ndarray) -> pd.DataFrame:
        return pd.DataFrame(v.astype(np.float32), index=dates, columns=cols)

    return Prices(close=frame(close), high=frame(close * 1.01), low=frame(close * 0.99))


def folder_bytes(path: Path) -> dict[str, int]:
    return {p.name: p.stat().st_size for p in (path / "parts").iterdir()}


def cold_load(store: Path) -> tuple[float, int, int]:
    """Seconds (imports included) for read_prices(close, high, low) in a fresh process."""
    subprocess.run(["sync"], check=False)
    out = subprocess.run([sys.executable, "-c", COLD.format(root=str(ROOT), store=str(store))],
                         capture_output=True, text=True, check=True)  # fmt: skip
    secs, rows, cols = out.stdout.split()
    return float(secs), int(rows), int(cols)


def run(label: str, prices: Prices, rows: list[tuple[str, str]], tmp: Path) -> None:
    store_dir = tmp / label
    store = Store(store_dir)
    t0 = time.perf_counter()
    store.write_prices(prices, source_kind="files", source_label=label)
    full_s = time.perf_counter() - t0
    full_b = sum(folder_bytes(store_dir).values())
    rows.append((f"{label}: full write", f"{full_s:.2f} s, {full_b / 2**20:.1f} MiB"))
    best = min(cold_load(store_dir)[0] for _ in range(3))
    secs, n_rows, n_cols = cold_load(store_dir)
    rows.append((f"{label}: cold load close+high+low {n_rows}x{n_cols}",
                 f"{secs:.2f} s (best of 4: {min(best, secs):.2f} s)"))  # fmt: skip
    last = prices.close.index[-1]
    day = pd.DatetimeIndex([last + pd.offsets.BDay(1)], name="date")
    one = {f: pd.DataFrame(getattr(prices, f).iloc[-1:].to_numpy() * np.float32(1.001),
                           index=day, columns=prices.close.columns)
           for f in ("close", "high", "low") if getattr(prices, f) is not None}  # fmt: skip
    before = folder_bytes(store_dir)
    t0 = time.perf_counter()
    store.write_prices(Prices(**one), source_kind="files", source_label=label)
    inc_s = time.perf_counter() - t0
    new_b = sum(b for n, b in folder_bytes(store_dir).items() if n not in before)
    rows.append((f"{label}: one-day incremental write",
                 f"{inc_s:.2f} s, {new_b / 2**20:.1f} MiB written"))  # fmt: skip


def main() -> None:
    rows: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        if REAL.exists():
            from data.sources.files import read_price_file

            t0 = time.perf_counter()
            prices = read_price_file(REAL, max_bytes=2**40)
            rows.append(("real close file: read + validate + pivot",
                         f"{time.perf_counter() - t0:.2f} s {prices.close.shape}"))  # fmt: skip
            run("real", prices, rows, Path(tmp))
        run("synthetic 3500x13y OHLC", synthetic(), rows, Path(tmp))
    width = max(len(k) for k, _ in rows)
    for k, v in rows:
        print(f"{k:<{width}}  {v}")


if __name__ == "__main__":
    main()
