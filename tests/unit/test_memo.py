"""service/cache.py: the per-process LRU is bounded by count and by bytes, and
``approx_bytes`` counts what a cached value holds."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from service.cache import Memo, approx_bytes
from settings import SettingsError, load_settings


class Shared:
    """A dict standing in for flask-caching."""

    def __init__(self) -> None:
        self.d: dict[str, object] = {}

    def get(self, key: str) -> object:
        return self.d.get(key)

    def set(self, key: str, value: object) -> bool:
        self.d[key] = value
        return True


def frame(mb: float) -> pd.DataFrame:
    rows = int(mb * 2**20 / 8)
    return pd.DataFrame({"x": np.zeros(rows)}, index=pd.RangeIndex(rows))


def test_memo001_approx_bytes_counts_buffers_through_containers() -> None:
    arr = np.zeros(1000)
    df = frame(1)
    assert approx_bytes(arr) == 8000
    assert 2**20 <= approx_bytes(df) < 2**20 + 1000  # the RangeIndex is ~free
    nested = {"fig": {"data": [{"x": arr, "y": arr.copy()}]}, "frame": df}
    assert approx_bytes(nested) >= 16_000 + 2**20

    class Holder:
        def __init__(self) -> None:
            self.a = arr
            self.s = pd.Series(np.zeros(500))

    assert approx_bytes(Holder()) >= 8000 + 4000


def test_memo002_lru_evicts_oldest_past_the_byte_budget() -> None:
    shared = Shared()
    memo = Memo(shared, local_size=64, local_bytes=int(2.5 * 2**20))
    calls: list[str] = []

    def make(key: str) -> pd.DataFrame:
        calls.append(key)
        return frame(1)

    for key in ("a", "b", "c"):
        memo.get(key, "f", lambda k=key: make(k))
    assert 2 * 2**20 <= memo.local_total <= int(2.5 * 2**20)  # "a" went
    memo.get("b", "f", lambda: make("b"))  # a local hit: nothing computed
    assert calls == ["a", "b", "c"] and memo.stats["local_hits"] == 1
    memo.get("a", "f", lambda: make("a"))  # evicted locally, served by the shared level
    assert calls == ["a", "b", "c"] and memo.stats["shared_hits"] == 1
    assert memo.local_total <= int(2.5 * 2**20)


def test_memo003_a_value_larger_than_the_budget_is_still_kept_alone() -> None:
    memo = Memo(None, local_size=64, local_bytes=1000)
    memo.get("big", "f", lambda: frame(1))
    memo.get("big", "f", lambda: pytest.fail("recomputed"))
    assert memo.stats == {"computed": 1, "local_hits": 1, "shared_hits": 0}
    memo.get("next", "f", lambda: frame(1))
    assert memo.local_total == approx_bytes(frame(1))  # only the newest stays


def test_memo004_count_bound_still_applies_and_totals_stay_exact() -> None:
    memo = Memo(None, local_size=2)
    for key in "abcd":
        memo.get(key, "f", lambda: np.zeros(10))
    assert memo.local_total == 2 * approx_bytes(np.zeros(10))


def test_memo005_setting_is_read_and_checked() -> None:
    assert load_settings(env={}).local_cache_mb == 48
    assert load_settings(env={"BREADTH_LOCAL_CACHE_MB": "8"}).local_cache_mb == 8
    with pytest.raises(SettingsError):
        load_settings(env={"BREADTH_LOCAL_CACHE_MB": "0"})


def test_memo001b_a_figure_dict_is_sized_by_its_pickle() -> None:
    """A plain figure dict (what the figure caches hold) counts its strings' bytes; the same
    array referenced twice counts once, as it is held once."""
    y = "A" * 50_000  # a base64 typed array
    fig = {"data": [{"type": "scatter", "y": {"bdata": y, "dtype": "f4"}}], "layout": {}}
    assert 50_000 <= approx_bytes(fig) < 51_000
    arr = np.zeros(1000)
    assert 8000 <= approx_bytes({"data": [{"x": arr, "y": arr}]}) < 9000
