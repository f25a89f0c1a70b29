"""Shared look of every chart: colours, compact arrays, the date axis, view ranges.

Arrays go to Plotly as NumPy arrays so Plotly ≥ 6 sends them base64-encoded: y values as
float32, dates as float32 milliseconds since the epoch at noon on a ``type="date"`` axis
(see ``ms``; a third of the bytes of ISO strings). No named template: the few style
settings are set directly, which keeps ~6 KB of template JSON out of every figure.
Every chart carries the whole history; the view is an x-range (and
the y-ranges of that window), so values never depend on the view's start.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from components.frame import title_band, top_margin

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
OKABE_ITO: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
"""The colour-blind-safe palette of Okabe & Ito (2008), https://jfly.uni-koeln.de/color/.
Every chart draws its series from it (greys apart); lines that share an axis also differ in
dash, so no series is told apart by colour alone (tests/unit/test_a11y_figures.py checks each
chart's colours under simulated protanopia and deuteranopia)."""
COLORS = {
    "primary": OKABE_ITO["blue"],
    "secondary": OKABE_ITO["vermillion"],  # drawn dashed beside a primary line
    "up": OKABE_ITO["blue"],
    "down": OKABE_ITO["vermillion"],  # drawn dashed
    "compare": OKABE_ITO["black"],  # drawn dotted
    "oscillator": OKABE_ITO["reddish_purple"],
    "band": "rgba(0, 114, 178, 0.12)",
    "reference": "#6c757d",
    "neutral": "#495057",
    "warning_text": "#a63d00",  # vermillion darkened to 6.4:1 on white, for text
}
PAIR_COLORS = (OKABE_ITO["blue"], OKABE_ITO["vermillion"], OKABE_ITO["bluish_green"], "#000000")
"""Rotation pairs and analog pairs, in pair order (ΔE2000 >= 18 between any two, also under
protanopia and deuteranopia; each at least 3:1 against white)."""
SERIES_STYLES: tuple[tuple[str, str], ...] = (
    (OKABE_ITO["blue"], "solid"),
    (OKABE_ITO["vermillion"], "dash"),
    (OKABE_ITO["bluish_green"], "longdash"),
    (OKABE_ITO["black"], "dashdot"),
    (OKABE_ITO["sky_blue"], "longdashdot"),
    (OKABE_ITO["blue"], "longdash"),
    (OKABE_ITO["vermillion"], "dashdot"),
    (OKABE_ITO["bluish_green"], "solid"),
)
"""(colour, dash) of the i-th of up to 8 series on one axis (issue #15: one line per window):
the five Okabe–Ito colours that stay apart under protanopia and deuteranopia (ΔE2000 ≥ 15),
each with its own dash; series 6–8 reuse a colour with another dash."""


def average_dash(i: int) -> str:
    """Dash of the i-th series' long-run average (its colour): dotted; sparser dots for
    series 6–8, whose colour an earlier series also has."""
    return "dot" if i < 5 else "1px,5px"


PAIR_SYMBOLS = ("circle", "square", "diamond", "triangle-up")
"""Marker shape of each pair where pairs are drawn as points (analogs)."""
DATE_HOVER = "%a %d %b %Y"
HEIGHTS = {
    "benchmark": 260,
    "participation": 360,
    "highs_lows": 420,
    "advance_decline": 520,
    "rotation": 360,
    "volume": 520,
    "windows": 440,  # issue #15: participation across windows
    "net_highs": 440,  # issue #15: new highs − new lows (%)
}
"""Chart heights in px; the page gives each graph's box the same height (responsive width)."""
GRID = "#e9ecef"
Y_PAD = 0.06
"""Padding of a fitted y-range, as a fraction of the data's span (here and in linked_axes.js)."""


NOON_MS = 43_200_000


def ms(index: pd.Index) -> np.ndarray:
    """Session dates as float32 milliseconds since the epoch, at noon of each session.

    Half the bytes of float64: float32 rounds these values by at most ±66 s, and placing
    the point at noon keeps every rounded value inside its own calendar day, so the date
    axis, the hover and the unified hover (same rounding for every trace) stay exact.
    """
    values = pd.DatetimeIndex(index).as_unit("ms").asi8 + NOON_MS
    return values.astype("float32")


def f32(series: pd.Series | np.ndarray) -> np.ndarray:
    """Values as float32 (NaN kept: Plotly draws a gap)."""
    return np.asarray(series, dtype="float32")


def plain_figure(fig: Any) -> Any:
    """A go.Figure as the plain dict Dash sends (what the caches hold); anything else as is."""
    return fig.to_plotly_json() if hasattr(fig, "to_plotly_json") else fig


def whole(values: pd.Series | pd.DataFrame | np.ndarray) -> np.ndarray:
    """Values rounded to whole numbers as a hover's ``.0f`` shows them (halves up), NaN kept;
    float64."""
    return np.floor(np.asarray(values, dtype="float64") + 0.5)


def counts(values: pd.Series | pd.DataFrame | np.ndarray) -> np.ndarray:
    """Whole counts (names, issues; or values a hover shows with no decimals) for hover data
    in the smallest integer type that holds them: uint16 (half of float32's bytes) up to
    65,535, int16 when some are negative, else 32-bit; halves round up, as the hover's
    ``.0f`` does. A missing value is 0: only for values missing where the trace's y is
    missing too (that point has no hover)."""
    a = np.nan_to_num(whole(values), nan=0.0)
    lo, hi = (float(a.min()), float(a.max())) if a.size else (0.0, 0.0)
    if lo >= 0:
        dtype = "uint16" if hi <= np.iinfo(np.uint16).max else "uint32"
    else:
        small = max(-lo, hi) <= np.iinfo(np.int16).max
        dtype = "int16" if small else "int32"
    return a.astype(dtype)


def b64(values: pd.Series | np.ndarray) -> dict[str, str]:
    """float32 values in Plotly's typed-array JSON form, for Patches (which skip Plotly's own
    encoding and would otherwise send a list of decimal numbers)."""
    raw = np.ascontiguousarray(np.asarray(values, dtype="<f4")).tobytes()
    return {"dtype": "f4", "bdata": base64.b64encode(raw).decode("ascii")}


def stamp(day: date | pd.Timestamp | None) -> str | None:
    """An x-axis range end as Plotly wants it."""
    return None if day is None else pd.Timestamp(day).strftime("%Y-%m-%d")


def x_range(start: date | None, end: date | None) -> list[str] | None:
    """The x-axis range of the view, both ends included (None: let Plotly choose)."""
    if start is None or end is None:
        return None
    return [f"{stamp(start)} 00:00", f"{stamp(end)} 23:59"]


def y_range(
    frame: pd.DataFrame,
    columns: Iterable[str],
    start: date | None,
    end: date | None,
    *,
    pad: float = Y_PAD,
    include: Sequence[float] = (),
    floor: float | None = None,
) -> list[float] | None:
    """[lo, hi] of ``columns`` over the view window, padded; None when nothing is defined."""
    cols = [c for c in columns if c in frame.columns]
    if not cols:
        return None
    window = frame.loc[pd.Timestamp(start) if start else None : pd.Timestamp(end) if end else None]
    values = window[cols].to_numpy(dtype="float64").ravel()
    values = np.concatenate([values[np.isfinite(values)], np.asarray(include, dtype="float64")])
    if values.size == 0:
        return None
    lo, hi = float(values.min()), float(values.max())
    span = hi - lo if hi > lo else max(abs(hi), 1.0)
    lo, hi = lo - pad * span, hi + pad * span
    if floor is not None:
        lo = max(lo, floor)
    return [lo, hi]


X_AXIS: dict[str, object] = {
    "type": "date",
    "hoverformat": DATE_HOVER,
    "showspikes": True,
    "spikemode": "across",
    "spikethickness": 1,
    "spikecolor": "#adb5bd",
    "spikedash": "dot",
    "gridcolor": GRID,
    "linecolor": "#ced4da",
    "showline": True,
    "ticks": "outside",
    "tickcolor": "#ced4da",
}
Y_AXIS: dict[str, object] = {
    "zeroline": False,
    "automargin": True,
    "gridcolor": GRID,
    "linecolor": GRID,
    "ticks": "",
    "showline": False,
}


def frame_layout(*, height: int, title: str) -> dict[str, object]:
    """The common layout keys of every chart (axes apart), as a plain dict."""
    band = title_band(title)  # the legend goes under the title's lines
    return {
        "template": "none",
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "height": height,
        # sized from its graph on every drawing (each dcc.Graph's style holds the figure's
        # height): without it plotly.js keeps the width of a graph's first drawing, made empty
        # while its tab was hidden (700 px), and a tab's first chart was drawn that wide, then
        # again at the graph's width once dcc.Graph saw the graph resized (RRG, Analogs)
        "autosize": True,
        "title": {
            "text": title,
            "x": 0.0,
            "xanchor": "left",
            "xref": "container",
            "yref": "container",
            "y": 1.0,
            "yanchor": "top",
            "pad": {"t": 10, "l": 10},
            "font": {"size": 14},
        },
        "font": {"family": FONT, "size": 12, "color": "#2a3f5f"},
        "margin": {"l": 64, "r": 16, "t": band + 6, "b": 32},
        "hovermode": "x unified",
        "hoverlabel": {"namelength": -1},
        "legend": {  # under the title, in the figure's own coordinates: a legend that wraps
            "orientation": "h",  # (phones) reserves its height and pushes the plot down
            "xref": "container",
            "yref": "container",
            "x": 0.0,
            "y": 1.0 - band / height,
            "yanchor": "top",
            "xanchor": "left",
            "font": {"size": 12},
            "bgcolor": "rgba(255,255,255,0)",
        },
        "dragmode": "zoom",
        "modebar": {"orientation": "v", "bgcolor": "rgba(255,255,255,0.7)"},
    }


def base_layout(fig: go.Figure, *, height: int, title: str) -> go.Figure:
    """The common frame: white template, unified hover, legend under the title, compact
    margins, date x-axes with spikes (every subplot's axes). Call it once the figure has its
    traces and ``showlegend``: the top margin makes room for the legend (``top_margin``).

    The layout is assigned once as a merged dict: Plotly validates a whole layout dict in
    about 1 ms, while the equivalent ``update_layout`` + ``update_xaxes`` + ``update_yaxes``
    calls take 15–40 ms per chart, on every (cold or warm) page load.
    """
    current = fig.layout.to_plotly_json()
    layout: dict[str, object] = {**current, **frame_layout(height=height, title=title)}
    names = [k for k in current if k.startswith(("xaxis", "yaxis"))] or ["xaxis", "yaxis"]
    for name in names:
        style = X_AXIS if name.startswith("x") else Y_AXIS
        layout[name] = {**current.get(name, {}), **style}
    fig.layout = layout
    fig.layout.margin.t = top_margin(fig)
    return fig


def apply_view(
    fig: go.Figure,
    start: date | None,
    end: date | None,
    y_ranges: Mapping[str, list[float] | None],
) -> go.Figure:
    """Set the x-range of every x-axis and the given y-ranges (axis name -> [lo, hi])."""
    rng = x_range(start, end)
    if rng is not None:
        fig.update_xaxes(range=rng, autorange=False)
    for axis, yr in y_ranges.items():
        if yr is not None:
            fig.layout[axis].update(range=yr, autorange=False)
    return fig


def y_fit(fig: go.Figure, rules: Mapping[str, Mapping[str, object]]) -> go.Figure:
    """Declare how assets/linked_axes.js refits each y-axis after a zoom or pan.

    ``rules`` maps an axis name (``yaxis``, ``yaxis2`` …) to the options of ``y_range``:
    ``include`` (values always in range), ``floor`` (lowest lower bound) and ``symmetric``
    (about 0). The script fits the traces drawn on that axis over the new x-range with the same
    padding; an axis without a rule (the 0–100 participation scale) keeps its range.
    Stored in ``layout.meta.yfit`` (a few dozen bytes), each rule with its ``pad`` (never an
    empty object: Plotly prunes empty containers from the layout on the next relayout).
    """
    fig.update_layout(meta={"yfit": {axis: {"pad": Y_PAD, **rule} for axis, rule in rules.items()}})
    return fig


def hover(body: str) -> str:
    """A hovertemplate that names its series: ``name: body``. The unified hover of the date
    charts shows each template as it is (a colour swatch, no name), so without the name
    readers who cannot tell the swatches apart see bare numbers."""
    return "%{fullData.name}: " + body + "<extra></extra>"


def line_trace(
    x: object,
    y: object,
    name: str,
    color: str,
    width: float = 1.5,
    *,
    dash: str | None = None,
    hover: str | None = None,
    **extra: object,
) -> go.Scatter:
    """A line trace in the house style; ``hover`` is the whole hovertemplate."""
    line: dict[str, object] = {"color": color, "width": width}
    if dash:
        line["dash"] = dash
    return go.Scatter(x=x, y=y, name=name, mode="lines", line=line, hovertemplate=hover, **extra)


def message_figure(message: str, *, height: int = 260, title: str = "") -> go.Figure:
    """A chart that says why it has nothing to draw (never a blank box)."""
    fig = base_layout(go.Figure(), height=height, title=title)
    fig.add_annotation(
        text=message,
        x=0.5,
        y=0.5,
        xref="paper",
        yref="paper",
        showarrow=False,
        font={"size": 14, "color": COLORS["neutral"]},
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


def fmt_pct(value: float, digits: int = 1, signed: bool = True) -> str:
    """A percentage for a table cell: '+3.2%', '–' when undefined."""
    if value is None or not math.isfinite(value):
        return "–"
    return f"{value:+.{digits}f}%" if signed else f"{value:.{digits}f}%"
