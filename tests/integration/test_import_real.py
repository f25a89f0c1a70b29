"""Importing the real shared price files whole, through the store, and checking known numbers."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from data.jobs import import_files, status_report
from data.sources.files import read_price_file
from data.store import Store

pytestmark = pytest.mark.realdata


def test_import_real001_close_file_whole(shared_data: Path, data_dir: Path) -> None:
    path = shared_data / "us_close_2013_2026" / "prices.parquet"
    t0 = time.perf_counter()
    prices = read_price_file(path)
    elapsed = time.perf_counter() - t0
    assert prices.close.shape == (3416, 3504) and prices.close_only
    assert elapsed < 10  # ~1.3 s measured; generous for a loaded CI machine
    store = Store(data_dir)
    summary = import_files(store, [path], replace=False)
    assert "3504 tickers" in summary and "close only" in summary
    close = store.read_prices(tickers=["SPY", "IWM"]).close
    spy = close["SPY"]
    assert spy.loc["2025-07-28"] / spy.loc["2025-04-08"] - 1 == pytest.approx(0.287, abs=0.001)
    assert np.array_equal(store.read_prices().close.to_numpy(), prices.close.to_numpy(),
                          equal_nan=True)  # fmt: skip
    assert store.manifest()["last_date"] == "2026-08-03"
    assert "close only" in status_report(store)


def test_import_real002_ohlcv_adj_scaling(shared_data: Path) -> None:
    path = shared_data / "us_stocks_ohlcv_2013_2024" / "prices.parquet"
    prices = read_price_file(path)
    import pandas as pd

    raw = pd.read_parquet(path, filters=[("ticker", "==", "AAPL")]).set_index("date")
    bar = raw.loc["2023-12-29"]
    assert bar["close"] == pytest.approx(192.53, abs=0.005)  # README's raw close
    factor = bar["adj_close"] / bar["close"]
    assert factor < 1  # dividends since: adjusted below raw
    day = pd.Timestamp("2023-12-29")
    assert prices.close.loc[day, "AAPL"] == pytest.approx(bar["adj_close"], rel=1e-6)
    assert prices.high.loc[day, "AAPL"] == pytest.approx(bar["high"] * factor, rel=1e-6)
    assert prices.low.loc[day, "AAPL"] == pytest.approx(bar["low"] * factor, rel=1e-6)
    assert prices.open.loc[day, "AAPL"] == pytest.approx(bar["open"] * factor, rel=1e-6)
    assert prices.volume.loc[day, "AAPL"] == bar["volume"]
    assert (prices.high >= prices.low).to_numpy()[prices.high.notna().to_numpy()].all()
