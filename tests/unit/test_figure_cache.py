"""Built figures are memoized per (data version, view) and rebuilt after a store write."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from components.breadth.figure_cache import cached_benchmark, cached_panels, cached_rotation
from components.url.fields import ViewState
from data.jobs import load_demo
from data.store import Store
from service.breadth import BreadthService


def test_figcache001_same_view_served_then_rebuilt_on_new_version(tmp_path: Path) -> None:
    store = Store(tmp_path / "s")
    load_demo(store, seed=4, n_tickers=150, years=3)
    svc = BreadthService(store)
    state = ViewState(universe="sim-large")
    first = cached_panels(svc, state)
    assert isinstance(first.participation, dict) and first.participation["data"]
    computed = svc.stats["computed"]
    again = cached_panels(svc, state)
    assert again is first and svc.stats["computed"] == computed  # no rebuild
    other = cached_panels(svc, replace(state, slow=100))  # another view: its own entry
    assert other is not first
    assert other.participation != first.participation
    bench = cached_benchmark(svc, state)
    assert cached_benchmark(svc, state) is bench
    rot = cached_rotation(svc, state)
    assert cached_rotation(svc, state) is rot and isinstance(rot.figure, dict)
    load_demo(store, seed=5, n_tickers=150, years=3)  # new data version
    fresh = cached_panels(svc, state)
    assert fresh is not first
    assert fresh.participation["data"][0] != first.participation["data"][0]
