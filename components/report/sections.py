"""What a report holds for each tab of the page, built by that tab's own functions.

- ``breadth``: the five charts of ``components.breadth.views`` and the returns table;
- ``rrg``: ``rrg.view.rrg_panel`` (the RRG figure and its position table) for the view's
  series, tail, periods and end date;
- ``claims``: ``claims.view.claims_panel`` (the claim table for the as-of date and universes);
- ``analogs``: ``analogs.view.analogs_panel`` (forward-returns plot, median/hit-rate
  summary, episodes);
- ``sectors``: ``sectors.view.sectors_panel`` (the sector heatmap and the end-date table).

Each returns a ``TabView``: sections in page order plus what the report writes about them
(universe, coverage, options). Tables are the page's Dash components rendered to HTML
(``components.report.dashhtml``), with a ``go.Table`` picture of each for PNGs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from dash.development.base_component import Component

from components.analogs.view import analogs_panel
from components.breadth import views
from components.breadth.figure_cache import cached_rotation
from components.charts import BY_KEY, CHARTS, charts_of
from components.claims.view import claims_panel
from components.context import rotation_service
from components.report.dashhtml import find_table, table_figure, text, to_html
from components.rrg import data as rd
from components.rrg.view import rrg_panel
from components.sectors.view import sectors_panel
from components.style import message_figure
from components.url.fields import ViewState, claim_universes
from components.url.values import Choices
from data.errors import BreadthError
from service.breadth import BreadthQuery, BreadthService
from service.rotation import slots

REPORT_WIDTH = 1200
"""Width of every PNG (px); table pictures wrap their cells to it."""

TITLES: dict[str, str] = {c.key: c.title for c in CHARTS}
"""Section titles (``components.charts``)."""


@dataclass(frozen=True)
class Chart:
    """An interactive figure (HTML) that is also one PNG."""

    key: str
    title: str
    figure: go.Figure
    height: int


@dataclass(frozen=True)
class Table:
    """A page table: its HTML (the page's own component) and a picture of it for PNG."""

    key: str
    title: str
    body: str
    figure: go.Figure
    height: int


Section = Chart | Table


@dataclass
class TabView:
    """A tab's sections and what the report says about them."""

    sections: list[Section]
    universe: str
    coverage: str
    options: str
    subject: str = ""
    notices: list[str] = field(default_factory=list)
    returns: pd.DataFrame = field(default_factory=pd.DataFrame)


def chart(key: str, figure: go.Figure) -> Chart:
    return Chart(key, TITLES[key], figure, int(figure.layout.height or BY_KEY[key].height))


def table(key: str, component: Component | list[Any] | None) -> Table | None:
    """The section of a page table (None when the tab drew no table)."""
    if component is None:
        return None
    found = find_table(component)
    picture = (
        table_figure(found, title=TITLES[key], width=REPORT_WIDTH)
        if found is not None
        else message_figure(to_text(component) or "Nothing to show.", title=TITLES[key])
    )
    return Table(key, TITLES[key], to_html(component), picture, int(picture.layout.height))


def _sections(*items: Section | None) -> list[Section]:
    return [s for s in items if s is not None]


def breadth_view(svc: BreadthService, state: ViewState) -> TabView:
    """The Breadth tab: its charts in registry order (``charts_of("breadth")``, those marked
    for reports), drawn as the page draws them, and the rotation's returns table."""
    rot = cached_rotation(svc, state)
    figures: dict[str, go.Figure] = {
        c.key: go.Figure(c.draw(svc, state)[c.key])
        for c in charts_of("breadth")
        if c.report and c.draw is not None
    }
    options = (
        f"moving averages {state.fast}/{state.slow} days · "
        f"{'intraday' if state.intraday else 'closing'} 52-week highs · "
        f"{'ratio-adjusted' if state.ratio_adjusted else 'classic'} McClellan"
        + (f" · highs compared with {state.compare}" if state.compare else "")
        + f" · participation windows {'/'.join(map(str, state.windows))} days"
        + f" · new highs over {'/'.join(map(str, state.hl_weeks))} weeks"
    )
    return TabView(
        sections=[chart(k, f) for k, f in figures.items()],
        universe=state.universe,
        coverage=views.coverage_at(svc, state),
        options=options,
        notices=list(rot.notices),
        returns=rot.table,
    )


def rrg_view(svc: BreadthService, state: ViewState) -> TabView:
    """The RRG tab: the graph and the position table, as ``rrg_panel`` draws them."""
    fig, end_label, _, positions = rrg_panel(svc, state)
    try:
        data = rd.rrg_data(svc, state)
        notices, drawn, bench = data.notices, len(data.labels), data.benchmark
    except BreadthError as exc:
        notices, drawn, bench = [f"cannot compute the RRG: {exc}"], 0, ""
    word = {"W": "weekly", "D": "daily"}.get(state.rrg_freq, state.rrg_freq)
    options = f"{word} periods · {state.rrg_tail}-period tails · end {end_label or '—'}"
    return TabView(
        sections=_sections(chart("rrg", fig), table("rrg_positions", positions)),
        universe=state.universe,
        coverage=f"{drawn} of {len(slots())} sector and style series in the store",
        options=options + (f" · benchmark {bench}" if bench else ""),
        notices=[f"Rotation graph: {n}" for n in notices],
    )


def _asof_coverage(svc: BreadthService, universe: str, asof: pd.Timestamp | None) -> str:
    """Coverage of the claim universe on the as-of session (what the figures used)."""
    try:
        frame = svc.breadth(BreadthQuery(universe=universe))
    except BreadthError:
        return ""
    return views.coverage_text(frame.loc[:asof] if asof is not None else frame)


def _asof(svc: BreadthService, state: ViewState) -> pd.Timestamp | None:
    try:
        return rotation_service(svc).resolve_asof(state.asof)
    except BreadthError:
        return None


def claims_view(svc: BreadthService, state: ViewState, choices: Choices) -> TabView:
    """The Claim check tab: ``claims_panel`` for the as-of date and universes."""
    universe, compare = claim_universes(state, choices)
    asof = _asof(svc, state)
    day = f"{asof:%Y-%m-%d}" if asof is not None else "—"
    options = f"figures as of {day} · universe {universe}" + (
        f" · % at 52-week highs compared with {compare}" if compare else ""
    )
    section = table("claims", claims_panel(svc, state, choices))
    return TabView(
        sections=_sections(section),
        universe=universe,
        coverage=_asof_coverage(svc, universe, asof),
        options=options,
        subject=f"as of {day}",
    )


def analogs_view(svc: BreadthService, state: ViewState, choices: Choices) -> TabView:
    """The Analogs tab: setup, summary, forward plot and episodes (``analogs_panel``)."""
    universe, _ = claim_universes(state, choices)
    setup, summary, forward, episodes = analogs_panel(svc, state, choices)
    asof = _asof(svc, state)
    day = f"{asof:%Y-%m-%d}" if asof is not None else "—"
    options = (
        f"as of {day} · setup on {universe}: % above the 200-day average at least "
        f"{state.analog_gap:g} points below its long-run average, the index within "
        f"{state.analog_near:g}% of its 52-week high"
    )
    return TabView(
        sections=_sections(
            chart("analog_forward", forward),
            table("analog_summary", [setup, summary]),
            table("analog_episodes", episodes),
        ),
        universe=universe,
        coverage=_asof_coverage(svc, universe, asof),
        options=options,
        subject=f"as of {day}",
    )


def sectors_view(svc: BreadthService, state: ViewState) -> TabView:
    """The Sectors tab: the heatmap and the end-date table (``sectors_panel``), or the
    message saying how to add sector assignments."""
    fig, end_table, message = sectors_panel(svc, state)
    body = end_table if end_table is not None else message
    return TabView(
        sections=_sections(
            chart("sector_heatmap", fig) if end_table is not None else None,
            table("sector_table", body),
        ),
        universe=state.universe,
        coverage=views.coverage_at(svc, state),
        options=f"{state.sector_window}-day moving average · weekly cells",
    )


def to_text(node: object) -> str:
    """One line of text of a component (a message the tab shows instead of a table)."""
    return " ".join(text(node).split())


def tab_view(svc: BreadthService, state: ViewState, choices: Choices) -> TabView:
    """The sections of the view's tab (``state.tab``)."""
    if state.tab == "rrg":
        return rrg_view(svc, state)
    if state.tab == "claims":
        return claims_view(svc, state, choices)
    if state.tab == "analogs":
        return analogs_view(svc, state, choices)
    if state.tab == "sectors":
        return sectors_view(svc, state)
    return breadth_view(svc, state)
