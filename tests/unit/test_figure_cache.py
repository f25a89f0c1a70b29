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


def test_figcache002_a_figure_depends_only_on_its_key_fields(tmp_path: Path) -> None:
    """Every figure of ``FIELDS_OF`` built uncached for views that differ in every other
    field is the same figure, so sharing one cache entry between them is exact; and a new
    fast window does not rebuild the volume or benchmark charts."""
    import json

    from components.breadth import views, views_windows
    from components.breadth.figure_cache import FIELDS_OF, cached_volume
    from components.style import plain_figure as _plain

    store = Store(tmp_path / "s")
    load_demo(store, seed=4, n_tickers=150, years=3)
    svc = BreadthService(store)
    base = ViewState(universe="sim-large", fast=50, slow=200)
    other = replace(
        base, fast=20, compare="sim-small", ratio_adjusted=True, windows=(10, 100), hl_weeks=(4,)
    )
    builders = {  # each build on a fresh service: nothing cached between the two views
        "benchmark-fig": lambda v, s: views.benchmark(v, s),
        "volume-fig": lambda v, s: views.volume(v, s),
        "rotation-fig": lambda v, s: views.rotation(v, s).figure,
        "windows-fig": lambda v, s: views_windows.windows_chart(v, s)["windows"],
        "net-highs-fig": lambda v, s: views_windows.net_highs_chart(v, s)["net_highs"],
    }
    assert set(builders) == set(FIELDS_OF)
    for name, build in builders.items():
        keep = {f: getattr(base, f) for f in FIELDS_OF[name]}
        a, b = base, replace(other, **keep)
        assert a != b
        fa, fb = (
            json.dumps(_plain(build(BreadthService(store), s)), sort_keys=True, default=str)
            for s in (a, b)
        )
        assert fa == fb, name
    small = replace(base, universe="sim-small")  # a key field does change the figure
    assert _plain(views.volume(svc, small)) != _plain(views.volume(svc, base))
    cached_volume(svc, base)
    cached_benchmark(svc, base)
    computed = svc.stats["computed"]
    cached_volume(svc, replace(base, fast=21))
    cached_benchmark(svc, replace(base, fast=21))
    assert svc.stats["computed"] == computed


def test_figcache003_rrg_panel_memoized_equal_to_a_fresh_build(tmp_path: Path) -> None:
    """The RRG tab's panel is built once per (data version, view, width), and what the memo
    serves is the fresh build (its figure as the dict Dash sends); another width or end is
    another entry."""
    import json

    from components.rrg.view import cached_rrg_panel, rrg_panel

    store = Store(tmp_path / "s")
    load_demo(store, seed=4, n_tickers=150, years=3)
    svc = BreadthService(store)
    state = ViewState(universe="sim-large", tab="rrg")
    first = cached_rrg_panel(svc, state, width=900)
    computed = svc.stats["computed"]
    assert cached_rrg_panel(svc, state, width=900) is first
    assert svc.stats["computed"] == computed  # served, not rebuilt
    fresh = rrg_panel(BreadthService(store), state, width=900)
    dump = lambda v: json.dumps(v, sort_keys=True, default=str)  # noqa: E731
    assert dump(first[0]) == dump(fresh[0].to_plotly_json()) and first[0]["data"]
    assert first[1] == fresh[1] and " · period " in first[1]
    assert dump(first[3].to_plotly_json()) == dump(fresh[3].to_plotly_json())
    narrow = cached_rrg_panel(svc, state, width=500)
    assert narrow is not first and dump(narrow[0]) != dump(first[0])  # labels placed anew
