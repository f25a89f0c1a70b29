"""Small HTML pieces the callbacks return: the returns table, notice lists, card tables."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

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


def _text(node: object) -> str:
    """The text of a component tree (its string children, in order)."""
    if isinstance(node, str | int | float):
        return str(node)
    if isinstance(node, Component):
        return _text(getattr(node, "children", None))
    if isinstance(node, Iterable):
        return " ".join(t for t in (_text(n) for n in node) if t)
    return ""


def _children(node: object, kinds: type | tuple[type, ...]) -> list[Any]:
    """The direct children of ``node`` that are of ``kinds`` (a single child counts too)."""
    children = getattr(node, "children", None)
    items = children if isinstance(children, list | tuple) else [children]
    return [c for c in items if isinstance(c, kinds)]


def card_table(table: dbc.Table) -> dbc.Table:
    """``table`` that turns into one card per row on phones (assets/phone.css, < 768 px).

    Each body cell gets ``data-label``: the text of its column's header, whatever the
    columns are, so a card shows "label  value" lines; the first cell is the card's title.
    """
    head_rows = [tr for th in _children(table, html.Thead) for tr in _children(th, html.Tr)]
    labels = (
        [" ".join(_text(th).split()) for th in _children(head_rows[0], html.Th)]
        if head_rows
        else []
    )
    for body in _children(table, html.Tbody):
        for tr in _children(body, html.Tr):
            for label, td in zip(labels, _children(tr, html.Td), strict=False):
                setattr(td, "data-label", label)
    prop = "class_name" if getattr(table, "class_name", None) else "className"
    setattr(table, prop, f"{getattr(table, prop, None) or ''} card-table".strip())
    return table
