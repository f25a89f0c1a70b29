"""Helper of test_store_kill: a refresh-like writer run in a subprocess and killed with SIGKILL.

``python store_kill_writer.py STORE`` builds the update, prints "ready", then writes it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

from data.model import Prices, UniverseInfo
from data.store import Store

N_TICKERS, START, END = 300, "2021-01-01", "2023-12-29"


def _panels(seed: int, dates: pd.DatetimeIndex, tickers: list[str]) -> Prices:
    rng = np.random.default_rng(seed)
    close = 50 * np.exp(np.cumsum(rng.normal(0, 0.02, (len(dates), len(tickers))), axis=0))
    idx = pd.DatetimeIndex(dates.as_unit("ns"), name="date")
    cols = pd.Index(tickers, name="ticker")

    def frame(values: np.ndarray, dtype: type = np.float32) -> pd.DataFrame:
        return pd.DataFrame(values.astype(dtype), index=idx, columns=cols)

    return Prices(close=frame(close), open=frame(close * 0.99), high=frame(close * 1.02),
                  low=frame(close * 0.97), volume=frame(close * 1e4, np.float64))  # fmt: skip


def tickers() -> list[str]:
    return [f"T{i:03d}" for i in range(N_TICKERS)]


def base() -> Prices:
    """Version A: 300 tickers over three years."""
    return _panels(1, pd.bdate_range(START, END), tickers())


def write_update(store: Store) -> str:
    """Version B: last days of every ticker, 10 tickers' histories replaced, info, a universe."""
    recent = _panels(2, pd.bdate_range("2023-12-20", "2024-01-05"), tickers())
    replaced = tickers()[::30]
    full = _panels(3, pd.bdate_range(START, "2024-01-05"), replaced)
    both = {f: getattr(full, f).combine_first(getattr(recent, f)) for f in ("close", "open",
            "high", "low", "volume")}  # fmt: skip
    info = pd.DataFrame({"ticker": tickers(), "name": [f"Co {t}" for t in tickers()],
                         "sector": "Tech", "kind": "stock"})  # fmt: skip
    iv = pd.DataFrame({"ticker": tickers()[:50], "start_date": pd.Timestamp(START),
                       "end_date": pd.NaT})  # fmt: skip
    return store.write_prices(
        Prices(**both), source_kind="yahoo", source_label="Yahoo Finance",
        replace_tickers=replaced, ticker_info=info,
        universes=[(UniverseInfo("kill-u", "Kill universe", point_in_time=False), iv)],
        refresh_summary={"ok": N_TICKERS, "failed": 0},
    )  # fmt: skip


if __name__ == "__main__":
    target = Store(Path(sys.argv[1]))
    print("ready", flush=True)
    write_update(target)
    print("done", flush=True)
