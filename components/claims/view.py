"""The Claim check tab: the note's claims recomputed for an as-of date, with their context.

Rows come from ``RotationService.claims`` (``indicators.claims``): value, long-run average and
trailing percentile as known on the date, the universe or series, members with data, the
definition and the caveat (survivorship where membership is not point in time). The as-of
date, universe and comparison universe are URL fields; one button sets the note's date.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html
from dash.development.base_component import Component

from components.context import rotation_service
from components.page.tables import card_table
from components.url.fields import ViewState, claim_universes
from components.url.values import Choices
from data.errors import BreadthError
from service.breadth import BreadthService
from service.catalog import labels as universe_labels
from service.note import NOTE_DATE
from service.rotation import PREFERRED_UNIVERSE

LONG_RUN_HEAD = "Long-run avg (to the as-of date)"
"""Unlike the participation chart's line (the whole stored history), the claim's long-run
average uses only sessions up to the as-of date, so the two can differ slightly."""

CLAIM_LABELS: dict[str, str] = {
    "pct_above_200dma": "% of members above their 200-day average",
    "pct_new_highs_52w": "% of members at a 52-week high",
    "index_gain_from_12m_low": "Large-cap index gain from its 12-month low",
    "small_caps_ytd": "Small caps, year to date",
    "value_vs_growth_since_low": "Value vs growth since that low",
    "small_vs_large_since_low": "Small vs large caps since that low",
}
LEVELS = frozenset({"pct_above_200dma", "pct_new_highs_52w"})
"""Claims that are levels (0–100 %) rather than returns (signed)."""
VERDICT_TEXT: dict[str, tuple[str, str]] = {
    "matches": ("Matches", "success"),
    "differs": ("Differs", "danger"),
    "no_value": ("No value to check", "secondary"),
    "no_figure": ("No figure to check", "secondary"),
    "other_date": (f"Checked on the note's date ({NOTE_DATE.isoformat()}) only", "secondary"),
    "other_subject": (
        "Not checked: the note's figure is about another universe or index",
        "secondary",
    ),
    "not_stated": ("–", "secondary"),
}
"""Verdict (``service.note`` / ``indicators.verdicts``) -> (text, badge colour)."""


def _data_attr(name: str, value: str) -> dict[str, Any]:
    """A ``data-*`` attribute for tests and styling (typed loosely for Dash's kwargs)."""
    return {name: value}


def _universe_cell(name: str, labels: dict[str, str]) -> Component:
    """A universe by its label (its name beneath), a series by its ticker(s)."""
    if name in labels:
        return html.Div([labels[name], html.Div(name, className="claim-definition")])
    return html.Code(name)


def fmt_value(claim: str, value: float) -> str:
    """A level as '23.4%', a return as '+12.3%', '–' when undefined."""
    if value is None or not math.isfinite(value):
        return "–"
    return f"{value:.1f}%" if claim in LEVELS else f"{value:+.1f}%"


def fmt_percentile(value: float) -> str:
    """A trailing percentile as '34th', '–' when undefined."""
    if value is None or not math.isfinite(value):
        return "–"
    n = round(value)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _finite(value: Any) -> bool:
    return isinstance(value, int | float) and math.isfinite(value)


def _badge(verdict: str) -> Component:
    """A coloured badge for a verdict (matches, differs); plain muted text for the rest."""
    text, colour = VERDICT_TEXT.get(verdict, (verdict, "secondary"))
    if verdict not in ("matches", "differs"):
        return html.Div(text, className="small text-muted")
    return dbc.Badge(text, color=colour, className="claim-verdict-badge")


def _gap(value: float, said: float, tolerance: float) -> str:
    """'−4.4 pp off, tolerance ±1 pp' (the value minus the note's figure)."""
    return f"{value - said:+.1f} pp off, tolerance ±{tolerance:g} pp".replace("-", "−")


def note_cell(r: Any) -> Component:
    """What the note said, and the tolerance a verdict allows."""
    said = str(r.note_said or "")
    if not said:
        return html.Span("–")
    parts: list[Component | str] = [html.Div(said)]
    if _finite(r.note_value):
        parts.append(html.Div(f"tolerance ±{r.tolerance:g} pp", className="small text-muted"))
    return html.Div(parts)


def verdict_cell(claim: str, r: Any) -> Component:
    """The verdict on the value (and on the long-run average where the note gave one); for a
    row that differs, the nearest definition the data supports."""
    verdict = str(r.verdict)
    parts: list[Component | str] = [_badge(verdict)]
    if verdict in ("matches", "differs"):
        parts.append(html.Div(_gap(r.value, r.note_value, r.tolerance), className="small"))
    if r.long_run_verdict in ("matches", "differs"):
        parts.append(
            html.Div(
                [
                    "Long-run avg: ",
                    html.Strong(VERDICT_TEXT[str(r.long_run_verdict)][0].lower()),
                    f" ({_gap(r.long_run_average, r.note_long_run_average, r.tolerance)})",
                ],
                className="small claim-long-run-verdict",
            )
        )
    if r.nearest_definition:
        tried = int(r.alternatives_tried)
        parts.append(
            html.Div(
                [
                    f"Nearest of {tried} other definitions the data supports: ",
                    html.Strong(f"{r.nearest_definition}: {fmt_value(claim, r.nearest_value)}"),
                    (
                        f" (within ±{r.tolerance:g} pp of the note's figure)"
                        if r.nearest_verdict == "matches"
                        else f" (still more than ±{r.tolerance:g} pp off)"
                    ),
                ],
                className="small claim-nearest",
            )
        )
    elif verdict == "differs" and int(r.alternatives_tried):
        parts.append(
            html.Div(
                f"None of {int(r.alternatives_tried)} other definitions comes closer.",
                className="small claim-nearest",
            )
        )
    return html.Div(parts, **_data_attr("data-verdict", verdict))


def claims_table(table: pd.DataFrame, labels: dict[str, str]) -> Component:
    """One row per claim: label and definition, universe, value, context, members, caveat."""
    if table.empty:
        return html.P("No claims could be computed.", className="small")
    heads = [
        "Claim",
        "Universe / series",
        "Value",
        "The note said",
        "Verdict",
        LONG_RUN_HEAD,
        "Percentile",
        "Members with data",
        "Caveat",
    ]
    num = {"Value", LONG_RUN_HEAD, "Percentile", "Members with data"}
    head = html.Thead(html.Tr([html.Th(h, className="num" if h in num else "") for h in heads]))
    rows = []
    for r in table.itertuples(index=False):
        claim = str(r.claim)
        rows.append(
            html.Tr(
                [
                    html.Td(
                        [
                            html.Div(CLAIM_LABELS.get(claim, claim), className="fw-semibold"),
                            html.Div(str(r.definition), className="claim-definition"),
                            html.Details(
                                [html.Summary("definition"), str(r.definition)],
                                className="claim-definition-folded",
                            ),
                        ]
                    ),
                    html.Td(_universe_cell(str(r.universe), labels)),
                    html.Td(fmt_value(claim, r.value), className="num claim-value"),
                    html.Td(note_cell(r), className="claim-said"),
                    html.Td(verdict_cell(claim, r), className="claim-verdict"),
                    html.Td(fmt_value(claim, r.long_run_average), className="num"),
                    html.Td(fmt_percentile(r.percentile), className="num"),
                    html.Td(f"{int(r.members_with_data):,}", className="num"),
                    html.Td(str(r.note or ""), className="claim-note"),
                ],
                **_data_attr("data-claim", claim),
            )
        )
    return card_table(  # one card per claim on phones
        dbc.Table([head, html.Tbody(rows)], size="sm", hover=True, className="claims-table mb-1")
    )


def universe_line(state: ViewState, universe: str, labels: dict[str, str]) -> str:
    """Which universe the breadth rows use and why: the page's, or this tab's override; and,
    unless it is the Russell 3000, that the note's breadth figures are about another one."""
    label = labels.get(universe, universe)
    source = "set on this tab (cu in the link)" if state.claim_universe else "the page's universe"
    line = f"Universe: {label} ({source})."
    if universe != PREFERRED_UNIVERSE:
        note = labels.get(PREFERRED_UNIVERSE, "the Russell 3000")
        line += f" The note's breadth figures are about {note}; pick it to compare like with like."
    return line


def claims_panel(svc: BreadthService, state: ViewState, choices: Choices) -> Component:
    """The heading line and the claims table for ``state`` (a message when it fails).

    A line under the heading names the universe (the page's, or this tab's override) and says
    when it is not the one the note was about."""
    universe, compare = claim_universes(state, choices)
    try:
        table = rotation_service(svc).claims(state.asof, universe, compare)
    except BreadthError as exc:
        return dbc.Alert(f"Cannot compute the claims: {exc}", color="warning", className="py-2")
    asof = str(table["asof"].iloc[0]) if len(table) else "?"
    asked = state.asof
    shifted = (
        f" (the last session on or before {asked.isoformat()})"
        if isinstance(asked, date) and asked.isoformat() != asof
        else ""
    )
    labels = universe_labels(svc)
    heading = [
        html.P(
            [html.Strong(f"Figures as of {asof}"), shifted],
            className="mb-1 claims-asof",
            **_data_attr("data-asof", asof),
        )
    ]
    heading.append(
        html.P(
            universe_line(state, universe, labels),
            className="small mb-1 claims-universe",
            **_data_attr("data-universe", universe),
        )
    )
    return html.Div(
        [
            *heading,
            html.Div(claims_table(table, labels), className="table-responsive"),
            html.P(
                "Caveat: universes built from current holdings count today's members in the "
                "past (survivorship bias); breadth then reads higher than it was. Each row "
                "names its caveat where it applies.",
                className="small text-muted mb-0",
            ),
        ]
    )
