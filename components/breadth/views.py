"""Glue between the service and the figure builders, so callbacks stay a few lines long.

Every function takes the ``BreadthService`` and a typed ``ViewState`` and returns figures,
patches or text. Frames come from the service's cache (whole history); only the view's
x-range and the y-ranges of that window depend on the chosen dates.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from dash import Patch

from components.breadth import figures as figs
from components.breadth.figures_div import divergence_runs, divergence_traces
from components.breadth.figures_volume import volume_figure, volume_ranges
from components.style import b64, message_figure, x_range
from components.url.fields import ViewState
from data.benchmarks import resolve_role
from data.errors import BreadthError
from service.breadth import BreadthQuery, BreadthService
from service.catalog import ALL_LABEL, ALL_NOTE, universes
from service.divergences import divergence_frame
from service.pairs import (
    BENCHMARK_ROLE,
    add_constituents,
    candidate_tickers,
    missing_notices,
    resolve_pairs,
    returns_table,
    rotation_lines,
)


def query(state: ViewState, universe: str | None = None) -> BreadthQuery:
    """The service query of the view (or of another universe with the same options). It
    carries the view's window sets (``mw``, ``hw``), so one kernel pass counts every window
    every Breadth chart of the view draws."""
    return BreadthQuery(
        universe=universe or state.universe,
        fast=state.fast,
        slow=state.slow,
        intraday=state.intraday,
        ratio_adjusted=state.ratio_adjusted,
        windows=state.windows,
        hl_weeks=state.hl_weeks,
    )


def compare_series(svc: BreadthService, state: ViewState) -> pd.Series | None:
    """% at 52-week highs of the comparison universe (None when none is chosen)."""
    if not state.compare:
        return None
    return svc.breadth(query(state, state.compare))["pct_new_highs_52w"]


@dataclass(frozen=True)
class BreadthPanels:
    """What the universe-dependent part of the page shows."""

    participation: go.Figure
    highs_lows: go.Figure
    advance_decline: go.Figure


def breadth_panels(svc: BreadthService, state: ViewState) -> BreadthPanels:
    """The three breadth charts over the whole history, set to the view's range."""
    start, end = state.start, state.end
    try:
        frame = svc.breadth(query(state))
        slow = query(state).columns()["pct_slow"]
        context = svc.context(query(state), slow)
        long_run = svc.long_run(query(state), slow)
        compare = compare_series(svc, state)
    except BreadthError as exc:
        fig = message_figure(f"Cannot compute breadth: {exc}")
        return BreadthPanels(fig, fig, fig)
    return BreadthPanels(
        figs.participation_figure(
            frame,
            context,
            long_run,
            fast=state.fast,
            slow=state.slow,
            start=start,
            end=end,
            marks=divergence_marks(svc, state).get("participation"),
        ),
        figs.highs_lows_figure(
            frame,
            compare,
            compare_label=state.compare,
            closing=not state.intraday,
            start=start,
            end=end,
        ),
        figs.advance_decline_figure(
            frame, ratio_adjusted=state.ratio_adjusted, start=start, end=end
        ),
    )


def coverage_at(svc: BreadthService, state: ViewState) -> str:
    """Coverage on the view's last session (not the store's), or why there is none: a range
    without sessions (a weekend, a holiday) says so."""
    try:
        frame = svc.breadth(query(state))
    except BreadthError:
        return ""
    start = pd.Timestamp(state.start) if state.start else None
    end = pd.Timestamp(state.end) if state.end else None
    if frame.loc[start:end].empty and not frame.empty:
        return (
            f"no sessions from {_day(state.start)} to {_day(state.end)} (a weekend or "
            "holiday?): choose a wider range"
        )
    return coverage_text(frame.loc[:end])


def _day(day: date | None) -> str:
    return f"{day:%d %b %Y}" if day else "—"


def coverage_text(frame: pd.DataFrame) -> str:
    """Coverage on the last session: members with a bar / members."""
    if frame.empty:
        return "no sessions"
    last = frame.iloc[-1]
    members, with_data = int(last["members"]), int(last["members_with_data"])
    pct = 100.0 * with_data / members if members else 0.0
    return (
        f"coverage {pct:.1f}% ({with_data:,} of {members:,} members have a bar on "
        f"{frame.index[-1]:%d %b %Y})"
    )


def _patch(start: date | None, end: date | None, ranges: figs.Ranges) -> Patch:
    patch = Patch()
    rng = x_range(start, end)
    for axis in ("xaxis", "xaxis2", "xaxis3"):
        patch["layout"][axis]["range"] = rng
        patch["layout"][axis]["autorange"] = False
    for axis, yr in ranges.items():
        if yr is not None:
            patch["layout"][axis]["range"] = yr
            patch["layout"][axis]["autorange"] = False
    return patch


def _breadth_patch(
    svc: BreadthService, state: ViewState, ranges: Callable[[pd.DataFrame, Any], figs.Ranges]
) -> Patch:
    """New x- and y-ranges of one breadth chart (no data resent)."""
    start, end = state.start, state.end
    try:
        frame = svc.breadth(query(state))
    except BreadthError:
        frame = pd.DataFrame()
    if frame.empty:
        return _patch(start, end, {})
    return _patch(start, end, ranges(frame, state))


def participation_patch(svc: BreadthService, state: ViewState) -> Patch:
    """New ranges of the participation chart."""
    return _breadth_patch(svc, state, lambda f, s: figs.participation_ranges(f, s.start, s.end))


def highs_lows_patch(svc: BreadthService, state: ViewState) -> Patch:
    """New ranges of the highs/lows chart (the comparison series included)."""

    def ranges(frame: pd.DataFrame, s: ViewState) -> figs.Ranges:
        try:
            compare = compare_series(svc, s)
        except BreadthError:
            compare = None
        return figs.highs_lows_ranges(frame, compare, s.start, s.end)

    return _breadth_patch(svc, state, ranges)


def advance_decline_patch(svc: BreadthService, state: ViewState) -> Patch:
    """New ranges of the advance-decline chart."""
    return _breadth_patch(svc, state, lambda f, s: figs.advance_decline_ranges(f, s.start, s.end))


def volume(svc: BreadthService, state: ViewState) -> go.Figure:
    """The volume breadth chart (a message when the store has no volume for the universe)."""
    try:
        frame = svc.volume(query(state))
    except BreadthError as exc:
        return message_figure(f"Cannot compute volume breadth: {exc}")
    return volume_figure(frame, start=state.start, end=state.end)


def volume_patch(svc: BreadthService, state: ViewState) -> Patch:
    """New ranges of the volume breadth chart."""
    try:
        frame = svc.volume(query(state))
    except BreadthError:
        frame = pd.DataFrame()
    return _patch(state.start, state.end, volume_ranges(frame, state.start, state.end))


def market_closes(svc: BreadthService) -> pd.DataFrame:
    """Closes of every benchmark candidate the store holds (cached by the service)."""
    return svc.closes(candidate_tickers())


def benchmark(svc: BreadthService, state: ViewState) -> go.Figure:
    """The large-cap benchmark chart for context."""
    closes = market_closes(svc)
    ticker = resolve_role(BENCHMARK_ROLE, list(closes.columns))
    close = closes[ticker] if ticker else None
    marks = divergence_marks(svc, state).get("benchmark", [])
    return figs.benchmark_figure(
        close, ticker=ticker or "", start=state.start, end=state.end, marks=marks
    )


def benchmark_patch(svc: BreadthService, state: ViewState) -> Patch:
    """New ranges for the benchmark chart."""
    closes = market_closes(svc)
    ticker = resolve_role(BENCHMARK_ROLE, list(closes.columns))
    close = closes[ticker] if ticker else None
    return _patch(state.start, state.end, figs.benchmark_ranges(close, state.start, state.end))


@dataclass(frozen=True)
class RotationPanel:
    """The rotation chart, its returns table and the missing-leg notices."""

    figure: go.Figure | Patch
    table: pd.DataFrame
    notices: list[str]


def rotation(svc: BreadthService, state: ViewState, *, patch: bool = False) -> RotationPanel:
    """Ratio lines rebased at the view's start, and returns since the start and YTD.

    With ``patch`` the chart comes back as a Patch of its y values, title and ranges (the
    lines' dates do not depend on the anchor), unless a line is undefined at this anchor.
    """
    closes = market_closes(svc)
    pairs = resolve_pairs(list(closes.columns))
    notices = missing_notices(pairs)
    closes, pairs, notices = add_constituents(svc, closes, pairs, notices)
    start = state.start or (closes.index[0].date() if len(closes.index) else None)
    end = state.end or (closes.index[-1].date() if len(closes.index) else None)
    if start is None or end is None:
        fig = message_figure("The store holds no sessions.", title="Cap and style rotation")
        return RotationPanel(fig, returns_table(closes, [], date.min, date.max), notices)
    lines = rotation_lines(closes, pairs, start)
    table = returns_table(closes, pairs, start, end)
    if patch and len(lines.columns) and all(lines[c].notna().any() for c in lines.columns):
        out = _patch(start, end, figs.rotation_ranges(lines, start, end))
        for i, label in enumerate(lines.columns):
            out["data"][i]["y"] = b64(lines[label].dropna())
        out["layout"]["title"]["text"] = figs.rotation_title(start)
        return RotationPanel(out, table, notices)
    fig = figs.rotation_figure(lines, anchor=start, notices=notices, start=start, end=end)
    return RotationPanel(fig, table, notices)


def survivorship(svc: BreadthService, universe: str) -> tuple[str, str]:
    """(label, caveat) of a universe; the caveat is empty when membership is point in time."""
    if universe == "all":
        return ALL_LABEL, ALL_NOTE
    for info in universes(svc):
        if info.name == universe:
            return info.label, info.survivorship_note
    return universe, ""


# -- divergence marks (issue #15 item 5) -----------------------------------------------------
DIVERGENCE_TRACES: dict[str, int] = {"benchmark": 1, "participation": 4}
"""Position of the first of the two divergence traces (bearish, bullish) in each chart."""


def divergences(svc: BreadthService, state: ViewState) -> tuple[str, pd.DataFrame] | None:
    """(benchmark, ``service.divergences.divergence_frame``) of the view: its universe's %
    above the slow average against the large-cap benchmark, with the view's ``dvn``/``dvt``;
    None when the store has no benchmark or the breadth cannot be computed."""
    try:
        return divergence_frame(
            svc, query(state), near_pct=state.div_near, trail=state.div_trail, window=state.slow
        )
    except BreadthError:
        return None


def divergence_marks(svc: BreadthService, state: ViewState) -> dict[str, list[go.Scatter]]:
    """{chart key: [bearish, bullish] traces} for the charts that draw data (a chart that
    shows a message instead gets none): empty, hidden traces when ``dv=off``."""
    found = divergences(svc, state)
    if found is None:
        return {}
    ticker, frame = found
    try:
        breadth = svc.breadth(query(state))
    except BreadthError:
        return {}
    marks = (
        divergence_runs(frame, ticker=ticker, window=state.slow, trail=state.div_trail)
        if state.div_marks
        else None
    )

    def traces(y: pd.Series) -> list[go.Scatter]:
        return divergence_traces(marks, y)

    out = {"benchmark": traces(frame["benchmark_close"])}
    if not breadth.empty:
        out["participation"] = traces(breadth[f"pct_above_{state.slow}dma"])
    return out
