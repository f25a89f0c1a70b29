"""Divergences on the page (issue #15 item 5): the URL fields dvn/dvt/dv, the marks on the
benchmark and participation charts (figures, the callback's Patch), the Breadth CSV columns,
the report, and the export table (demo store)."""

from __future__ import annotations

import base64
import io
from contextvars import copy_context
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from components.url.query import parse_query, to_query, to_store
from components.url.values import Choices
from data.errors import InputError
from data.store import Store
from service.breadth import BreadthQuery, BreadthService
from service.divergences import DIVERGENCE_COLUMNS, divergence_frame, divergence_table
from tests.unit.test_registries import CHOICES, OLD_LINKS

VIEW = "?u=sim-large&start=2024-01-02&end=2026-06-30"


# -- URL fields ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("query", "expected", "notices"),
    [
        ("", (2.0, 50, True), []),
        ("?dvn=3.5&dvt=20&dv=off", (3.5, 20, False), []),
        ("?dvn=0.5&dvt=10", (0.5, 10, True), []),
        ("?dvn=10&dvt=200&dv=on", (10.0, 200, True), []),
        ("?dvn=0.4", (2.0, 50, True), ["dvn='0.4' ignored (outside 0.5–10%)"]),
        ("?dvn=11", (2.0, 50, True), ["dvn='11' ignored (outside 0.5–10%)"]),
        ("?dvn=nan", (2.0, 50, True), ["dvn='nan' ignored (outside 0.5–10%)"]),
        ("?dvn=two", (2.0, 50, True), ["dvn='two' ignored (not a number)"]),
        ("?dvt=9", (2.0, 50, True), ["dvt='9' ignored (outside 10–200 sessions)"]),
        ("?dvt=201", (2.0, 50, True), ["dvt='201' ignored (outside 10–200 sessions)"]),
        ("?dvt=2.5", (2.0, 50, True), ["dvt='2.5' ignored (not a whole number of sessions)"]),
        ("?dv=yes", (2.0, 50, True), ["dv='yes' ignored (expected on or off)"]),
    ],
)
def test_divp001_url_fields_parse_and_fall_back(
    query: str, expected: tuple[float, int, bool], notices: list[str]
) -> None:
    state, got = parse_query(query, CHOICES)
    assert (state.div_near, state.div_trail, state.div_marks) == expected
    assert got == notices


def test_divp002_defaults_are_omitted_and_values_round_trip() -> None:
    state, _ = parse_query("", CHOICES)
    assert "dv" not in to_query(state)  # neither dvn, dvt nor dv
    changed = replace(state, div_near=3.5, div_trail=20, div_marks=False)
    query = to_query(changed)
    assert query.endswith("&dvn=3.5&dvt=20&dv=off")
    assert parse_query(query, CHOICES) == (changed, [])
    # the header's controls keep them (tab fields), a tab switch keeps them
    assert parse_query(query + "&tab=rrg", CHOICES)[0].div_trail == 20


@pytest.mark.parametrize(("query", "changed", "notices", "canonical"), OLD_LINKS)
def test_divp003_old_links_get_the_defaults(
    query: str, changed: dict[str, Any], notices: list[str], canonical: str
) -> None:
    state, _ = parse_query(query, CHOICES)
    assert (state.div_near, state.div_trail, state.div_marks) == (2.0, 50, True)
    assert "dvn" not in to_query(state) and "dvt" not in to_query(state)


# -- the page, on the demo store -------------------------------------------------------------
@pytest.fixture(scope="module")
def svc(tmp_path_factory: pytest.TempPathFactory) -> BreadthService:
    from data.jobs import load_demo

    root: Path = tmp_path_factory.mktemp("div-page") / "store"
    load_demo(Store(root), seed=1, n_tickers=200, years=3)
    return BreadthService(Store(root))


def _state(svc: BreadthService, query: str) -> Any:
    from components.context import choices

    state, notices = parse_query(query, choices(svc))
    assert not notices, notices
    return state


def _values(arr: Any) -> np.ndarray:
    """A trace's array, also in Plotly's typed-array JSON form (cached figures)."""
    if isinstance(arr, dict) and "bdata" in arr:
        return np.frombuffer(base64.b64decode(arr["bdata"]), dtype=arr["dtype"])
    return np.asarray(arr if arr is not None else [])


def _runs(flags: pd.Series) -> list[pd.Timestamp]:
    f = flags.to_numpy(dtype=bool)
    return [flags.index[i] for i in np.flatnonzero(f & ~np.r_[False, f[:-1]])]


def test_divp004_marks_on_the_first_session_of_each_run(svc: BreadthService) -> None:
    from components.breadth import views
    from components.style import ms

    state = _state(svc, VIEW)
    ticker, frame = divergence_frame(svc, BreadthQuery(universe="sim-large"))
    assert ticker == "SIM:LARGE"
    starts = _runs(frame["bearish"])
    assert len(starts) >= 5 and frame["bearish"].sum() > len(starts)  # runs are common
    bench = go.Figure(views.benchmark(svc, state))
    bear, bull = bench.data[1], bench.data[2]
    assert (bear.name, bear.marker.symbol, bear.marker.color) == (
        "Bearish divergence",
        "triangle-down",
        "#D55E00",
    )
    assert (bull.name, bull.marker.symbol, bull.marker.color) == (
        "Bullish divergence",
        "triangle-up",
        "#0072B2",
    )
    np.testing.assert_array_equal(np.asarray(bear.x), ms(pd.DatetimeIndex(starts)))
    closes = frame.loc[starts, "benchmark_close"].to_numpy(dtype="float32")
    np.testing.assert_array_equal(np.asarray(bear.y), closes)
    first = frame.loc[starts[0]]
    text = bear.text[0]
    assert f"{first['pct_from_high']:.1f}% below its 52-week high" in text
    assert f"{first['breadth']:.1f}% < trailing 50-session avg" in text
    assert f"{first['prev_high_date']:%d %b %Y}" in text
    assert bench.layout.showlegend and bear.visible is not False
    part = go.Figure(views.breadth_panels(svc, state).participation)
    assert [t.name for t in part.data[4:6]] == ["Bearish divergence", "Bullish divergence"]
    slow = svc.breadth(BreadthQuery(universe="sim-large"))["pct_above_200dma"]
    np.testing.assert_array_equal(
        np.asarray(part.data[4].y), slow.loc[starts].to_numpy(dtype="float32")
    )
    # dvn/dvt change the flags; dv=off keeps the two traces (positions) but empty and hidden
    wide = go.Figure(views.benchmark(svc, _state(svc, VIEW + "&dvn=5&dvt=20")))
    _, frame5 = divergence_frame(svc, BreadthQuery(universe="sim-large"), near_pct=5, trail=20)
    assert len(wide.data[1].x) == len(_runs(frame5["bearish"])) != len(starts)
    off = go.Figure(views.benchmark(svc, _state(svc, VIEW + "&dv=off")))
    assert [len(t.x) for t in off.data[1:]] == [0, 0]
    assert all(t.visible is False for t in off.data[1:])


def test_divp005_callback_patches_the_marks_when_only_the_tab_fields_change(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    from dash import Patch, no_update
    from dash._callback_context import context_value
    from dash._utils import AttributeDict

    from app import create_app
    from components.breadth.callbacks import TAB_DATA, update_charts
    from components.url.sync import stores
    from data.jobs import load_demo
    from settings import load_settings

    root = tmp_path_factory.mktemp("div-cb")
    load_demo(Store(root / "store"), seed=1, n_tickers=200, years=3)
    app = create_app(load_settings(env={}, data_dir=root / "store", cache_dir=root / "cache"))

    def run(triggers: list[str], state: Any) -> Any:
        view, rng = stores(state)

        def inner() -> Any:
            context_value.set(
                AttributeDict(triggered_inputs=[{"prop_id": t, "value": None} for t in triggers])
            )
            # drawn: the page's charts are up (its first call draws everything)
            return update_charts(view, rng, None, to_store(state), to_store(state), True)

        with app.server.app_context():
            return copy_context().run(inner)

    with app.server.app_context():
        from components.context import get_service

        on = _state(get_service(), VIEW)
    off = replace(on, div_marks=False)
    fresh = run(["view-state.data", TAB_DATA], off)
    assert [t["name"] for t in fresh["benchmark"]["data"][1:]] == [
        "Bearish divergence",
        "Bullish divergence",
    ]
    assert fresh["benchmark"]["data"][1]["visible"] is False
    patched = run([TAB_DATA], on)
    assert patched["rotation"] is no_update and patched["highs_lows"] is no_update
    for key, first in (("benchmark", 1), ("participation", 4)):
        assert isinstance(patched[key], Patch)
        ops = patched[key].to_plotly_json()["operations"]
        where = [op["location"] for op in ops if op["location"][0] == "data"]
        assert where == [["data", first], ["data", first + 1]], key
        bear = next(op["params"]["value"] for op in ops if op["location"] == ["data", first])
        assert bear["name"] == "Bearish divergence" and bear["visible"] is True
        assert len(_values(bear["x"])) >= 5
    # a range change carries the marks in the same Patch as the new ranges
    moved = replace(on, start=date(2025, 2, 3))
    both = run(["view-range.data", TAB_DATA], moved)
    locations = [op["location"] for op in both["benchmark"].to_plotly_json()["operations"]]
    assert ["data", 1] in locations and ["layout", "xaxis", "range"] in locations


def test_divp006_breadth_csv_has_the_flags(svc: BreadthService) -> None:
    from components.breadth.export import view_frame

    state = _state(svc, VIEW + "&dvn=3")
    frame = view_frame(svc, state)
    _, div = divergence_frame(svc, BreadthQuery(universe="sim-large"), near_pct=3)
    for kind in ("bearish", "bullish"):
        col = frame[f"divergence_{kind}"]
        assert col.dtype == bool
        expected = div[kind].reindex(col.index).fillna(False).astype(bool)
        pd.testing.assert_series_equal(col, expected, check_names=False)
    assert frame["divergence_bearish"].any()
    # the flags are data: the CSV carries them with dv=off too
    assert view_frame(svc, _state(svc, VIEW + "&dvn=3&dv=off"))["divergence_bearish"].any()


def test_divp007_report_draws_the_marks(svc: BreadthService) -> None:
    from components.report.build import build_report

    def marks(query: str) -> dict[str, int]:
        report = build_report(svc, query)
        figs = {c.key: c.figure for c in report.charts}
        out = {}
        for key in ("benchmark", "participation"):
            traces = [t for t in figs[key].data if t.name == "Bearish divergence"]
            assert len(traces) == 1, key
            out[key] = len(_values(traces[0].x)) if traces[0].visible is not False else 0
        return out

    on = marks(VIEW)
    _, frame = divergence_frame(svc, BreadthQuery(universe="sim-large"))
    n = len(_runs(frame.loc[:"2026-06-30", "bearish"]))
    n_all = len(_runs(frame["bearish"]))
    assert on["benchmark"] == on["participation"] == n_all >= n > 0
    assert marks(VIEW + "&dv=off") == {"benchmark": 0, "participation": 0}


def test_divp008_export_table(svc: BreadthService) -> None:
    from service.exports import divergences_csv

    ticker, frame = divergence_frame(svc, BreadthQuery(universe="all"), near_pct=5, trail=20)
    table = pd.read_csv(
        io.StringIO(divergences_csv(svc.store, universe="all", near_pct=5, trail=20)),
        parse_dates=["date", "prev_extreme_date"],
    )
    head = [c.format(n=200) for c in DIVERGENCE_COLUMNS]
    assert list(table.columns) == head
    assert (table["kind"] == "bearish").sum() == frame["bearish"].sum() > 0
    assert (table["kind"] == "bullish").sum() == frame["bullish"].sum()
    assert set(table["benchmark"]) == {ticker}
    bear = table[table["kind"] == "bearish"].iloc[0]
    row = frame.loc[bear["date"]]
    assert bear["benchmark_52w_extreme"] == pytest.approx(row["benchmark_high"])
    assert bear["pct_from_extreme"] == pytest.approx(row["pct_from_high"])
    assert bear["pct_above_200dma"] < bear["breadth_trail_avg"]
    assert bear["pct_above_200dma"] < bear["breadth_at_prev_extreme"]
    assert bear["prev_extreme_date"] == row["prev_high_date"] < bear["date"]
    assert table["date"].is_monotonic_increasing
    assert int(table["run_start"].sum()) == len(_runs(frame["bearish"])) + len(
        _runs(frame["bullish"])
    )
    cut = pd.read_csv(
        io.StringIO(
            divergences_csv(svc.store, universe="all", near_pct=5, trail=20, start=date(2025, 1, 1))
        ),
        parse_dates=["date"],
    )
    assert cut["date"].min() >= pd.Timestamp("2025-01-01")
    assert len(cut) == (table["date"] >= pd.Timestamp("2025-01-01")).sum()
    # the table helper keeps the breadth window's name
    assert "pct_above_50dma" in divergence_table(ticker, frame, 50).columns
    with pytest.raises(InputError, match="benchmark NOPE is not in the store"):
        divergences_csv(svc.store, benchmark="NOPE")
    with pytest.raises(InputError):
        divergences_csv(svc.store, universe="no-such-universe")


def test_divp009_other_windows_and_empty_store(svc: BreadthService, tmp_path: Path) -> None:
    from service.exports import divergences_csv

    _, own = divergence_frame(svc, BreadthQuery(universe="all"), window=100)
    series = svc.breadth(BreadthQuery(universe="all", windows=(100,)))["pct_above_100dma"]
    pd.testing.assert_series_equal(own["breadth"], series.reindex(own.index), check_names=False)
    with pytest.raises(InputError, match="empty"):
        divergences_csv(Store(tmp_path / "empty"))
    assert Choices().universes == ("all",)
