"""The tabs' URL fields and figure builders (RRG, forward returns, episode bands), no browser."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from components.analogs.figures import AFTER_ASOF_KEY, episode_shapes, forward_figure
from components.analogs.view import AFTER_ASOF, covering, episodes_table, note_years
from components.claims.view import fmt_percentile, fmt_value
from components.ids import Ids
from components.rrg import data as rd
from components.rrg.figures import axis_span, quadrant_of, rrg_figure, rrg_rows, tail_frame
from components.url.fields import TAB_KEYS, TABS, ViewState, claim_universes
from components.url.query import (
    edited_query,
    from_store,
    keep_tab_fields,
    parse_query,
    raw_value,
    to_query,
    to_store,
)
from components.url.sync import query_after
from components.url.values import Choices
from service.rotation import AnalogResult, missing_notice, resolve_members

CHOICES = Choices(
    universes=("all", "sim-all", "sim-large", "sim-small"),
    default_universe="sim-large",
    first=date(2022, 10, 31),
    last=date(2026, 10, 30),
)


# -- URL fields ---------------------------------------------------------------------------
def test_tab001_tab_fields_round_trip() -> None:
    q = "?tab=rrg&tail=12&freq=D&rrgend=2026-01-09&asof=2025-07-28&cu=sim-small&ccmp=sim-large"
    state, notices = parse_query(q + "&gap=2.5&near=7&marks=off", CHOICES)
    assert notices == []
    assert (state.tab, state.rrg_tail, state.rrg_freq) == ("rrg", 12, "D")
    assert state.rrg_end == date(2026, 1, 9) and state.asof == date(2025, 7, 28)
    assert (state.claim_universe, state.claim_compare) == ("sim-small", "sim-large")
    assert (state.analog_gap, state.analog_near, state.analog_marks) == (2.5, 7.0, False)
    assert parse_query(to_query(state), CHOICES) == (state, [])
    assert from_store(to_store(state)) == state


def test_tab002_defaults_stay_out_of_the_query() -> None:
    state, _ = parse_query("", CHOICES)
    text = to_query(state)
    assert not any(f"{k}=" in text.replace("?", "&").split("&", 1)[1] for k in ("tab", "tail"))
    assert all(f"&{k}=" not in text for k in TAB_KEYS)


@pytest.mark.parametrize(
    ("query", "fragment"),
    [
        ("tab=nope", "tab='nope' ignored (expected one of breadth"),
        ("tail=0", "tail='0' ignored (outside 1–52"),
        ("tail=x", "tail='x' ignored (not a whole number"),
        ("freq=M", "freq='M' ignored (expected W"),
        ("rrgend=2026-02-30", "rrgend='2026-02-30' ignored"),
        ("asof=1999-01-01", "as-of 1999-01-01 is outside the stored data"),
        ("rrgend=2020-01-01", "RRG end 2020-01-01 is outside the selected range"),
        ("cu=nope", "cu='nope' ignored (unknown universe)"),
        ("gap=nan", "gap='nan' ignored"),
        ("near=31", "near='31' ignored (outside 0–30)"),
        ("marks=yes", "marks='yes' ignored"),
        ("cu=sim-all&ccmp=sim-all", "claim comparison universe equals its universe"),
    ],
)
def test_tab003_bad_tab_values_fall_back_with_a_notice(query: str, fragment: str) -> None:
    state, notices = parse_query(query, CHOICES)
    assert any(fragment in n for n in notices), notices
    assert state.tab in TABS and 1 <= state.rrg_tail <= 52 and state.rrg_freq in ("W", "D")


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from([*TAB_KEYS, "u", "start", "zz"]),
            st.text(max_size=14),
        ),
        max_size=8,
    )
)
def test_tab004_random_queries_never_raise(pairs: list[tuple[str, str]]) -> None:
    from urllib.parse import urlencode

    state, notices = parse_query("?" + urlencode(pairs), CHOICES)
    assert isinstance(notices, list) and state.tab in TABS
    again, more = parse_query(to_query(state), CHOICES)
    assert again == state and more == []


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=60))
def test_tab005_raw_query_text_never_raises(text: str) -> None:
    state, _ = parse_query(text, CHOICES)
    assert state.tab in TABS


def test_tab006_a_control_edits_only_its_key() -> None:
    search = "?u=sim-small&start=2024-01-02&end=2026-10-30&tab=rrg&tail=6"
    assert "u=sim-small" in edited_query(search, "tail", "9") and "tail=9" in edited_query(
        search, "tail", "9"
    )
    state = query_after(search, Ids.RRG_TAIL, 9, CHOICES)
    assert (state.universe, state.rrg_tail, state.tab) == ("sim-small", 9, "rrg")
    state = query_after(search, Ids.CLAIM_NOTE_DATE, None, CHOICES)
    assert state.asof == date(2025, 7, 28)
    state = query_after(to_query(state), Ids.CLAIM_LATEST, None, CHOICES)
    assert state.asof is None
    state = query_after(search, Ids.RRG_END, 3, CHOICES, end_of=lambda pos: date(2025, 1, 3))
    assert state.rrg_end == date(2025, 1, 3)
    # the page's universe stays implicit on the Claim check; another one is an override
    assert query_after(search, Ids.CLAIM_UNIVERSE, "sim-small", CHOICES).claim_universe == ""
    assert query_after(search, Ids.CLAIM_UNIVERSE, "sim-all", CHOICES).claim_universe == "sim-all"
    assert raw_value("marks", False) == "off" and raw_value("asof", "2025-07-28T00:00") == (
        "2025-07-28"
    )


def test_tab007_breadth_controls_keep_the_tab_fields() -> None:
    current, _ = parse_query("?tab=claims&asof=2025-07-28&rrgend=2026-01-09", CHOICES)
    narrowed = ViewState(start=date(2026, 3, 2), end=date(2026, 10, 30))
    kept = keep_tab_fields(narrowed, current, CHOICES)
    assert kept.tab == "claims" and kept.asof == date(2025, 7, 28)
    assert kept.rrg_end is None  # outside the new range: dropped
    # one universe drives every tab: the claims use the page's universe unless overridden
    assert claim_universes(ViewState(universe="sim-small"), CHOICES) == ("sim-small", "sim-large")
    assert claim_universes(kept, CHOICES) == (kept.universe, "sim-large")


# -- RRG ----------------------------------------------------------------------------------
def _rrg_frames(n: int = 30) -> tuple[pd.DataFrame, pd.DataFrame]:
    idx = pd.date_range("2025-01-03", periods=n, freq="W-FRI")
    t = np.arange(n, dtype="float64")
    ratio = pd.DataFrame({"AAA": 100 + 2 * np.cos(t / 4), "BBB": 100 - 1.5 * np.sin(t / 5)}, idx)
    mom = pd.DataFrame({"AAA": 100 - 2 * np.sin(t / 4), "BBB": 100 - 1.5 * np.cos(t / 5)}, idx)
    ratio.iloc[:3, 1] = np.nan  # BBB starts later
    return ratio, mom


def test_tab010_rrg_tails_quadrants_and_hover() -> None:
    ratio, mom = _rrg_frames()
    end = ratio.index[20]
    fig = rrg_figure(ratio, mom, end=end, tail=5, labels={"AAA": "A", "BBB": "B"},
                     benchmark="SPY")  # fmt: skip
    series, tags = fig.data[:2], fig.data[2:]  # the series, then their head labels
    assert [len(tr.x) for tr in series] == [6, 6]
    assert list(fig.data[0].x) == pytest.approx(ratio["AAA"].iloc[15:21].to_list())
    assert list(fig.data[1].y) == pytest.approx(mom["BBB"].iloc[15:21].to_list())
    assert [t.text[-1] for t in tags] == ["AAA", "BBB"]  # each head is labelled
    assert [t.legendgroup for t in tags] == [t.legendgroup for t in series] == ["AAA", "BBB"]
    assert fig.data[0].marker.size[-1] > fig.data[0].marker.size[0]
    shapes = {s.name: s for s in fig.layout.shapes}
    assert set(shapes) == {"Leading", "Weakening", "Lagging", "Improving"}
    assert shapes["Leading"].x0 == 100 and shapes["Leading"].y0 == 100
    assert shapes["Lagging"].x1 == 100 and shapes["Lagging"].y1 == 100
    assert {a.text for a in fig.layout.annotations} >= {"<b>Leading</b>", "<b>Lagging</b>"}
    head_quadrant = fig.data[0].customdata[-1][1]
    assert head_quadrant == quadrant_of(ratio["AAA"].iloc[20], mom["AAA"].iloc[20])
    assert "RS-Ratio" in fig.data[0].hovertemplate and "customdata[1]" in fig.data[0].hovertemplate
    assert fig.layout.xaxis.range[0] < min(fig.data[0].x) and fig.layout.hovermode == "closest"


def test_tab011_tail_stops_at_the_first_defined_period() -> None:
    ratio, mom = _rrg_frames()
    frame = tail_frame(ratio, mom, "BBB", ratio.index[5], tail=8)
    assert len(frame) == 3 and frame.index[0] == ratio.index[3]
    assert quadrant_of(101, 99) == "Weakening" and quadrant_of(99, 101) == "Improving"
    assert quadrant_of(100, 100) == "Leading" and quadrant_of(float("nan"), 1) == ""
    assert axis_span({"x": frame}) >= 1.5
    rows = rrg_rows({"BBB": frame}, {"BBB": "B"})
    assert rows.loc[0, "ratio"] == pytest.approx(ratio["BBB"].iloc[5])


def test_tab012_rrg_without_data_says_so() -> None:
    empty = pd.DataFrame({"AAA": [np.nan] * 3}, pd.date_range("2025-01-03", periods=3))
    fig = rrg_figure(empty, empty, end=None, tail=4, labels={"AAA": "A"}, benchmark="SPY")
    assert fig.data == () and "enough history" in fig.layout.annotations[0].text


def test_tab013_members_resolve_to_demo_series_and_name_the_missing() -> None:
    available = ["SIM:LARGE", "SIM:XLK", "SIM:XLE", "SIM:VALUE", "SIM:GROWTH", "SIM:SMALL",
                 "SIM:MID"]  # fmt: skip
    members = {m.slot: m.ticker for m in resolve_members(available)}
    assert members["XLK"] == "SIM:XLK" and members["IWD"] == "SIM:VALUE"
    assert members["IJR"] == "SIM:SMALL" and members["IJH"] == "SIM:MID"
    assert members["XLF"] is None and members["IWN"] is None
    notice = missing_notice(resolve_members(available), "SIM:LARGE")[0]
    assert "XLF (Financials)" in notice and "IWO (Small growth)" in notice
    assert missing_notice([], None)[0].startswith("no benchmark series")
    real = {m.slot: m.ticker for m in resolve_members(["IWD", "VTV", "XLK", "IJR"])}
    assert real["IWD"] == "IWD" and real["IJR"] == "IJR"


def test_tab014_slider_positions() -> None:
    periods = pd.DatetimeIndex(pd.date_range("2025-01-03", periods=10, freq="W-FRI"))
    assert rd.end_index(periods, None) == 9
    assert rd.end_index(periods, date(2025, 1, 15)) == 1  # last period on or before
    assert rd.end_date(periods, 1) == date(2025, 1, 10) and rd.end_date(periods, 9) is None
    marks = rd.slider_marks(periods, count=4)
    assert set(marks) == {0, 3, 6, 9} and marks[0] == "Jan 2025"
    ratio = pd.DataFrame({"A": [np.nan, 1.0, 2.0, 3.0]}, pd.date_range("2025-01-01", periods=4))
    assert list(rd.view_periods(ratio, date(2025, 1, 1), date(2025, 1, 3)).day) == [2, 3]


# -- analogs and claims --------------------------------------------------------------------
def _forward() -> tuple[pd.DataFrame, pd.DataFrame]:
    rows = []
    for ep, day in ((1, "2015-05-01"), (2, "2019-03-01"), (3, "2023-07-03")):
        for h, lab in ((21, "1m"), (252, "12m")):
            value = np.nan if (ep == 3 and h == 252) else float(ep * (1 if h == 21 else -2))
            rows.append({"episode": ep, "signal_date": pd.Timestamp(day), "pair": "small_vs_large",
                         "horizon": h, "horizon_label": lab, "forward_return_pct": value,
                         "realised_by_asof": ep != 2})  # fmt: skip
    forward = pd.DataFrame(rows)
    summary = pd.DataFrame({"pair": ["small_vs_large"] * 2, "horizon": [21, 252],
                            "horizon_label": ["1m", "12m"], "median": [2.0, -2.0],
                            "hit_rate": [100.0, 0.0], "n": [2, 1]})  # fmt: skip
    return forward, summary


def test_tab020_forward_figure_points_and_medians() -> None:
    forward, summary = _forward()
    fig = forward_figure(forward, summary, {"small_vs_large": "Small vs large (IWM/SPY)"})
    points, medians, key = fig.data
    assert key.name == AFTER_ASOF_KEY and key.marker.symbol == "circle-open"  # the legend
    assert len(points.y) == 5  # 6 pair × horizon cells, one return undefined
    assert sorted(points.y) == [-4.0, -2.0, 1.0, 2.0, 3.0]
    assert list(points.marker.symbol).count("circle-open") == 2  # episode 2: hindsight only
    assert list(medians.x) == ["1m", "12m"] and list(medians.y) == [2.0, -2.0]
    assert list(fig.layout.xaxis.categoryarray) == ["1m", "12m"]


def test_tab024_forward_figure_keys_open_markers_only_when_there_are_some() -> None:
    forward, summary = _forward()
    forward["realised_by_asof"] = True
    fig = forward_figure(forward, summary, {"small_vs_large": "Small vs large (IWM/SPY)"})
    assert [t.name for t in fig.data] == [
        "Small vs large (IWM/SPY)",
        "Small vs large (IWM/SPY): median",
    ]
    assert "circle-open" not in list(fig.data[0].marker.symbol)


def _result(asof: str) -> AnalogResult:
    """Hand-made episodes: #1 runs from 2014 into 2016 (so covers 2015), #2 from 2023."""
    eps = pd.DataFrame({
        "episode": [1, 2], "start": pd.to_datetime(["2014-10-21", "2023-04-21"]),
        "end": pd.to_datetime(["2016-07-05", "2023-12-06"]),
        "signal_date": pd.to_datetime(["2014-10-21", "2023-04-21"]), "signal_sessions": [274, 107],
        "pct_above_200dma": [49.7, 46.3], "long_run_average": [70.3, 58.9],
        "index_off_high_pct": [3.4, 4.3], "contains_asof": [False, False],
    })  # fmt: skip
    forward = pd.DataFrame({
        "episode": [1, 2], "signal_date": eps["signal_date"], "pair": "small_vs_large",
        "horizon": 252, "horizon_label": "12m", "end_date": pd.to_datetime(["2015-10-20",
                                                                            "2024-04-22"]),
        "forward_return_pct": [-3.0, 5.25], "realised_by_asof": [True, False],
    })  # fmt: skip
    return AnalogResult(pd.DataFrame(), eps, forward, pd.DataFrame(), pd.Timestamp(asof))


def test_tab025_a_year_spanned_by_an_episode_is_covered() -> None:
    """2015 once read 'no episode at these thresholds' while episode 1 ran 2014 → 2016."""
    result = _result("2024-01-31")
    assert covering(result.episodes, 2015)["episode"].tolist() == [1]
    assert covering(result.episodes, 2014)["episode"].tolist() == [1]
    assert covering(result.episodes, 2016)["episode"].tolist() == [1]
    assert covering(result.episodes, 2017).empty
    assert covering(result.episodes, 2023)["episode"].tolist() == [2]
    text = note_years(result, pd.Timestamp("2013-01-02"))
    assert text == (
        "The note's precedents — 2015: #1 21 Oct 2014 – 05 Jul 2016; "
        "2023: #2 21 Apr 2023 – 06 Dec 2023."
    )
    few = replace(result, episodes=result.episodes.iloc[1:])
    assert "2015: no episode at these thresholds" in note_years(few, pd.Timestamp("2013-01-02"))
    assert "2015: before the stored data" in note_years(result, pd.Timestamp("2016-01-04"))


def test_tab026_returns_realised_after_the_asof_are_marked() -> None:
    table = episodes_table(_result("2024-01-31"), {"small_vs_large": "Small vs large (IWM/SPY)"})
    cells = [c for c in _walk(table) if getattr(c, "className", "") and "num" in c.className]
    later = [c for c in cells if "after-asof" in c.className]
    assert [c.children for c in later] == ["+5.2%" + AFTER_ASOF]  # episode 2, 2024-04-22
    rows = [c for c in _walk(table) if type(c).__name__ == "Tr"][1:]
    assert [r.children[-1].children for r in rows] == ["-3.0%", "+5.2%" + AFTER_ASOF]
    note = [c for c in _walk(table) if "analog-after-asof" in str(getattr(c, "className", ""))]
    assert note and "realised after the as-of date (2024-01-31)" in note[0].children
    done_result = _result("2024-06-28")
    done_result.forward["realised_by_asof"] = True
    done = episodes_table(done_result, {"small_vs_large": "Small vs large (IWM/SPY)"})
    assert not [c for c in _walk(done) if "after-asof" in str(getattr(c, "className", ""))]


def _walk(node: Any) -> Iterator[Any]:
    yield node
    children = getattr(node, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if child is not None and not isinstance(child, str | int | float):
            yield from _walk(child)


def test_tab021_forward_figure_without_returns_says_so() -> None:
    fig = forward_figure(pd.DataFrame({"forward_return_pct": []}), pd.DataFrame(), {})
    assert "No episode" in fig.layout.annotations[0].text


def test_tab022_episode_bands() -> None:
    eps = pd.DataFrame({"start": pd.to_datetime(["2024-02-01", "2025-06-02"]),
                        "end": pd.to_datetime(["2024-03-15", "2025-06-02"])})  # fmt: skip
    shapes = episode_shapes(eps, "Analog episodes")
    assert [(s["x0"], s["x1"]) for s in shapes] == [
        ("2024-02-01", "2024-03-16"),
        ("2025-06-02", "2025-06-03"),
    ]
    assert [s["showlegend"] for s in shapes] == [True, False]
    assert all(s["yref"] == "paper" and s["type"] == "rect" for s in shapes)
    assert episode_shapes(eps.iloc[:0]) == []


def test_tab023_claim_formats() -> None:
    assert fmt_value("pct_above_200dma", 23.44) == "23.4%"
    assert fmt_value("small_caps_ytd", 3.21) == "+3.2%"
    assert fmt_value("small_caps_ytd", float("nan")) == "–"
    assert [fmt_percentile(v) for v in (1, 2, 3, 11, 12, 22, 99.6)] == [
        "1st", "2nd", "3rd", "11th", "12th", "22nd", "100th",
    ]  # fmt: skip


def test_tab030_episode_bands_use_the_charts_universe(tmp_path: Path) -> None:
    """The participation chart's bands are selected on the universe it shows, not on the
    claim check's universe (they once said 'setup on sim-all' over a sim-large chart)."""
    from components.analogs.view import analog_result, episode_patch
    from components.context import choices
    from data.jobs import load_demo
    from data.store import Store
    from service.breadth import BreadthService

    store = Store(tmp_path / "s")
    load_demo(store, seed=1, n_tickers=300, years=4)
    svc = BreadthService(store)
    ch = choices(svc)
    state = replace(ViewState(universe="sim-large"), analog_marks=True, analog_near=20.0)
    ops = str(episode_patch(svc, state, ch).to_plotly_json())
    assert "setup on Simulated large caps" in ops and "sim-all" not in ops
    mine = analog_result(svc, state, ch, universe="sim-large")
    assert analog_result(svc, state, ch, universe="sim-large") is mine  # memoized


def test_tab031_idle_header_controls_hide_on_claims_and_analogs() -> None:
    from components.page.controls import HIDDEN, idle_styles

    for tab in ("claims", "analogs"):  # dates, options hidden (the weeks with the dates)
        styles = idle_styles(tab)
        assert styles[:4] == (HIDDEN, HIDDEN, {}, {}) and "as-of date" in styles[4]
    styles = idle_styles("sectors")  # the dates stay, options and week boxes go
    assert styles[:4] == ({}, HIDDEN, HIDDEN, {}) and "200- or 50-day" in styles[4]
    for tab in ("breadth", "rrg", None):
        assert idle_styles(tab) == ({}, {}, {}, HIDDEN, "")


def test_tab031b_the_page_holds_every_tabs_idle_styles() -> None:
    """The clientside callback (assets/page.js) reads them from the layout's table: one row
    per tab and one for no tab, each what ``idle_styles`` gives, and the layout holds it."""
    from components.page.controls import idle_note, idle_styles, idle_table
    from components.report.dashhtml import walk
    from components.tabs import TABS

    table = idle_table()
    assert set(table) == {"", *TABS}
    assert table[""] == list(idle_styles(None)) and table["sectors"] == list(idle_styles("sectors"))
    assert all(table[tab] == list(idle_styles(tab)) for tab in TABS)
    stores = [c for c in walk(idle_note()) if getattr(c, "id", None) == Ids.IDLE_TABLE]
    assert len(stores) == 1 and stores[0].data == table
