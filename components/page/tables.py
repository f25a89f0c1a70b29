"""Small HTML pieces the callbacks return: the returns table and notice lists."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html
from dash.development.base_component import Component

from components.style import fmt_pct


def _cell(value: float) -> html.Td:
    text = fmt_pct(value)
    tone = "" if text == "–" else ("text-success" if value > 0 else "text-danger")
    return html.Td(text, className=f"num {tone}")


def returns_table(table: pd.DataFrame, start: date | None, end: date | None) -> Component:
    """Each leg's (and each pair ratio's) return since the range start and year to date."""
    if table.empty:
        return html.P("No benchmark series in the store to compute returns.", className="small")
    since = f"Since {start:%d %b %Y}" if start else "Since start"
    ytd = f"YTD {end:%Y} (to {end:%d %b})" if end else "YTD"
    head = html.Thead(
        html.Tr(
            [
                html.Th("Series"),
                html.Th("Ticker"),
                html.Th(since, className="num"),
                html.Th(ytd, className="num"),
            ]
        )
    )
    rows = [
        html.Tr(
            [html.Td(r.name), html.Td(html.Code(r.ticker)), _cell(r.since_start), _cell(r.ytd)],
            className="ratio-row" if "/" in str(r.ticker) else "",
        )
        for r in table.itertuples(index=False)
    ]
    return dbc.Table(
        [head, html.Tbody(rows)],
        size="sm",
        hover=True,
        striped=False,
        className="returns-table mb-2",
    )


def notice_list(
    notices: Sequence[str], *, heading: str, color: str = "warning"
) -> Component | None:
    """A compact alert listing what was ignored or is missing (None when nothing)."""
    if not notices:
        return None
    return dbc.Alert(
        [html.Strong(heading), html.Ul([html.Li(n) for n in notices], className="mb-0")],
        color=color,
        className="py-2 mb-2 small notice-list",
    )


def survivorship_alert(note: str, label: str) -> Component | None:
    """The survivorship caveat of a universe that is not point in time."""
    if not note:
        return None
    return dbc.Alert(
        [html.Strong(f"{label}: "), note],
        color="secondary",
        className="py-1 mb-2 small survivorship-note",
    )
