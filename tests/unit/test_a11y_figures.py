"""Every figure the page builds (demo store, each tab) for colour-blind readers (issue #14
item 6): series that share a subplot are told apart under simulated protanopia and
deuteranopia (CIEDE2000 after the Machado 2009 transform) or by their dash; every hover names
its series; the date charts share a unified hover with a spike line."""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import combinations
from pathlib import Path
from typing import Any

import numpy as np
import plotly.graph_objects as go
import pytest

from components.style import COLORS, OKABE_ITO, PAIR_COLORS
from service.breadth import BreadthService
from tests.colour_vision import ciede2000, difference, lab, simulate

MIN_DELTA_E = 15.0
"""CIEDE2000 two series' colours must differ by, for normal, protanopic and deuteranopic
vision (about 2.3 is a just-noticeable difference; 15 reads as clearly different hues)."""
KINDS = (None, "protanopia", "deuteranopia")
QUERIES = (
    "?cmp=sim-small",  # Breadth, with a comparison universe (its dotted line)
    "?tab=rrg&tail=6",
    "?tab=analogs&near=20",
    "?tab=sectors&u=sim-all",
)


@pytest.fixture(scope="module")
def svc(tmp_path_factory: pytest.TempPathFactory) -> BreadthService:
    from data.jobs import load_demo
    from data.store import Store

    root: Path = tmp_path_factory.mktemp("a11y-figs") / "store"
    load_demo(Store(root), seed=1, n_tickers=300, years=4)
    return BreadthService(Store(root))


def page_figures(svc: BreadthService) -> Iterator[tuple[str, go.Figure]]:
    """(name, figure) of every chart each tab of the page draws for the queries above."""
    from components.analogs.view import analogs_panel
    from components.charts import CHARTS
    from components.context import choices
    from components.rrg.view import rrg_panel
    from components.url.query import parse_query

    ch = choices(svc)
    for search in QUERIES:
        state, notices = parse_query(search, ch)
        assert not notices, notices
        if state.tab == "breadth":
            for chart in CHARTS:
                if chart.draw is not None:
                    out = chart.draw(svc, state)
                    yield chart.key, go.Figure(out[chart.key])
        elif state.tab == "rrg":
            yield "rrg", go.Figure(rrg_panel(svc, state)[0])
        elif state.tab == "sectors":
            from components.sectors.view import sectors_panel

            yield "sectors", go.Figure(sectors_panel(svc, state)[0])
        else:
            yield "analogs", go.Figure(analogs_panel(svc, state, ch)[2])


@pytest.fixture(scope="module")
def figures(svc: BreadthService) -> dict[str, go.Figure]:
    figs = dict(page_figures(svc))
    assert set(figs) >= {"benchmark", "participation", "highs_lows", "advance_decline"}
    assert {"rotation", "rrg", "analogs", "sectors"} <= set(figs)
    return figs


def series(fig: go.Figure) -> list[dict[str, Any]]:
    """The traces a reader has to tell apart: drawn lines or markers (fill-only bands and
    hidden traces apart), with their subplot, colour and dash."""
    out = []
    for t in fig.data:
        line = getattr(t, "line", None)
        marker = getattr(t, "marker", None)
        mode = getattr(t, "mode", "") or ""
        if "lines" in mode and line is not None and line.width != 0:
            colour, dash = line.color, line.dash or "solid"
        elif "markers" in mode and marker is not None:
            colour, dash = marker.color, "markers"
        else:
            continue
        out.append(
            {
                "name": t.name,
                "group": t.legendgroup or t.name,
                "subplot": (t.xaxis or "x", t.yaxis or "y"),
                "colour": colour,
                "dash": dash,
            }
        )
    return out


def test_a11y001_ciede2000_and_machado_reference_values() -> None:
    """CIEDE2000 against Sharma, Wu & Dalal's test data; the Machado deuteranopia of pure red."""
    assert ciede2000(np.array([50, 2.6772, -79.7751]), np.array([50, 0, -82.7485])) == (
        pytest.approx(2.0425, abs=1e-4)
    )
    assert ciede2000(np.array([50, -1.3802, -84.2814]), np.array([50, 0, -82.7485])) == (
        pytest.approx(1.0, abs=1e-4)
    )
    assert ciede2000(np.array([50, 2.5, 0]), np.array([73, 25, -18])) == (
        pytest.approx(27.1492, abs=1e-4)
    )
    red = simulate(np.array([255.0, 0, 0]), "deuteranopia")
    assert red[0] > red[2] and red[1] > red[2]  # red looks a dark olive/yellow, not red
    assert lab(np.array([255.0, 255, 255]))[0] == pytest.approx(100.0, abs=1e-3)
    # the old highs/lows pair merges under deuteranopia: this is what the issue saw
    assert difference("#1a7f37", "#c62828", "deuteranopia") < MIN_DELTA_E


def test_a11y002_palette_is_okabe_ito_and_pairs_are_distinguishable() -> None:
    named = set(OKABE_ITO.values()) | {COLORS["reference"], COLORS["neutral"]}
    series_colours = [COLORS[k] for k in ("primary", "secondary", "up", "down", "compare")]
    assert set(series_colours) <= named and set(PAIR_COLORS) <= named
    for a, b in combinations(PAIR_COLORS, 2):
        for kind in KINDS:
            assert difference(a, b, kind) >= MIN_DELTA_E, (a, b, kind)


def test_a11y003_series_on_one_subplot_are_distinguishable(figures: dict[str, go.Figure]) -> None:
    """Two series on one subplot differ in dash or marker, or in colour by MIN_DELTA_E under
    each vision; a colour shared by two groups is allowed only with different dashes (a
    rotation pair and its constituent-built twin). The RRG names every series at its head."""
    checked = 0
    for name, fig in figures.items():
        if name == "rrg":
            # each series (a legend group: tail + head, and its label trace) is named
            labelled = {t.legendgroup for t in fig.data if any(x for x in (t.text or ()))}
            assert labelled and labelled == {t.legendgroup for t in fig.data}
            continue
        drawn = series(fig)
        for a, b in combinations(drawn, 2):
            if a["subplot"] != b["subplot"] or a["group"] == b["group"]:
                continue
            checked += 1
            if a["colour"] == b["colour"]:
                assert a["dash"] != b["dash"], (name, a, b)
                continue
            for kind in KINDS:
                de = difference(a["colour"], b["colour"], kind)
                assert de >= MIN_DELTA_E, (name, a["name"], b["name"], kind, round(de, 1))
    assert checked >= 8  # participation, highs/lows, rotation and analogs have several


def test_a11y004_highs_and_lows_differ_by_colour_and_dash(figures: dict[str, go.Figure]) -> None:
    by_name = {t.name: t for t in figures["highs_lows"].data}
    highs, lows = by_name["% at 52-week highs"], by_name["% at 52-week lows"]
    assert (highs.line.dash or "solid") != (lows.line.dash or "solid")
    for kind in ("protanopia", "deuteranopia"):
        assert difference(highs.line.color, lows.line.color, kind) >= 40
    compare = [t for t in figures["highs_lows"].data if t.name.startswith("% at highs:")]
    assert compare and compare[0].line.dash == "dot"


def test_a11y005_every_hover_names_its_series(figures: dict[str, go.Figure]) -> None:
    hovered = 0
    for name, fig in figures.items():
        for t in fig.data:
            if t.hoverinfo == "skip":
                continue
            template = t.hovertemplate or ""
            assert template, (name, t.name)
            text = re.sub(r"</?b>", "", template)
            assert "%{fullData.name}" in text or (t.name and t.name in text), (
                name,
                t.name,
                template,
            )
            hovered += 1
    assert hovered >= 12


def test_a11y006_date_charts_share_a_unified_hover_date(figures: dict[str, go.Figure]) -> None:
    from components.charts import CHARTS

    linked = [c.key for c in CHARTS if c.linked and c.key in figures]
    assert len(linked) >= 4
    for key in linked:
        layout = figures[key].layout
        assert layout.hovermode == "x unified", key
        axes = [a for a in layout if a.startswith("xaxis")]
        for axis in axes:
            assert layout[axis].showspikes and layout[axis].spikemode == "across", (key, axis)
            assert layout[axis].hoverformat == "%a %d %b %Y"
