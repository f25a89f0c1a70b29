"""The Analogs tab, and the episode bands on the Breadth tab's participation chart.

Episodes come from ``RotationService.analogs`` (``indicators.analogs``) for the Claim check's
as-of date and universe, with the tab's two thresholds (URL fields ``gap`` and ``near``).
``episode_bands`` are the participation chart's shapes; ``update_charts`` (the chart's one
owner) lays them on a fresh drawing and patches them when the tab fields change.
"""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
from dash import Patch, html
from dash.development.base_component import Component

from components.analogs.figures import FORWARD_HEIGHT, episode_shapes, forward_figure
from components.context import rotation_service
from components.style import fmt_pct, message_figure
from components.url.fields import ViewState, claim_universes
from components.url.values import Choices
from data.benchmarks import PAIRS
from data.errors import BreadthError
from service.breadth import BreadthService
from service.catalog import labels as universe_labels
from service.rotation import AnalogParams, AnalogResult

NOTE_YEARS = (2015, 2023)
"""The years the note cited as precedents."""


def analog_result(
    svc: BreadthService, state: ViewState, choices: Choices, universe: str | None = None
) -> AnalogResult:
    """The analogs of the view (as-of date, thresholds) on ``universe``, by default the claim
    universe; cached by the service."""
    universe = universe or claim_universes(state, choices)[0]
    params = AnalogParams(breadth_margin=state.analog_gap, near_high_pct=state.analog_near)
    return rotation_service(svc).analogs(state.asof, universe, params)


def pair_labels(result: AnalogResult) -> dict[str, str]:
    """Pair id -> 'Small vs large caps (IWM/SPY)' for the pairs the store could build."""
    return {
        pid: f"{PAIRS[pid][2]} ({num}/{den})" if pid in PAIRS else pid
        for pid, (num, den) in result.pairs.items()
    }


def setup_line(result: AnalogResult, universe: str) -> Component:
    """How the as-of date itself measures against the setup."""
    setup, when = result.setup, result.asof
    if when is None or setup.empty or when not in setup.index:
        return html.P("No setup on the as-of date.", className="small")
    row = setup.loc[when]
    breadth, lra, off = row.iloc[0], row["long_run_average"], row["index_off_high_pct"]
    verdict = "matches the setup" if bool(row["signal"]) else "does not match the setup"
    return html.P(
        [
            html.Strong(f"{when:%Y-%m-%d} {verdict}: "),
            f"{fmt_pct(breadth, signed=False)} of {universe} above the 200-day average "
            f"(long-run average {fmt_pct(lra, signed=False)}); the index is "
            f"{fmt_pct(off, signed=False)} below its 52-week high.",
        ],
        className="small mb-2 analog-setup",
    )


def summary_table(result: AnalogResult, labels: dict[str, str]) -> Component:
    """Median forward return, hit rate and episode count per pair × horizon."""
    summary = result.summary
    if summary.empty:
        return html.P("No episodes at these thresholds.", className="small")
    horizons = summary.sort_values("horizon")["horizon_label"].drop_duplicates().tolist()
    head = html.Thead(
        html.Tr(
            [html.Th("Median · hit rate (n)")] + [html.Th(h, className="num") for h in horizons]
        )
    )
    rows = []
    for pid, label in labels.items():
        cells = []
        for h in horizons:
            sel = summary[(summary["pair"] == pid) & (summary["horizon_label"] == h)]
            if sel.empty or int(sel["n"].iloc[0]) == 0:
                cells.append(html.Td("–", className="num"))
                continue
            s = sel.iloc[0]
            text = f"{fmt_pct(s['median'])} · {s['hit_rate']:.0f}% ({int(s['n'])})"
            cells.append(html.Td(text, className="num"))
        rows.append(html.Tr([html.Td(label), *cells]))
    return dbc.Table(
        [head, html.Tbody(rows)],
        size="sm",
        hover=True,
        className="returns-table analog-summary mb-2",
    )


def covering(episodes: pd.DataFrame, year: int) -> pd.DataFrame:
    """The episodes that span any part of ``year`` (start on or before its last day, end on
    or after its first): an episode running from 2014 into 2016 covers 2015."""
    if episodes.empty:
        return episodes
    start, end = pd.DatetimeIndex(episodes["start"]), pd.DatetimeIndex(episodes["end"])
    return episodes[(start.year <= year) & (end.year >= year)]


def note_years(result: AnalogResult, first: pd.Timestamp | None) -> str:
    """Where the note's precedent years (2015, 2023) sit among the episodes: a year is covered
    when an episode spans it, whatever year its signal fell in."""
    parts = []
    for year in NOTE_YEARS:
        if first is None or first > pd.Timestamp(year=year, month=12, day=31):
            parts.append(f"{year}: before the stored data")
            continue
        hits = covering(result.episodes, year)
        if len(hits) == 0:
            parts.append(f"{year}: no episode at these thresholds")
        else:
            spans = ", ".join(
                f"#{int(e.episode)} {pd.Timestamp(e.start):%d %b %Y} – "
                f"{pd.Timestamp(e.end):%d %b %Y}"
                for e in hits.itertuples()
            )
            parts.append(f"{year}: {spans}")
    return "The note's precedents — " + "; ".join(parts) + "."


AFTER_ASOF = "†"
"""Marks a forward return realised after the as-of date (not known on it)."""


def episodes_table(result: AnalogResult, labels: dict[str, str]) -> Component:
    """One row per episode: dates, setup values, and each pair's forward return over the
    longest horizon that any episode has reached; a return realised only after the as-of
    date is marked (``AFTER_ASOF``, class ``after-asof``) and a footnote says so."""
    eps = result.episodes
    if eps.empty:
        return html.P("No episodes.", className="small")
    fwd = result.forward
    known = fwd[fwd["forward_return_pct"].notna()] if len(fwd) else fwd
    longest = int((known if len(known) else fwd)["horizon"].max()) if len(fwd) else 0
    last = fwd[fwd["horizon"] == longest] if len(fwd) else fwd
    tag = str(last["horizon_label"].iloc[0]) if len(last) else ""
    heads = ["#", "Signal", "Last session", "Sessions", "Breadth", "Long-run avg", "Off high"]
    heads += [f"{lab.split(' (')[0]} {tag}" for lab in labels.values()]
    rows, marked = [], 0
    for e in eps.itertuples(index=False):
        cells: list[Component] = [
            html.Td(text, className="num" if i else "")
            for i, text in enumerate(
                [
                    str(int(e.episode)),
                    f"{pd.Timestamp(e.start):%Y-%m-%d}",
                    f"{pd.Timestamp(e.end):%Y-%m-%d}",
                    str(int(e.signal_sessions)),
                    fmt_pct(e[5], signed=False),
                    fmt_pct(e.long_run_average, signed=False),
                    fmt_pct(e.index_off_high_pct, signed=False),
                ]
            )
        ]
        for pid in labels:
            sel = last[(last["pair"] == pid) & (last["episode"] == e.episode)]
            value = float(sel["forward_return_pct"].iloc[0]) if len(sel) else float("nan")
            later = bool(len(sel)) and not bool(sel["realised_by_asof"].iloc[0])
            later = later and pd.notna(value)
            marked += later
            cells.append(
                html.Td(
                    fmt_pct(value) + (AFTER_ASOF if later else ""),
                    className="num after-asof fst-italic text-muted" if later else "num",
                    title="realised after the as-of date: not known on it" if later else None,
                )
            )
        rows.append(html.Tr(cells))
    head = html.Thead(html.Tr([html.Th(h) for h in heads]))
    table = dbc.Table(
        [head, html.Tbody(rows)], size="sm", hover=True, className="returns-table analog-episodes"
    )
    if not marked:
        return table
    asof = f"{result.asof:%Y-%m-%d}" if result.asof is not None else "the as-of date"
    note = (
        f"{AFTER_ASOF} realised after the as-of date ({asof}): not known on it, left out of the "
        "median and hit rate above."
    )
    return html.Div([table, html.P(note, className="small text-muted analog-after-asof")])


def analogs_panel(svc: BreadthService, state: ViewState, choices: Choices) -> tuple[Any, ...]:
    """(setup, summary, forward figure, episodes) of the Analogs tab."""
    universe, _ = claim_universes(state, choices)
    try:
        result = analog_result(svc, state, choices)
    except (BreadthError, ValueError) as exc:
        msg = f"Cannot compute the analogs: {exc}"
        fig = message_figure(msg, height=FORWARD_HEIGHT)
        return dbc.Alert(msg, color="warning", className="py-2"), None, fig, None
    labels = pair_labels(result)
    first = pd.Timestamp(choices.first) if choices.first else None
    summary = html.Div(
        [
            summary_table(result, labels),
            html.P(note_years(result, first), className="small text-muted"),
        ]
    )
    return (
        setup_line(result, universe_labels(svc).get(universe, universe)),
        summary,
        forward_figure(result.forward, result.summary, labels),
        episodes_table(result, labels),
    )


def episode_bands(svc: BreadthService, state: ViewState, choices: Choices) -> list[dict[str, Any]]:
    """The participation chart's shapes: the analog episodes (none when switched off)."""
    if not state.analog_marks:
        return []
    try:
        # selected on the universe the participation chart shows, so the bands sit on the
        # series that defined them
        result = analog_result(svc, state, choices, universe=state.universe)
    except (BreadthError, ValueError):
        return []
    label = universe_labels(svc).get(state.universe, state.universe)
    return episode_shapes(result.episodes, f"Analog episodes (setup on {label})")


def episode_patch(svc: BreadthService, state: ViewState, choices: Choices) -> Patch:
    """A Patch of the participation chart's shapes: the episodes, or none."""
    patch = Patch()
    patch["layout"]["shapes"] = episode_bands(svc, state, choices)
    return patch
