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

import numpy as np
import pandas as pd
import plotly.graph_objects as go

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
COLORS = {
    "primary": "#1f4e79",
    "secondary": "#7fa7d1",
    "up": "#1a7f37",
    "down": "#c62828",
    "compare": "#8e44ad",
    "band": "rgba(31, 78, 121, 0.12)",
    "reference": "#6c757d",
    "neutral": "#495057",
}
PAIR_COLORS = ("#1f4e79", "#d35400", "#16a085", "#8e44ad")
DATE_HOVER = "%a %d %b %Y"
HEIGHTS = {
    "benchmark": 260,
    "participation": 360,
    "highs_lows": 420,
    "advance_decline": 520,
    "rotation": 360,
}
"""Chart heights in px; the page gives each graph's box the same height (responsive width)."""
GRID = "#e9ecef"


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
    pad: float = 0.06,
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


def base_layout(fig: go.Figure, *, height: int, title: str) -> go.Figure:
    """The common frame: white template, unified hover, legend on top, compact margins."""
    fig.update_layout(
        template="none",
        paper_bgcolor="white",
        plot_bgcolor="white",
        height=height,
        title={
            "text": title,
            "x": 0.0,
            "xanchor": "left",
            "xref": "paper",
            "yref": "container",
            "y": 1.0,
            "yanchor": "top",
            "pad": {"t": 10},
            "font": {"size": 14},
        },
        font={"family": FONT, "size": 12, "color": "#2a3f5f"},
        margin={"l": 64, "r": 16, "t": 72, "b": 32},
        hovermode="x unified",
        hoverlabel={"namelength": -1},
        legend={
            "orientation": "h",
            "x": 0,
            "y": 1.01,
            "yanchor": "bottom",
            "xanchor": "left",
            "font": {"size": 11},
            "bgcolor": "rgba(255,255,255,0)",
        },
        dragmode="zoom",
        modebar={"orientation": "v", "bgcolor": "rgba(255,255,255,0.7)"},
    )
    fig.update_xaxes(
        type="date",
        hoverformat=DATE_HOVER,
        showspikes=True,
        spikemode="across",
        spikethickness=1,
        spikecolor="#adb5bd",
        spikedash="dot",
    )
    fig.update_yaxes(
        zeroline=False, automargin=True, gridcolor=GRID, linecolor=GRID, ticks="", showline=False
    )
    fig.update_xaxes(
        gridcolor=GRID, linecolor="#ced4da", showline=True, ticks="outside", tickcolor="#ced4da"
    )
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
