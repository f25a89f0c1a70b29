"""Callback bodies called as plain functions over a small demo store (no browser)."""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Callable, Iterator
from contextvars import copy_context
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from dash import Dash, Patch, no_update
from dash._callback_context import context_value
from dash._utils import AttributeDict

from bench.apptools import _walk
from settings import load_settings

jobs = pytest.importorskip("data.jobs")


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dash]:
    from app import create_app
    from data.store import Store

    root = tmp_path_factory.mktemp("cb")
    jobs.load_demo(Store(root / "store"), seed=1, n_tickers=200, years=3)
    yield create_app(load_settings(env={}, data_dir=root / "store", cache_dir=root / "cache"))


def run(app: Dash, fn: Callable[..., Any], triggers: list[str], *args: Any) -> Any:
    def inner() -> Any:
        context_value.set(
            AttributeDict(triggered_inputs=[{"prop_id": t, "value": None} for t in triggers])
        )
        return fn(*args)

    with app.server.app_context():
        return copy_context().run(inner)


MORE_CONTROLS: tuple[Any, ...] = ("20, 50, 200", [4, 13, 26, 52])
"""What the header controls after the first eight (``mw``, ``hw``) show at their defaults."""
N_PAGE = 8 + len(MORE_CONTROLS)
VIEW_OUT, RANGE_OUT, NOTICE_OUT, PRESET_OUT = (N_PAGE + 1, N_PAGE + 2, N_PAGE + 3, N_PAGE + 4)
"""Positions in ``sync_url``'s outputs: the URL, the page controls, then these."""


def sync(
    app: Dash,
    search: str,
    trigger: str = ".",
    controls: tuple[Any, ...] = (),
    view: Any = None,
    rng: Any = None,
    zoom: Any = None,
) -> tuple[Any, ...]:
    from components.url.sync import BUTTONS, TAB_CONTROLS, sync_url

    raw = controls or ("sim-large", None, None, None, 50, 200, "intraday", "classic")
    raw = (*raw, *MORE_CONTROLS[len(raw) - 8 :])  # the header controls after "mcc"
    tabs = [None] * len(TAB_CONTROLS) + [None] + [0] * len(BUTTONS)  # tab controls, slider
    args = (search, *raw, [0] * 7, *tabs, zoom, [], None, view, rng, None)
    return run(app, sync_url, [trigger], *args)  # type: ignore[no-any-return]


def test_cb001_url_sets_every_control(app: Dash) -> None:
    out = sync(
        app, "?u=sim-small&start=2025-01-02&end=2025-06-30&fast=20&slow=100&highs=close&mcc=ratio"
    )
    search, *controls = out[:9]
    # the comparison stays empty: the control already shows that, so it is not written
    assert controls == ["sim-small", no_update, out[3], out[4], 20, 100, "close", "ratio"]
    assert str(out[3]) == "2025-01-02" and str(out[4]) == "2025-06-30"
    assert search.startswith("?u=sim-small&start=2025-01-02")
    assert out[VIEW_OUT]["universe"] == "sim-small" and out[RANGE_OUT] == {
        "start": "2025-01-02",
        "end": "2025-06-30",
    }
    assert out[NOTICE_OUT] is None  # no notice


def test_cb002_bad_url_gives_a_notice(app: Dash) -> None:
    shown = ("sim-small", None, None, None, 20, 200, "intraday", "classic")
    out = sync(app, "?u=nope&fast=0&start=2030-99-99", controls=shown)
    assert out[1] == "sim-large" and out[5] == 50  # the defaults replace what was shown
    assert out[6] is no_update  # the slow window already shows its default
    text = str(out[NOTICE_OUT])
    assert "Parts of the link were ignored" in text and "unknown universe" in text


def test_cb003_control_change_writes_the_url(app: Dash) -> None:
    from components.ids import Ids

    controls = ("sim-small", "sim-large", "2025-01-02", "2025-03-31", 10, 30, "close", "ratio")
    out = sync(app, "?u=sim-large", f"{Ids.FAST}.value", controls)
    assert out[0] == (
        "?u=sim-small&cmp=sim-large&start=2025-01-02&end=2025-03-31&fast=10"
        "&slow=30&highs=close&mcc=ratio"
    )


def test_cb004_preset_keeps_other_controls(app: Dash) -> None:
    from components.ids import Ids

    controls = ("sim-small", None, "2025-01-02", "2025-03-31", 10, 30, "close", "classic")
    trigger = '{"preset":"YTD","type":"' + Ids.PRESET + '"}.n_clicks'
    out = sync(app, "", trigger, controls)
    assert out[1] is no_update and out[5] is no_update  # kept as shown
    assert "u=sim-small" in out[0] and "fast=10" in out[0]
    assert str(out[3]).endswith("-01-01") and out[4] is not None


def test_cb005_unchanged_stores_are_not_rewritten(app: Dash) -> None:
    """The stores as the browser hands them back (JSON: the window sets are lists) are not
    rewritten: a rewrite fires every view's callbacks (a tab click once resent and redrew
    every Breadth chart, 1 MB, because (20, 50, 200) != [20, 50, 200])."""
    from components.url.sync import BUTTONS, TAB_CONTROLS, sync_url

    first = sync(app, "?u=sim-large&hw=4,52&mw=20,200")
    view, rng = (json.loads(json.dumps(first[i])) for i in (VIEW_OUT, RANGE_OUT))
    assert view["windows"] == [20, 200] and view["hl_weeks"] == [4, 52]
    again = sync(app, "?u=sim-large&hw=4,52&mw=20,200", view=view, rng=rng)
    assert again[VIEW_OUT] is no_update and again[RANGE_OUT] is no_update
    # the whole state (the tabs' store) likewise
    raw = ("sim-large", None, None, None, 50, 200, "intraday", "classic", "20, 200", [4, 52])
    tabs = [None] * len(TAB_CONTROLS) + [None] + [0] * len(BUTTONS)
    stored = json.loads(json.dumps(first[-1]))
    args = ("?u=sim-large&hw=4,52&mw=20,200", *raw, [0] * 7, *tabs, None, [], None)
    out = run(app, sync_url, ["."], *args, view, rng, stored)
    assert out[VIEW_OUT] is no_update and out[-1] is no_update


def test_cb005b_a_control_already_showing_the_value_is_not_written(app: Dash) -> None:
    """The page's first sync does not set the tab store back to the tab the page opened on: a
    tab clicked while that call was on its way keeps the click (CI once lost it)."""
    from components.ids import Ids
    from components.url.sync import BUTTONS, TAB_CONTROLS, sync_url

    at = [str(c.id) for _, c in TAB_CONTROLS].index(str(Ids.TABS))
    raw = ("sim-large", None, None, None, 50, 200, "intraday", "classic", *MORE_CONTROLS)
    for shown, expected in (("breadth", no_update), ("sectors", "breadth")):
        tabs: list[Any] = [None] * len(TAB_CONTROLS) + [None] + [0] * len(BUTTONS)
        tabs[at] = shown
        args = ("", *raw, [0] * 7, *tabs, None, [], None, None, None, None)
        out = run(app, sync_url, ["."], *args)
        assert out[PRESET_OUT + 1 + at] == expected


def _points(x: Any) -> int:
    """Number of points of a trace array, plain or Plotly's base64 typed array."""
    if isinstance(x, dict) and "bdata" in x:
        return len(base64.b64decode(x["bdata"])) // np.dtype(x["dtype"]).itemsize
    return len(x)


def test_cb006_full_update_draws_every_chart(app: Dash) -> None:
    from components.breadth.callbacks import update_charts

    view, rng = sync(app, "?u=sim-large&cmp=sim-small")[VIEW_OUT : RANGE_OUT + 1]
    out = run(app, update_charts, ["view-state.data", "view-range.data"], view, rng)
    keys = ("participation", "highs_lows", "advance_decline", "benchmark", "rotation")
    figs = [go.Figure(out[k]) for k in keys]  # cached as the dicts Dash sends
    assert all(len(f.data) > 0 for f in figs)
    assert all(_points(f.data[0].x) > 200 for f in figs)
    assert any("sim-small" in (t.name or "") for t in figs[1].data)
    assert "coverage" in out["coverage"]
    assert "Since" in str(out["rotation_table"])


def test_cb007_range_change_only_patches(app: Dash) -> None:
    from components.breadth.callbacks import update_charts

    view, _ = sync(app, "?u=sim-large")[VIEW_OUT : RANGE_OUT + 1]
    rng = {"start": "2025-02-03", "end": "2025-08-29"}
    drawn = (None, None, None, True)  # version, routed, tab state; the charts are up
    out = run(app, update_charts, ["view-range.data"], view, rng, *drawn)
    keys = ("participation", "highs_lows", "advance_decline", "benchmark")
    assert all(isinstance(out[k], Patch) for k in keys) and out["drawn"] is no_update
    # the coverage badge follows the view's end date; the survivorship note does not move
    assert (
        out["coverage"].endswith("have a bar on 29 Aug 2025)") and out["survivorship"] is no_update
    )
    empty = run(
        app,
        update_charts,
        ["view-range.data"],
        view,
        {"start": "2025-08-30", "end": "2025-08-31"},
        *drawn,
    )
    assert empty["coverage"].startswith("no sessions from 30 Aug 2025 to 31 Aug 2025")
    ops = out["participation"].to_plotly_json()["operations"]
    assert {
        "operation": "Assign",
        "location": ["layout", "xaxis", "range"],
        "params": {"value": ["2025-02-03 00:00", "2025-08-29 23:59"]},
    } in ops
    assert "03 Feb 2025" in str(out["rotation"].to_plotly_json())  # rebased at the new start


def test_cb008_view_change_does_not_redo_rotation(app: Dash) -> None:
    from components.breadth.callbacks import update_charts

    view, rng = sync(app, "?u=sim-small")[VIEW_OUT : RANGE_OUT + 1]
    out = run(app, update_charts, ["view-state.data"], view, rng, None, None, None, True)
    assert len(go.Figure(out["participation"]).data) > 0 and out["rotation"] is no_update


def test_cb009_download_csv(app: Dash) -> None:
    """Breadth: the columns of every chart over the view's dates; metadata in columns."""
    from components.page.download import META_COLUMNS, download_csv

    out = sync(app, "?u=sim-large&start=2025-01-02&end=2025-03-31")
    sent = run(
        app, download_csv, ["download-button.n_clicks"], 1, out[VIEW_OUT], out[RANGE_OUT], out[-1]
    )
    frame = pd.read_csv(io.StringIO(sent["content"]))
    assert sent["filename"] == "breadth-sim-large-2025-01-02-2025-03-31.csv"
    assert frame.columns[0] == "date" and list(frame.columns[-3:]) == list(META_COLUMNS)
    assert "pct_above_200dma_pct" in frame and "ad_line" in frame and "close_SIM:LARGE" in frame
    assert frame["date"].min() >= "2025-01-02" and frame["date"].max() <= "2025-03-31"
    assert frame["simulated"].all() and (frame["view"] == frame["view"].iloc[0]).all()
    assert "u=sim-large" in frame["view"].iloc[0] and "start=2025-01-02" in frame["view"].iloc[0]


@pytest.mark.parametrize(
    ("query", "name", "columns"),
    [
        ("?tab=claims&asof=2025-06-30", "claims-2025-06-30.csv", ("claim", "value")),
        (
            "?tab=rrg&start=2026-01-02&end=2026-06-30",
            "rrg-W-2026-01-02-2026-06-30.csv",
            ("date", "ticker", "rs_ratio", "rs_momentum", "quadrant"),
        ),
        ("?tab=analogs&asof=2025-06-30", "analogs-2025-06-30.csv", ("episode", "pair")),
    ],
)
def test_cb009b_download_follows_the_tab(
    app: Dash, query: str, name: str, columns: tuple[str, ...]
) -> None:
    """Claim check, RRG and Analogs download their own table, not the Breadth one."""
    from components.page.download import META_COLUMNS, download_csv

    out = sync(app, query)
    sent = run(
        app, download_csv, ["download-button.n_clicks"], 1, out[VIEW_OUT], out[RANGE_OUT], out[-1]
    )
    frame = pd.read_csv(io.StringIO(sent["content"]))
    assert sent["filename"] == name
    assert set(columns) <= set(frame.columns) and "pct_above_200dma_pct" not in frame
    assert list(frame.columns[-3:]) == list(META_COLUMNS)
    if name.startswith("rrg"):
        assert frame["date"].min() >= "2026-01-02" and frame["date"].max() <= "2026-06-30"
    assert len(frame) > 0 or name.startswith("analogs")


def test_cb010_layout_reads_the_store_at_request_time(app: Dash, tmp_path: Path) -> None:
    from app import create_app
    from components.page.layout import serve_layout

    with app.server.app_context():
        page = str(serve_layout())
    assert "Simulated data" in page and "chart-participation" in page
    empty = create_app(load_settings(env={}, data_dir=tmp_path / "empty", cache_dir=tmp_path / "c"))
    with empty.server.app_context():
        text = str(serve_layout())
    assert "No data loaded yet" in text and "cli.py demo" in text


def test_cb010b_every_graph_starts_blank_and_shares_nothing(app: Dash) -> None:
    """Every graph of the page is drawn on mount with the blank figure (no axes: Plotly's
    default ones took a third longer to draw, on every graph of a first load) and a config
    whose buttons send nothing to a third party."""
    from dash import dcc

    from components.page.graphs import BLANK, NO_THIRD_PARTY
    from components.page.layout import serve_layout

    with app.server.app_context():
        page = serve_layout()
    graphs = [c for c in page._traverse() if isinstance(c, dcc.Graph)]
    assert len(graphs) >= 11  # 8 Breadth charts, the heatmap, the RRG, the analogs' chart
    assert all(g.figure == BLANK for g in graphs), [g.id for g in graphs if g.figure != BLANK]
    assert BLANK["layout"]["xaxis"] == BLANK["layout"]["yaxis"] == {"visible": False}
    assert all(NO_THIRD_PARTY.items() <= g.config.items() for g in graphs)


def _layout_at(app: Dash, referer: str | None) -> Any:
    """serve_layout for a layout request whose Referer is ``referer`` (None: no Referer)."""
    from components.page.layout import serve_layout

    headers = {"Referer": referer} if referer is not None else {}
    with app.server.test_request_context("/_dash-layout", headers=headers):
        return serve_layout()


def _by_id(page: Any) -> dict[str, Any]:
    return {
        json.dumps(c.id, sort_keys=True) if isinstance(c.id, dict) else str(c.id): c
        for c in page._traverse()
        if getattr(c, "id", None) is not None
    }


def test_cb010c_the_layout_is_the_syncs_answer_for_the_pages_address(app: Dash) -> None:
    """#16 T3: the layout shows the view of the address its request came from (the Referer):
    every output the URL sync writes for that address at a page load is in it, so a first
    load calls no sync; the Location keeps the address as read, the link store its canonical
    form."""
    from components.ids import Ids
    from components.url.sync import OUTPUTS

    link = "?u=sim-small&fast=20&slow=0&tab=rrg"
    page = _by_id(_layout_at(app, "http://localhost/" + link))
    out = sync(app, link, controls=(None,) * 8)  # what the sync answers the same page
    presets = [c for k, c in page.items() if f'"type": "{Ids.PRESET}"' in k]
    checked = 0
    for spec, value in zip(OUTPUTS, out, strict=True):
        if value is no_update or spec.component_id == Ids.URL:
            continue
        if isinstance(spec.component_id, dict):  # the preset buttons, in layout order
            assert [b.active for b in presets] == value
        else:
            shown = getattr(page[str(spec.component_id)], spec.component_property)
            assert str(shown) == str(value), spec
        checked += 1
    assert checked >= 25
    assert page[Ids.FAST].value == 20 and page[Ids.TABS].data == "rrg"
    assert page[Ids.RRG_END].marks  # the slider set for the RRG tab's view
    assert "slow" in str(page[Ids.NOTICES].children)  # what the link got wrong
    assert page[Ids.URL].search == link and page[Ids.LINK].data == out[0]
    assert page[Ids.LINK].data.startswith("?u=sim-small&start=")


def test_cb010d_a_layout_without_the_pages_address_is_the_default_view(app: Dash) -> None:
    """No Referer, an origin-only one, or one that is no URL: the layout is the default view's,
    and the Location says it was made for no query (assets/url.js then hands the address to
    the sync). The layout response varies by the Referer."""
    from components.ids import Ids

    for referer in (None, "http://localhost/", "http://[x/?fast=20", "http://localhost/?"):
        page = _by_id(_layout_at(app, referer))
        assert page[Ids.URL].search == "" and page[Ids.FAST].value == 50, referer
        assert page[Ids.TABS].data == "breadth" and page[Ids.VIEW].data["universe"]
    response = app.server.test_client().get(
        "/_dash-layout", headers={"Referer": "http://localhost/?fast=20"}
    )
    assert "Referer" in response.headers.get("Vary", "")
    fast = [c for c in _walk(response.get_json()) if c["props"].get("id") == Ids.FAST]
    assert [c["props"]["value"] for c in fast] == [20]


def test_cb010e_fill_sets_props_by_id_and_refuses_unknown_ids() -> None:
    from dash import ALL, html

    from components.page.layout import fill

    root = html.Div([html.Button(id={"type": "b", "n": i}) for i in range(3)] + [html.P(id="p")])
    fill(root, [({"type": "b", "n": ALL}, "disabled", [True, False, True]), ("p", "title", "t")])
    assert [b.disabled for b in root.children[:3]] == [True, False, True]
    assert root.children[3].title == "t"
    with pytest.raises(KeyError):
        fill(root, [("nowhere", "title", "x")])
    with pytest.raises(ValueError):
        fill(root, [({"type": "b", "n": ALL}, "disabled", [True])])


def test_cb011_one_sync_owns_the_url_tab_controls_edit_their_key(app: Dash) -> None:
    """A tab control rewrites only its key; the same callback writes the tab store and the
    RRG slider (it used to be a second URL writer with allow_duplicate)."""
    from components.ids import Ids
    from components.url.sync import BUTTONS, TAB_CONTROLS, TAB_IDS, sync_url

    tabs: list[Any] = [None] * len(TAB_CONTROLS)
    tabs[TAB_IDS.index(Ids.RRG_TAIL)] = 9
    raw = ("sim-large", None, None, None, 50, 200, "intraday", "classic")
    search = "?u=sim-small&fast=20&slow=100&tab=rrg"
    raw = (*raw, *MORE_CONTROLS)
    ends = (None, [], None, None, None, None)  # zoom, options, landed, view, range, tab state
    args = (search, *raw, [0] * 7, *tabs, None, *[0] * len(BUTTONS), *ends)
    out = run(app, sync_url, [f"{Ids.RRG_TAIL}.value"], *args)
    assert "u=sim-small" in out[0] and "fast=20" in out[0] and "tail=9" in out[0]
    assert out[1] == "sim-small" and out[5] == 20  # header controls follow the URL
    assert out[NOTICE_OUT] is None  # nothing to report
    assert out[-1]["rrg_tail"] == 9 and out[-1]["tab"] == "rrg"
    assert isinstance(out[-2], int)  # the slider's value: a period position


def test_cb012_update_charts_owns_the_episode_bands(app: Dash) -> None:
    """The bands are laid on a fresh participation drawing, patched alone when only the tab
    fields change, and added to a range Patch (one owner: no allow_duplicate)."""
    from components.breadth.callbacks import TAB_DATA
    from components.url.query import parse_query, to_store

    out = sync(app, "?u=sim-large&near=20")
    view, rng = out[VIEW_OUT : RANGE_OUT + 1]
    with app.server.app_context():
        from components.context import choices, get_service

        plain, _ = parse_query("?u=sim-large&near=20", choices(get_service()))
        state, _ = parse_query("?u=sim-large&near=20&marks=on", choices(get_service()))
    # shading is off unless the link asks for it (issue #14 item 7: it covered the chart)
    drawn = run(
        app,
        update_charts_fn(),
        ["view-state.data", TAB_DATA],
        view,
        rng,
        None,
        to_store(plain),
        to_store(plain),
    )
    assert drawn["participation"]["layout"]["shapes"] == []
    tabs = to_store(state)
    fresh = run(app, update_charts_fn(), ["view-state.data", TAB_DATA], view, rng, None, tabs, tabs)
    shapes = fresh["participation"]["layout"]["shapes"]
    assert shapes and "setup on Simulated large caps" in str(shapes)
    alone = run(app, update_charts_fn(), [TAB_DATA], view, rng, None, tabs, tabs, True)
    assert isinstance(alone["participation"], Patch) and alone["rotation"] is no_update
    assert "setup on Simulated large caps" in str(alone["participation"].to_plotly_json())
    moved = {"start": "2025-02-03", "end": "2025-08-29"}
    both = run(
        app, update_charts_fn(), ["view-range.data", TAB_DATA], view, moved, None, tabs, tabs, True
    )
    ops = str(both["participation"].to_plotly_json())
    assert "shapes" in ops and "2025-02-03" in ops
    other = to_store(replace_tab(state, "rrg"))
    hidden = run(app, update_charts_fn(), [TAB_DATA], view, rng, None, other, other, True)
    assert hidden["participation"] is no_update


def test_cb012b_the_pages_first_call_draws_everything(app: Dash) -> None:
    """At a page's load the Breadth callback fires from its own store alone (tabs.route; the
    layout already holds VIEW and RANGE): with nothing drawn yet, it draws every chart and
    says so; the same trigger once drawn only patches."""
    from components.breadth.callbacks import TAB_DATA
    from components.url.query import parse_query, to_store

    view, rng = sync(app, "?u=sim-large")[VIEW_OUT : RANGE_OUT + 1]
    with app.server.app_context():
        from components.context import choices, get_service

        tabs = to_store(parse_query("?u=sim-large", choices(get_service()))[0])
    first = run(app, update_charts_fn(), [TAB_DATA], view, rng, None, tabs, tabs, None)
    assert first["drawn"] is True and first["rotation"] is not no_update
    assert all(_points(go.Figure(first[k]).data[0].x) > 200 for k in ("participation", "benchmark"))
    later = run(app, update_charts_fn(), [TAB_DATA], view, rng, None, tabs, tabs, True)
    assert later["drawn"] is no_update and later["rotation"] is no_update
    assert isinstance(later["participation"], Patch)


def test_cb012c_a_tab_click_is_drawn_from_the_tabs_own_store(app: Dash) -> None:
    """A click on Breadth sends the page's state with ``tab=breadth`` to the tab's own store at
    once (``tabs.select``), before the URL sync's answer: ``TAB_STATE`` still names the tab
    left. The own store, the one that fired, decides: the bands are laid. A VIEW change reads
    ``TAB_STATE`` (the own store is older then)."""
    from components.breadth.callbacks import TAB_DATA
    from components.url.query import parse_query, to_store

    view, rng = sync(app, "?u=sim-large&near=20&marks=on")[VIEW_OUT : RANGE_OUT + 1]
    with app.server.app_context():
        from components.context import choices, get_service

        state, _ = parse_query("?u=sim-large&near=20&marks=on", choices(get_service()))
    left = to_store(replace_tab(state, "analogs"))
    early = to_store(state)  # tab=breadth, as tabs.select writes it
    clicked = run(app, update_charts_fn(), [TAB_DATA], view, rng, None, early, left, True)
    assert isinstance(clicked["participation"], Patch)
    assert "setup on Simulated large caps" in str(clicked["participation"].to_plotly_json())
    stale = run(app, update_charts_fn(), [TAB_DATA], view, rng, None, left, early, True)
    assert stale["participation"] is no_update  # its own store names another tab: not shown
    redrawn = run(app, update_charts_fn(), ["view-state.data"], view, rng, None, left, early, True)
    assert redrawn["participation"]["layout"]["shapes"]  # VIEW fired: TAB_STATE decides


def update_charts_fn() -> Callable[..., Any]:
    from components.breadth.callbacks import update_charts

    return update_charts


def replace_tab(state: Any, tab: str) -> Any:
    from dataclasses import replace

    return replace(state, tab=tab)


def test_cb013_a_landed_refresh_picks_its_universe_and_the_default_range(app: Dash) -> None:
    """The URL sync owns the universe and dates (the refresh panel used to write them with
    allow_duplicate): the universe list a landing writes (so the value follows the options)
    selects the refreshed universe and the new data's default range, and keeps the other
    controls."""
    from components.ids import Ids
    from components.url.sync import BUTTONS, TAB_CONTROLS, sync_url

    raw = ("sim-large", None, "2025-01-02", "2025-03-31", 20, 100, "close", "classic")
    raw = (*raw, *MORE_CONTROLS)
    tabs = [None] * len(TAB_CONTROLS) + [None] + [0] * len(BUTTONS)
    landed = {"version": "v2", "universe": "sim-small"}
    args = ("?u=sim-large&tab=claims", *raw, [0] * 7, *tabs, None, [], landed, None, None, None)
    out = run(app, sync_url, [f"{Ids.UNIVERSE}.options"], *args)
    default = sync(app, "?u=sim-small")
    assert out[1] == "sim-small" and (out[3], out[4]) == (default[3], default[4])
    assert (out[5], out[6], out[7]) == (no_update,) * 3  # kept: they already show 20, 100, close
    assert "tab=claims" in out[0] and "fast=20&slow=100&highs=close" in out[0]
    gone = {"version": "v3", "universe": "not-stored"}
    out = run(app, sync_url, [f"{Ids.UNIVERSE}.options"], *args[:-4], gone, None, None, None)
    assert out[1] is no_update and "u=sim-large" in out[0]  # the store's default, as shown


def _query(out: tuple[Any, ...]) -> dict[str, list[str]]:
    from urllib.parse import parse_qs

    return parse_qs(str(out[0]).removeprefix("?"))


def test_cb014_presets_are_rolling_ranges_in_the_link(app: Dash) -> None:
    """A preset button writes range=<preset> (no fixed dates), highlights its button, stays
    while other controls change, and gives way to fixed dates from the picker."""
    from components.context import choices, get_service
    from components.url.query import preset_range
    from components.url.values import PRESETS

    with app.server.app_context():
        ch = choices(get_service())
    start, end = preset_range("1Y", ch)
    raw = ("sim-large", None, None, None, 50, 200, "intraday", "classic")
    out = sync(app, "?u=sim-large", '{"preset":"1Y","type":"preset"}.n_clicks', raw)
    q = _query(out)
    assert q["range"] == ["1Y"] and "start" not in q and "end" not in q
    assert (out[3], out[4]) == (start.isoformat(), end.isoformat())  # the picker shows it
    assert out[PRESET_OUT] == [p == "1Y" for p in PRESETS]
    # another control keeps the rolling range
    raw2 = ("sim-small", None, out[3], out[4], 50, 200, "intraday", "classic")
    out2 = sync(app, str(out[0]), "universe.value", raw2)
    assert _query(out2)["range"] == ["1Y"] and _query(out2)["u"] == ["sim-small"]
    # fixed dates from the picker replace it
    raw3 = ("sim-small", None, "2025-01-06", "2025-03-31", 50, 200, "intraday", "classic")
    out3 = sync(app, str(out2[0]), "date-range.start_date", raw3)
    q3 = _query(out3)
    assert "range" not in q3 and q3["start"] == ["2025-01-06"] and q3["end"] == ["2025-03-31"]
    assert not any(out3[PRESET_OUT])


def test_cb015_a_rolling_link_parses_and_says_what_it_ignored(app: Dash) -> None:
    from components.context import choices, get_service
    from components.url.query import parse_query, preset_range, to_query

    with app.server.app_context():
        ch = choices(get_service())
    state, notices = parse_query("?range=YTD", ch)
    assert ch.last is not None and (state.start, state.end) == (date(ch.last.year, 1, 1), ch.last)
    assert notices == [] and "range=YTD" in to_query(state) and "start=" not in to_query(state)
    state, notices = parse_query("?range=YTD&start=2025-01-06", ch)
    assert (state.start, state.end) == preset_range("YTD", ch)
    assert notices == ["range=YTD is a rolling range; start and end ignored"]
    state, notices = parse_query("?range=2W", ch)
    assert state.preset == "" and notices and notices[0].startswith("range='2W' ignored")


def test_cb016_a_zoom_becomes_the_views_dates(app: Dash) -> None:
    """A drag-zoom (the linked axes' key) sets start/end to the days it spans: URL, picker
    and the RANGE store follow; a double-click ("auto") keeps the URL's range; a zoom past
    the stored data is clipped to it."""
    from components.context import choices, get_service

    with app.server.app_context():
        ch = choices(get_service())
    search = "?u=sim-large&range=1Y"
    out = sync(app, search, "x-sync.data", zoom="2025-02-03 10:12:00.5|2025-05-30 08:00")
    q = _query(out)
    assert q["start"] == ["2025-02-03"] and q["end"] == ["2025-05-30"] and "range" not in q
    assert (out[3], out[4]) == ("2025-02-03", "2025-05-30")
    assert out[RANGE_OUT] == {"start": "2025-02-03", "end": "2025-05-30"}
    same = sync(app, search, "x-sync.data", zoom="auto")
    assert _query(same)["range"] == ["1Y"]
    wide = sync(app, search, "x-sync.data", zoom="1990-01-01|2099-12-31 00:00")
    assert ch.first is not None and ch.last is not None
    assert (wide[3], wide[4]) == (ch.first.isoformat(), ch.last.isoformat())


def test_cb017_an_unreadable_typed_date_keeps_the_old_one_and_says_so(app: Dash) -> None:
    """#14 item 10: the picker clears a date it cannot read; the view kept it silently gone."""
    raw = ("sim-large", None, None, "2025-03-31", 50, 200, "intraday", "classic")
    out = sync(app, "?u=sim-large&start=2025-01-06&end=2025-06-30", "date-range.start_date", raw)
    q = _query(out)
    assert q["start"] == ["2025-01-06"] and q["end"] == ["2025-03-31"]
    assert "the typed start date was not a valid date; kept 2025-01-06" in str(out[NOTICE_OUT])


def test_cb015_window_set_controls_write_mw_and_hw(app: Dash) -> None:
    """Issue #15: the typed windows and the week checkboxes go into the link, sorted; the
    URL sets both controls; a bad typed set keeps the default and says why."""
    from components.ids import Ids

    raw = ("sim-large", None, None, None, 50, 200, "intraday", "classic", "100 ,20", [52, 4])
    out = sync(app, "?u=sim-large", f"{Ids.MA_WINDOWS}.value", raw)
    assert "&mw=20,100&hw=4,52" in out[0]
    assert out[9:11] == ("20, 100", [4, 52])  # the controls show the canonical sets
    assert out[VIEW_OUT]["windows"] == [20, 100] and out[VIEW_OUT]["hl_weeks"] == [4, 52]
    back = sync(app, str(out[0]))
    assert back[9:11] == ("20, 100", [4, 52]) and back[NOTICE_OUT] is None
    bad = (*raw[:8], "2, 20", [4])
    out = sync(app, "?u=sim-large", f"{Ids.MA_WINDOWS}.value", bad)
    assert "mw=" not in out[0] and "&hw=4" in out[0]
    assert out[9] == "20, 50, 200" and "each window must be 5–400 sessions" in str(out[NOTICE_OUT])
