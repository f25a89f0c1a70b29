"""Issue #15 items 1 and 2 on the page: the ``mw`` and ``hw`` URL fields, "Participation
across windows" and "New highs − new lows (%)" (values against ``export breadth``), their CSV
columns, one kernel pass per view, and the report."""

from __future__ import annotations

import base64
import io
import json
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from components.url.fields import ViewState
from components.url.query import controls_query, from_store, parse_query, to_query, to_store
from components.url.values import Choices, raw_ints
from data.store import Store
from service.breadth import BreadthService

NUMBERS = "(expected whole numbers of sessions separated by commas)"
CHOICES = Choices(
    universes=("all", "sim-large"),
    default_universe="sim-large",
    first=date(2013, 1, 2),
    last=date(2026, 3, 31),
)
QUERY = "?u=sim-large&mw=100,20&hw=52,4"


# -- URL fields ----------------------------------------------------------------------------
def test_wp001_window_sets_parse_sorted_without_repeats_and_round_trip() -> None:
    state, notices = parse_query("?mw=100,%2020,20,100&hw=52,4,4", CHOICES)
    assert notices == []
    assert state.windows == (20, 100) and state.hl_weeks == (4, 52)
    query = to_query(state)
    assert query.endswith("&mcc=classic&mw=20,100&hw=4,52")  # after the header's fields
    assert parse_query(query, CHOICES) == (state, [])
    stored = json.loads(json.dumps(to_store(state)))  # what a dcc.Store gives back
    assert stored["windows"] == [20, 100] and from_store(stored) == state


def test_wp002_defaults_are_left_out_of_the_link() -> None:
    state, notices = parse_query("?mw=200,50,20&hw=4,13,26,52", CHOICES)
    assert notices == []
    assert state.windows == ViewState().windows == (20, 50, 200)
    assert state.hl_weeks == ViewState().hl_weeks == (4, 13, 26, 52)
    assert "mw=" not in to_query(state) and "hw=" not in to_query(state)
    extremes, _ = parse_query("?mw=5,400,6,7,8,9,10,11", CHOICES)  # 8 windows, both bounds
    assert extremes.windows == (5, 6, 7, 8, 9, 10, 11, 400)


@pytest.mark.parametrize(
    ("query", "notice"),
    [
        ("?mw=3,20", "mw='3,20' ignored (each window must be 5–400 sessions)"),
        ("?mw=20,401", "mw='20,401' ignored (each window must be 5–400 sessions)"),
        ("?mw=5,6,7,8,9,10,11,12,13", "mw='5,6,7,8,9,10,11,12,13' ignored (at most 8 windows)"),
        ("?mw=abc", "mw='abc' ignored " + NUMBERS),
        ("?mw=", "mw='' ignored " + NUMBERS),
        ("?mw=20,,50", "mw='20,,50' ignored " + NUMBERS),
        ("?mw=-20", "mw='-20' ignored " + NUMBERS),
        ("?mw=9999999999999", "mw='9999999999999' ignored " + NUMBERS),
        ("?mw=２０", "mw='２０' ignored " + NUMBERS),
        ("?mw=" + ",".join(["20"] * 40), "ignored (at most 8 windows)"),
        ("?hw=5", "hw='5' ignored (expected weeks from 4, 13, 26, 52)"),
        ("?hw=4,104", "hw='4,104' ignored (expected weeks from 4, 13, 26, 52)"),
        ("?hw=1.5", "hw='1.5' ignored (expected whole numbers of weeks separated by commas)"),
    ],
)  # fmt: skip
def test_wp003_absurd_window_sets_fall_back_with_one_notice(query: str, notice: str) -> None:
    state, notices = parse_query(query, CHOICES)
    assert state.windows == (20, 50, 200) and state.hl_weeks == (4, 13, 26, 52)
    assert len(notices) == 1 and notices[0].endswith(notice), notices
    assert "mw=" not in to_query(state) and "hw=" not in to_query(state)


def test_wp004_controls_give_the_same_link() -> None:
    assert raw_ints("20 50; 100,", CHOICES) == "20,50,100"
    assert raw_ints([52, 4], CHOICES) == "52,4"
    assert raw_ints("", CHOICES) is None and raw_ints([], CHOICES) is None
    query = controls_query({"windows": " 100, 20 ", "hl_weeks": [52, 4]}, CHOICES)
    state, notices = parse_query(query, CHOICES)
    assert notices == [] and state.windows == (20, 100) and state.hl_weeks == (4, 52)
    cleared, notices = parse_query(
        controls_query({"windows": "", "hl_weeks": []}, CHOICES), CHOICES
    )
    assert notices == [] and cleared.windows == (20, 50, 200)  # emptied: back to the default


# -- figures and CSV against ``export breadth`` on a demo store ---------------------------
@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    from data.jobs import load_demo

    root = tmp_path_factory.mktemp("windows-page") / "store"
    load_demo(Store(root), seed=5, n_tickers=150, years=3)
    return Store(root)


@pytest.fixture(scope="module")
def export(store: Store) -> pd.DataFrame:
    """``export breadth --windows 20,100 --hl-weeks 4,52`` of the view's universe."""
    from service.exports import export_breadth_csv

    text = export_breadth_csv(store, universe="sim-large", windows=(20, 100), hl_weeks=(4, 52))
    return pd.read_csv(io.StringIO(text), index_col="date", parse_dates=["date"])


def values(trace: Any) -> np.ndarray:
    """A trace's y (or x) as float64, from Plotly's typed-array form or a list."""
    if isinstance(trace, dict) and "bdata" in trace:
        return np.frombuffer(base64.b64decode(trace["bdata"]), dtype=trace["dtype"]).astype(float)
    return np.asarray(trace, dtype="float64")


def traces(fig: Any) -> dict[str, dict[str, Any]]:
    return {t["name"]: t for t in go.Figure(fig).to_plotly_json()["data"]}


def dates(trace: dict[str, Any]) -> pd.DatetimeIndex:
    """A trace's x (float32 ms at noon, ``style.ms``) as session dates."""
    return pd.to_datetime(values(trace["x"]), unit="ms").normalize()


def view(svc: BreadthService, query: str = QUERY) -> ViewState:
    from components.context import choices

    state, notices = parse_query(query, choices(svc))
    assert notices == []
    return state


def test_wp005_each_window_line_is_the_export_column(store: Store, export: pd.DataFrame) -> None:
    from components.charts import BY_KEY

    svc = BreadthService(store)
    fig = BY_KEY["windows"].draw(svc, view(svc))["windows"]
    by = traces(fig)
    names = list(by)
    assert names[0::2] == ["% above 20-day avg", "% above 100-day avg"]  # long ones on top
    legend = sorted(names, key=lambda name: by[name]["legendrank"])
    assert legend[0::2] == ["% above 100-day avg", "% above 20-day avg"]  # longest first
    for n in (20, 100):
        line = by[f"% above {n}-day avg"]
        got = pd.Series(values(line["y"]), index=dates(line))
        want = export[f"pct_above_{n}dma"]
        assert list(got.index) == list(want.index)
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-4)  # float32 on the wire
        assert np.isnan(got.iloc[0]) and got.notna().sum() == want.notna().sum()
        # the long-run average: the mean of the export column over all its defined sessions
        defined = want.dropna()
        label = f"{n}-day long-run avg {defined.mean():.1f}% "
        label += f"(all data, {defined.index[0]:%Y}–{defined.index[-1]:%Y})"
        assert names[names.index(f"% above {n}-day avg") + 1] == label
        avg = by[label]
        assert values(avg["y"]) == pytest.approx([defined.mean()] * 2, rel=1e-6)
        assert line["line"]["color"] == avg["line"]["color"] and avg["line"]["dash"] == "dot"
        assert line["legendgroup"] == avg["legendgroup"]
    day = pd.Timestamp(export.index[400])
    line = by["% above 20-day avg"]
    y = pd.Series(values(line["y"]), index=dates(line))
    want = export.loc[day, "pct_above_20dma"]
    print(f"\n20-day line on {day:%Y-%m-%d}: {y[day]:.4f} (export {want})")
    dashes = [by[f"% above {n}-day avg"]["line"].get("dash", "solid") for n in (100, 20)]
    assert len(set(dashes)) == 2


def test_wp006_net_highs_lines_are_the_export_columns(store: Store, export: pd.DataFrame) -> None:
    from components.charts import BY_KEY

    svc = BreadthService(store)
    for query, kind in ((QUERY, "intraday"), (QUERY + "&highs=close", "closing")):
        state = view(svc, query)
        fig = go.Figure(BY_KEY["net_highs"].draw(svc, state)["net_highs"])
        assert (
            fig.layout.title.text == f"New highs − new lows, % of eligible ({kind} highs and lows)"
        )
    fig = BY_KEY["net_highs"].draw(svc, view(svc))["net_highs"]
    by = traces(fig)
    assert list(by) == ["NH − NL, 4 weeks", "NH − NL, 52 weeks", "Cumulative net 52-week highs"]
    legend = sorted(by, key=lambda name: by[name]["legendrank"])
    assert legend == ["NH − NL, 52 weeks", "NH − NL, 4 weeks", "Cumulative net 52-week highs"]
    for w in (4, 52):
        line = by[f"NH − NL, {w} weeks"]
        got = pd.Series(values(line["y"]), index=dates(line))
        want = export[f"pct_new_highs_{w}w"] - export[f"pct_new_lows_{w}w"]
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-4)
        assert got.notna().sum() == want.notna().sum() > 100
        assert line["yaxis"] == "y"
    cum = by["Cumulative net 52-week highs"]
    assert cum["yaxis"] == "y2"
    np.testing.assert_allclose(values(cum["y"]), export["cum_net_new_highs"], rtol=1e-6)
    # cum_net_new_highs is the running sum of the export's 52-week highs − lows
    running = (export["new_highs_52w"] - export["new_lows_52w"]).cumsum()
    assert (export["cum_net_new_highs"] == running).all()
    # the closing basis draws other values where closes and highs differ
    closing = BY_KEY["net_highs"].draw(svc, view(svc, QUERY + "&highs=close"))["net_highs"]
    a = values(by["NH − NL, 4 weeks"]["y"])
    b = values(traces(closing)["NH − NL, 4 weeks"]["y"])
    assert np.nanmax(np.abs(a - b)) > 0


def test_wp007_csv_carries_exactly_the_export_names(store: Store, export: pd.DataFrame) -> None:
    from components.breadth import columns
    from components.breadth.export import view_csv, view_frame

    svc = BreadthService(store)
    state = view(svc)
    assert list(columns.windows(svc, state).columns) == [
        "pct_above_20dma",
        "eligible_20dma",
        "pct_above_100dma",
        "eligible_100dma",
    ]
    assert list(columns.net_highs(svc, state).columns) == [
        "new_highs_4w",
        "new_lows_4w",
        "pct_new_highs_4w",
        "pct_new_lows_4w",
        "new_highs_52w",
        "new_lows_52w",
        "pct_new_highs_52w",
        "pct_new_lows_52w",
        "cum_net_new_highs",
    ]
    frame = view_frame(svc, state)
    assert frame.columns.is_unique  # new_highs_52w ... also belong to the 52-week chart
    header = view_csv(svc, state).splitlines()[0].split(",")
    for name in [*columns.windows(svc, state), *columns.net_highs(svc, state)]:
        assert header.count(name) == 1, name
        got, want = frame[name], export.loc[frame.index, name]
        np.testing.assert_allclose(got.astype(float), want.astype(float), rtol=1e-12)
    assert not [c for c in header if c.startswith(("pct_above_50dma", "new_highs_13w"))][1:]
    # the default sets name their columns too
    default = view(svc, "?u=sim-large")
    assert list(columns.windows(svc, default).columns)[0::2] == [
        "pct_above_20dma",
        "pct_above_50dma",
        "pct_above_200dma",
    ]


def test_wp008_one_kernel_pass_per_view_and_a_new_set_redraws_only_its_charts(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The view's frame counts every window of every Breadth chart in one kernel call; a new
    window set costs one more call and rebuilds the two window-set figures only."""
    import indicators.breadth as ib
    from components.breadth import views
    from components.charts import charts_of

    calls: list[tuple[tuple[int, ...], tuple[int, ...]]] = []
    real = ib.window_counts
    built: list[str] = []
    real_panels = views.breadth_panels

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append((tuple(kwargs["sma_windows"]), tuple(kwargs["hl_windows"])))
        return real(*args, **kwargs)

    def panels(*args: Any, **kwargs: Any) -> Any:
        built.append("panels")
        return real_panels(*args, **kwargs)

    monkeypatch.setattr(ib, "window_counts", counting)
    monkeypatch.setattr(views, "breadth_panels", panels)
    svc = BreadthService(store)

    def draw(query: str) -> None:
        state = view(svc, query)
        for chart in charts_of("breadth"):
            assert chart.draw is not None
            chart.draw(svc, state)

    draw(QUERY)
    assert calls == [((50, 200, 20, 100), (252, 20))]
    assert built == ["panels"]
    computed = svc.stats["computed"]
    draw(QUERY)  # the same view again: nothing computed
    assert len(calls) == 1 and svc.stats["computed"] == computed
    draw("?u=sim-large&mw=10,20,30&hw=13")  # a new window set: one pass, two new figures
    assert calls[1:] == [((50, 200, 10, 20, 30), (252, 63))]
    assert built == ["panels"]  # participation, 52-week highs and A/D: from the cache


def test_wp009_report_has_both_charts(store: Store, tmp_path: Path) -> None:
    from components.report.build import BREADTH_KEYS
    from components.report.export import export_report
    from components.report.html import render_html
    from tests.unit.test_report import png_size

    svc = BreadthService(store)
    report, paths = export_report(svc, QUERY, tmp_path)
    keys = [s.key for s in report.sections]
    assert keys == list(BREADTH_KEYS)
    assert keys.index("windows") == keys.index("participation") + 1
    assert keys.index("net_highs") == keys.index("highs_lows") + 1
    text = render_html(report)
    for key, title in (
        ("windows", "Participation across windows"),
        ("net_highs", "New highs − new lows (%)"),
    ):
        assert f'id="chart-{key}"' in text and title in text
    assert "% above 100-day avg" in text and "NH − NL, 4 weeks" in text
    assert "participation windows 20/100 days" in text
    assert "new highs over 4/52 weeks" in text
    pngs = {p.name: p for p in paths}
    for key, name in (("windows", "windows.png"), ("net_highs", "net-highs.png")):
        chart = next(s for s in report.sections if s.key == key)
        assert pngs[name].stat().st_size > 20_000
        assert png_size(pngs[name]) == (1200, chart.height)
