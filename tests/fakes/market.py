"""A small fake Yahoo market for page-refresh tests: a few stocks plus every refresh benchmark,
on weekdays up to a given day, and a demo store with a tiny custom universe of those stocks."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from data.benchmarks import REFRESH_BENCHMARKS
from tests.fakes.yahoo import FakeYahoo, make_history

TINY = ("AAA", "BBB", "CCC")


def fake_market(until: date, years: int = 2, seed: int = 5) -> FakeYahoo:
    """FakeYahoo with random-walk histories of TINY and REFRESH_BENCHMARKS up to ``until``."""
    days = pd.bdate_range(pd.Timestamp(until) - pd.DateOffset(years=years), pd.Timestamp(until))
    rng = np.random.default_rng(seed)
    histories = {}
    for t in (*TINY, *REFRESH_BENCHMARKS):
        walk = 100 * np.exp(np.cumsum(rng.normal(0.0003, 0.012, len(days))))
        histories[t] = make_history(days, walk)
    return FakeYahoo(histories=histories)


@dataclass
class SlowFake:
    """A FakeYahoo that takes ``delay`` seconds per call (to watch progress in a browser)."""

    fake: FakeYahoo
    delay: float = 0.3

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        time.sleep(self.delay)
        return self.fake(*args, **kwargs)


def demo_store_with_tiny(root: Path) -> Path:
    """A small simulated market plus the custom universe ``tiny`` (TINY as a ticker list)."""
    from data.jobs import load_demo
    from data.store import Store
    from data.universes import add_universe_file

    store = Store(root / "store")
    load_demo(store, seed=3, n_tickers=120, years=3)
    listing = root / "tiny.txt"
    listing.write_text("\n".join(TINY) + "\n")
    add_universe_file(store, "tiny", listing)
    return root / "store"
