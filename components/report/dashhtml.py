"""The page's own Dash components (tables, notes) as static HTML, and a table as a picture.

The tabs build their tables as Dash component trees (``components.view_*``); a report
renders those very trees, so a table reads the same in the report as on the page:

- ``to_html(component)``: the tree as an HTML fragment (``html.*`` tags as themselves;
  ``dbc.Table`` as a Bootstrap-classed ``<table>``, ``dbc.Alert`` as a ``<div>``, any other
  component as a ``<div>``), with ``id``, ``className`` and ``data-*``/``aria-*`` attributes;
- ``find_table(component)``: the first table in a tree;
- ``table_figure(table, title=...)``: a ``go.Table`` of its header and cell texts for PNGs
  (folded ``<details>`` content is left out, as a closed ``<details>`` shows nothing).
"""

from __future__ import annotations

import html
import math
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go
from dash.development.base_component import Component

from components.style import frame_layout

BLOCK = frozenset({"Div", "P", "Li", "Ul", "Ol", "Tr", "H2", "H3", "H4", "H5", "H6", "Br"})
"""Tags whose text starts a new line in a table picture."""
ATTRS = {"id": "id", "className": "class", "htmlFor": "for", "title": "title",
         "colSpan": "colspan", "rowSpan": "rowspan"}  # fmt: skip
TABLE_FONT = 11
CHAR_PX = 7.0  # average width of a character at TABLE_FONT (sans-serif), with slack
LINE_PX = 15
PAD_CHARS = 3  # cell padding, in characters
PAD_PX = 14  # cell padding above and below, in px
TABLE_MARGIN = {"l": 16, "r": 16, "t": 76, "b": 16}


def _props(node: Component) -> dict[str, Any]:
    props: dict[str, Any] = node.to_plotly_json()["props"]
    return props


def _name(node: Component) -> str:
    return str(getattr(node, "_type", ""))


def _dash_html(node: Component) -> bool:
    return str(getattr(node, "_namespace", "")) == "dash_html_components"


def _tag_and_classes(node: Component, props: dict[str, Any]) -> tuple[str, list[str]]:
    own = str(props.get("className") or "").split()
    if _dash_html(node):
        return _name(node).lower(), own
    if _name(node) == "Table":
        extra = ["table"] + [
            f"table-{k}"
            for k in ("sm", "hover", "striped", "bordered")
            if props.get("size") == k or props.get(k)
        ]
        return "table", extra + own
    if _name(node) == "Alert":
        return "div", ["alert", f"alert-{props.get('color') or 'primary'}", *own]
    return "div", own


def _attrs(props: dict[str, Any], classes: list[str]) -> str:
    out = []
    if classes:
        out.append(f'class="{html.escape(" ".join(classes))}"')
    for key, value in props.items():
        if value is None or key in ("children", "className"):
            continue
        name = ATTRS.get(key) or (key if key.startswith(("data-", "aria-")) else "")
        if name:
            out.append(f'{name}="{html.escape(str(value))}"')
    return (" " + " ".join(out)) if out else ""


def to_html(node: Any) -> str:
    """A Dash component tree (or text, a number, a list of them, None) as HTML."""
    if node is None:
        return ""
    if isinstance(node, list | tuple):
        return "".join(to_html(n) for n in node)
    if not isinstance(node, Component):
        return html.escape(str(node))
    props = _props(node)
    tag, classes = _tag_and_classes(node, props)
    inner = to_html(props.get("children"))
    return f"<{tag}{_attrs(props, classes)}>{inner}</{tag}>"


def walk(node: Any) -> Iterator[Component]:
    """Every component of a tree, depth first (the node itself first)."""
    if isinstance(node, list | tuple):
        for n in node:
            yield from walk(n)
    elif isinstance(node, Component):
        yield node
        yield from walk(_props(node).get("children"))


def find_table(node: Any) -> Component | None:
    """The first table (``html.Table`` or ``dbc.Table``) in a tree, or None."""
    return next((n for n in walk(node) if _name(n) == "Table"), None)


def text(node: Any) -> str:
    """Visible text of a tree, one line per block element (``<details>`` left out)."""
    if node is None:
        return ""
    if isinstance(node, list | tuple):
        return "".join(text(n) for n in node)
    if not isinstance(node, Component):
        return str(node)
    if _name(node) == "Details":
        return ""
    inner = text(_props(node).get("children"))
    return f"\n{inner}\n" if _name(node) in BLOCK else inner


def _lines(node: Any) -> list[str]:
    return [" ".join(line.split()) for line in text(node).split("\n") if line.strip()]


def table_rows(table: Component) -> tuple[list[str], list[list[str]]]:
    """(header texts, rows of cell texts; a cell's lines joined by newlines) of a table."""
    header: list[str] = []
    rows: list[list[str]] = []
    for row in walk(table):
        if _name(row) != "Tr":
            continue
        cells = [c for c in walk(_props(row).get("children")) if _name(c) in ("Th", "Td")]
        texts = ["\n".join(_lines(c)) for c in cells]
        if not header and all(_name(c) == "Th" for c in cells):
            header = texts
        else:
            rows.append(texts)
    return header, rows


@dataclass(frozen=True)
class TableLayout:
    """Column widths (characters) and the wrapped cells of a table picture."""

    widths: list[int]
    header: list[str]
    columns: list[list[str]]
    height: int


def _fit(natural: list[int], budget: int) -> list[int]:
    """Widths in characters: each column's natural width, the widest capped to fit ``budget``."""
    if sum(natural) <= budget:
        return natural
    cap = max(natural)
    while cap > 8 and sum(min(w, cap) for w in natural) > budget:
        cap -= 1
    return [min(w, cap) for w in natural]


def _wrap(cell: str, width: int) -> list[str]:
    return [part for line in cell.split("\n") for part in textwrap.wrap(line, width) or [""]]


def table_layout(header: list[str], rows: list[list[str]], width_px: int) -> TableLayout:
    """Wrap cells so the table fits ``width_px``; the height it needs."""
    n = max([len(header), *(len(r) for r in rows)], default=0)
    header = header + [""] * (n - len(header))
    rows = [r + [""] * (n - len(r)) for r in rows]
    natural = [
        max(
            [
                4,
                *(
                    len(line)
                    for cell in [header[i], *(r[i] for r in rows)]
                    for line in cell.split("\n")
                ),
            ]
        )
        for i in range(n)
    ]
    budget = int((width_px - TABLE_MARGIN["l"] - TABLE_MARGIN["r"]) / CHAR_PX) - PAD_CHARS * n
    widths = _fit(natural, max(budget, 8 * n))
    wrapped = [[_wrap(r[i], widths[i]) for i in range(n)] for r in rows]
    head = [_wrap(h, widths[i]) for i, h in enumerate(header)]
    row_lines = [max((len(c) for c in r), default=1) for r in wrapped]
    head_lines = max((len(h) for h in head), default=1)
    body = sum(PAD_PX + LINE_PX * k for k in row_lines) + PAD_PX + (LINE_PX + 2) * head_lines
    height = TABLE_MARGIN["t"] + TABLE_MARGIN["b"] + body + 32
    columns = [["<br>".join(r[i]) for r in wrapped] for i in range(n)]
    widths = [w + PAD_CHARS for w in widths]
    return TableLayout(widths, ["<br>".join(h) for h in head], columns, math.ceil(height))


def table_figure(table: Component, *, title: str, width: int) -> go.Figure:
    """A ``go.Table`` picture of a Dash table (``layout.height``: what its rows need)."""
    header, rows = table_rows(table)
    shape = table_layout(header, rows, width)
    fig = go.Figure(
        go.Table(
            columnwidth=shape.widths,
            header={
                "values": [f"<b>{h}</b>" for h in shape.header],
                "align": "left",
                "fill_color": "#e9ecef",
                "font": {"size": TABLE_FONT + 1},
            },
            cells={
                "values": shape.columns,
                "align": "left",
                "fill_color": "white",
                "line_color": "#dee2e6",
                "font": {"size": TABLE_FONT},
                "height": PAD_PX + LINE_PX,
            },
        )
    )
    fig.update_layout(frame_layout(height=shape.height, title=title))
    fig.update_layout(margin=TABLE_MARGIN, width=width, hovermode=False)
    return fig
