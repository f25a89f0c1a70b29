"""The chart frame's geometry in px: the title band, a horizontal legend's rows, and the top
margin that holds both (``top_margin``, which ``components.style.base_layout`` applies).

Plotly draws a chart with the margin it is given plus the legend's height, then measures
the y-axis's labels (automargin); when they push the margin further it draws the whole
chart again. A margin that already holds the legend and the top label is drawn once.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import plotly.graph_objects as go

TITLE_PX = 34
"""Height in px of the title band at the top of every chart (10 px pad + a 14 px line)."""
TITLE_LINE_PX = 18
"""Height in px of each further line of a title (14 px font, Plotly's line spacing 1.3)."""
LEGEND_PX = (29, 19)
"""Height in px of a horizontal legend's first row and of each further row (font 12)."""
TICK_OVERHANG_PX = 19
"""How far in px a y-axis's top tick label may reach above the plot (Plotly's automargin
pushes the top margin by up to 18.8 px for it)."""
LEGEND_WIDTH_PX = 1200
"""The chart width in px for which a legend's rows are planned: a laptop's page (1,280 px
screen); wider pages fit the same rows, narrower ones may wrap a row more."""


def text_px(text: str, font: float = 12.0) -> float:
    """About how wide ``text`` is in px in the page's sans-serif at ``font`` px (0.55 em a
    character; measured 0.52-0.55 em on the legends' names in Chromium)."""
    return 0.55 * font * len(text)


def legend_rows(texts: Sequence[float], width: float = LEGEND_WIDTH_PX) -> int:
    """Rows of a horizontal legend whose entries' texts are ``texts`` px wide, in a chart
    ``width`` px wide, as Plotly lays it out: one row when every entry (its text and 45 px
    of symbol and gaps) fits, else a grid of the widest entry; no entry, no row."""
    if not texts:
        return 0
    entries = [45.0 + t for t in texts]
    if sum(entries) <= width:
        return 1
    return math.ceil(len(entries) / max(int(width // max(entries)), 1))


def _points(trace: Any) -> int:
    """How many points a trace has (its x, else its y; 0 without either)."""
    values = getattr(trace, "x", None)
    values = getattr(trace, "y", None) if values is None else values
    return 0 if values is None else len(values)


def legend_names(fig: go.Figure) -> list[str]:
    """The names a figure's legend lists: traces with data not kept out of the legend (an
    empty scatter is invisible), none when the layout hides the legend; Plotly shows it
    when unset only for two entries or more."""
    names = [
        str(t.name) for t in fig.data if t.showlegend is not False and t.name and _points(t) > 0
    ]
    shown = fig.layout.showlegend
    return names if (shown if shown is not None else len(names) > 1) else []


def title_band(title: str | None) -> int:
    """Height in px of a chart's title band: ``TITLE_PX``, and ``TITLE_LINE_PX`` for each
    further line (``<br>``, e.g. the RRG's on a phone)."""
    return TITLE_PX + TITLE_LINE_PX * (title or "").count("<br>")


def top_margin(fig: go.Figure) -> int:
    """The top margin in px that fits the title, the legend's rows and the top tick label, so
    Plotly draws the chart once (the 8 Breadth charts: ~590 ms drawn twice, ~365 ms once).
    Only a chart narrower than ``LEGEND_WIDTH_PX`` whose legend wraps a row more is still
    drawn twice (nothing is clipped either way)."""
    band = title_band(fig.layout.title.text)
    rows = legend_rows([text_px(n) for n in legend_names(fig)])
    if rows == 0:
        return band + 6
    first, more = LEGEND_PX
    return band + first + more * (rows - 1) + TICK_OVERHANG_PX
