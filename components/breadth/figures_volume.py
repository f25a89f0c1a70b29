"""Figure builder for volume breadth: up-volume %, the Arms index (TRIN) and the A/D volume
line, on the linked date axis (columns of ``indicators.volume`` through the service)."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from components.style import (
    COLORS,
    HEIGHTS,
    OKABE_ITO,
    apply_view,
    base_layout,
    f32,
    hover,
    line_trace,
    message_figure,
    ms,
    y_fit,
    y_range,
)
from service.breadth import ARMS_AVERAGE_COLUMN

Ranges = dict[str, list[float] | None]

TITLE = "Volume breadth: up-volume %, Arms index (TRIN), A/D volume line"
NO_VOLUME = (
    "No volume in this store for this universe: volume breadth needs daily volume "
    "(a close-only file has none)."
)
ARMS_MIN_SPAN, ARMS_MAX_SPAN = 2.0, 10.0
"""The Arms axis is logarithmic and symmetric about 1 (a ratio and its inverse sit equally far
from 1): it spans at least 1/2–2 and at most 1/10–10, set by the 98th percentile of
|log10 Arms| in the view; rarer extremes are clipped (hover shows them)."""
ARMS_TICKS = [0.1, 0.2, 0.5, 1, 2, 5, 10]


def arms_range(frame: pd.DataFrame, start: date | None, end: date | None) -> list[float]:
    """log10 range of the Arms axis over the view: symmetric about 1, see ARMS_*_SPAN."""
    lo, hi = pd.Timestamp(start) if start else None, pd.Timestamp(end) if end else None
    cols = [c for c in ("arms_index", ARMS_AVERAGE_COLUMN) if c in frame.columns]
    values = frame.loc[lo:hi, cols].to_numpy(dtype="float64").ravel()
    values = values[np.isfinite(values) & (values > 0)]
    # the 98th percentile of the distance from 1: one outlier does not flatten the rest
    widest = float(np.quantile(np.abs(np.log10(values)), 0.98)) if values.size else 0.0
    bound = min(max(widest, math.log10(ARMS_MIN_SPAN)), math.log10(ARMS_MAX_SPAN)) * 1.06
    return [-bound, bound]


def volume_ranges(frame: pd.DataFrame, start: date | None, end: date | None) -> Ranges:
    """Up-volume % on its fixed 0–100 scale, the Arms axis (log10 units), the A/D volume
    line fitted to the view."""
    if frame.columns.empty:
        return {}
    return {
        "yaxis": [0.0, 100.0],
        "yaxis2": arms_range(frame, start, end),
        "yaxis3": y_range(frame, ["ad_volume_line"], start, end),
    }


def _level(x: np.ndarray, value: float, name: str, dash: str) -> go.Scatter:
    """A reference level over the whole history (no legend entry, no hover)."""
    return go.Scatter(
        x=x,
        y=f32([value, value]),
        name=name,
        mode="lines",
        line={"color": COLORS["reference"], "dash": dash, "width": 1},
        hoverinfo="skip",
        showlegend=False,
    )


def volume_figure(frame: pd.DataFrame, *, start: date | None, end: date | None) -> go.Figure:
    """Three rows on one date axis: up-volume % with its 50 line; the daily Arms index, its
    10-session average and the 1.0 line (log axis); the A/D volume line (shares)."""
    height = HEIGHTS["volume"]
    if frame.columns.empty:
        return message_figure(NO_VOLUME, title=TITLE, height=height)
    if frame.empty:
        return message_figure(
            "No sessions in the store for this universe.", title=TITLE, height=height
        )
    x = ms(frame.index)
    ends = ms(pd.DatetimeIndex([frame.index[0], frame.index[-1]]))
    fig = make_subplots(
        rows=3, cols=1, shared_xaxes=True, row_heights=[0.32, 0.34, 0.34], vertical_spacing=0.05
    )
    shares = np.column_stack([frame["up_volume"], frame["down_volume"]]).astype("float32")
    fig.add_trace(
        line_trace(
            x,
            f32(frame["up_volume_pct"]),
            "Up-volume %",
            COLORS["primary"],
            1.0,
            customdata=shares,
            hover=hover("%{y:.1f}% (up %{customdata[0]:.3s}, down %{customdata[1]:.3s} shares)"),
        ),
        row=1,
        col=1,
    )
    fig.add_trace(_level(ends, 50.0, "50% of up + down volume", "dot"), row=1, col=1)
    fig.add_trace(
        line_trace(
            x,
            f32(frame["arms_index"]),
            "Arms index (daily)",
            OKABE_ITO["sky_blue"],
            0.8,
            hover=hover("%{y:.2f}"),
        ),
        row=2,
        col=1,
    )
    fig.add_trace(
        line_trace(
            x,
            f32(frame[ARMS_AVERAGE_COLUMN]),
            "Arms index, 10-day average",
            COLORS["secondary"],
            1.8,
            dash="dash",
            hover=hover("%{y:.2f}"),
        ),
        row=2,
        col=1,
    )
    fig.add_trace(_level(ends, 1.0, "Arms index 1.0", "dot"), row=2, col=1)
    net = (frame["up_volume"] - frame["down_volume"]).to_numpy(dtype="float32")
    fig.add_trace(
        line_trace(
            x,
            f32(frame["ad_volume_line"]),
            "A/D volume line",
            COLORS["neutral"],
            1.5,
            customdata=net,
            hover=hover("%{y:.4s} shares (day %{customdata:+.3s})"),
        ),
        row=3,
        col=1,
    )
    base_layout(fig, height=height, title=TITLE)
    fig.update_yaxes(title_text="Up volume", ticksuffix="%", row=1, col=1)
    fig.update_yaxes(
        title_text="Arms (log)", type="log", tickvals=ARMS_TICKS, ticktext=ARMS_TICKS, row=2, col=1
    )
    fig.update_yaxes(title_text="A/D vol. (cum.)", tickformat=".2s", row=3, col=1)
    y_fit(fig, {"yaxis3": {}})  # 0–100 and the symmetric log Arms axis keep their ranges
    return apply_view(fig, start, end, volume_ranges(frame, start, end))
