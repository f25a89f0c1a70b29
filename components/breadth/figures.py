"""Figure builders for the breadth charts: frames + options in, ``go.Figure`` out.

Each builder draws the whole history and sets the view (x-range and the y-ranges of that
window) with the matching ``*_ranges`` function, which the date-range callback also uses to
patch a chart without rebuilding it. Column names are those of ``indicators.breadth``.
Rotation and benchmark charts live in ``components.breadth.figures_market`` (re-exported here).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from components.breadth.figures_ad import advance_decline_figure, advance_decline_ranges
from components.breadth.figures_market import (
    benchmark_figure,
    benchmark_ranges,
    rotation_figure,
    rotation_ranges,
    rotation_title,
)
from components.style import (
    COLORS,
    HEIGHTS,
    apply_view,
    base_layout,
    counts,
    f32,
    hover,
    line_trace,
    message_figure,
    ms,
    whole,
    y_fit,
    y_range,
)

__all__ = [
    "advance_decline_figure",
    "advance_decline_ranges",
    "benchmark_figure",
    "benchmark_ranges",
    "highs_lows_figure",
    "highs_lows_ranges",
    "participation_figure",
    "participation_ranges",
    "rotation_figure",
    "rotation_ranges",
    "rotation_title",
]

Ranges = dict[str, list[float] | None]
COMPARE = "compare_pct_new_highs_52w"


def _no_data(frame: pd.DataFrame, title: str, height: int) -> go.Figure | None:
    if frame.empty:
        return message_figure(
            "No sessions in the store for this universe.", title=title, height=height
        )
    return None


def participation_ranges(breadth: pd.DataFrame, start: date | None, end: date | None) -> Ranges:
    """Percent of members: always the full 0–100 scale, so levels compare across views."""
    return {"yaxis": [0.0, 100.0]}


def participation_figure(
    breadth: pd.DataFrame,
    context: pd.DataFrame,
    long_run: dict[str, Any],
    *,
    fast: int,
    slow: int,
    start: date | None,
    end: date | None,
    marks: list[go.Scatter] | None = None,
) -> go.Figure:
    """% of members above the slow and fast averages, the trailing 10th–90th band of the slow
    series, and its long-run average. Hover: value, trailing percentile, members with data.
    The divergence ``marks`` (``figures_div.divergence_traces``) are traces 4 and 5."""
    title = f"% of members above {slow}- and {fast}-day averages"
    empty = _no_data(breadth, title, HEIGHTS["participation"])
    if empty is not None:
        return empty
    x = ms(breadth.index)
    slow_col, fast_col = f"pct_above_{slow}dma", f"pct_above_{fast}dma"
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=x,
            y=f32(context["q10"]),
            name="10th pct.",
            mode="lines",
            line={"width": 0},
            hoverinfo="skip",
            showlegend=False,
        )
    )
    fig.add_trace(
        go.Scatter(
            x=x,
            y=f32(context["q90"]),
            name="Trailing 10th–90th percentile band",
            mode="lines",
            line={"width": 0},
            fill="tonexty",
            fillcolor=COLORS["band"],
            customdata=counts(context["q10"]),  # NaN where q90 (the y) is
            hovertemplate=hover("%{customdata:.0f}–%{y:.0f}%"),
        )
    )
    # every column is shown with no decimals: the percentile travels rounded (halves up, as
    # ``.0f`` shows it) and stays float32 so that its first sessions are NaN, not 0; whole
    # numbers leave float32's low bytes zero, which compression removes (24 -> 16 KB brotli)
    custom = np.column_stack(
        [
            whole(context["percentile"]),
            breadth["members_with_data"],
            breadth["members"],
            breadth[f"eligible_{slow}dma"],
        ]
    ).astype("float32")
    fig.add_trace(
        go.Scatter(
            x=x,
            y=f32(breadth[slow_col]),
            name=f"% above {slow}-day avg",
            mode="lines",
            line={"color": COLORS["primary"], "width": 2},
            customdata=custom,
            hovertemplate=hover(
                "%{y:.1f}% · percentile %{customdata[0]:.0f} · %{customdata[3]:,.0f} eligible, "
                "%{customdata[1]:,.0f} of %{customdata[2]:,.0f} members with data"
            ),
        )
    )
    fig.add_trace(
        line_trace(
            x,
            f32(breadth[fast_col]),
            f"% above {fast}-day avg",
            COLORS["secondary"],
            1.2,
            dash="dash",
            hover=hover("%{y:.1f}%"),
        )
    )
    fig.add_traces(marks or [])
    value = long_run.get("value")
    if value is not None and np.isfinite(value):
        lra_x = ms(pd.DatetimeIndex([breadth.index[0], breadth.index[-1]]))
        # all stored data (the claims' average stops at the as-of date: it says so)
        period = (
            f"all data, {long_run['start']:%Y}–{long_run['end']:%Y}"
            if long_run.get("start")
            else "all data"
        )
        fig.add_trace(
            go.Scatter(
                x=lra_x,
                y=f32([value, value]),
                mode="lines",
                name=f"Long-run avg {value:.1f}% ({period})",
                line={"color": COLORS["reference"], "dash": "dash", "width": 1},
                hoverinfo="skip",
            )
        )
    base_layout(fig, height=HEIGHTS["participation"], title=title)
    fig.update_yaxes(title_text="% of members", ticksuffix="%")
    return apply_view(fig, start, end, participation_ranges(breadth, start, end))


def highs_lows_ranges(
    breadth: pd.DataFrame, compare: pd.Series | None, start: date | None, end: date | None
) -> Ranges:
    """% at highs/lows (with the comparison) on top, net new highs below, over the view."""
    frame = breadth[["pct_new_highs_52w", "pct_new_lows_52w", "net_new_highs"]]
    if compare is not None:
        frame = frame.assign(**{COMPARE: compare.reindex(frame.index)})
    return {
        "yaxis": y_range(
            frame,
            ["pct_new_highs_52w", "pct_new_lows_52w", COMPARE],
            start,
            end,
            include=(0.0,),
            floor=-0.5,
        ),
        "yaxis2": y_range(frame, ["net_new_highs"], start, end, include=(0.0,)),
    }


def highs_lows_figure(
    breadth: pd.DataFrame,
    compare: pd.Series | None = None,
    *,
    compare_label: str = "",
    closing: bool = False,
    start: date | None,
    end: date | None,
) -> go.Figure:
    """% of members at 52-week highs and lows, net new highs (count), and optionally a
    second universe's % at highs."""
    kind = "closing" if closing else "intraday"
    title = f"52-week highs and lows ({kind})"
    empty = _no_data(breadth, title, HEIGHTS["highs_lows"])
    if empty is not None:
        return empty
    x = ms(breadth.index)
    fig = make_subplots(
        rows=2, cols=1, shared_xaxes=True, row_heights=[0.62, 0.38], vertical_spacing=0.06
    )
    count = counts(breadth["new_highs_52w"])
    fig.add_trace(
        line_trace(
            x,
            f32(breadth["pct_new_highs_52w"]),
            "% at 52-week highs",
            COLORS["up"],
            customdata=count,
            hover=hover("%{y:.1f}% (%{customdata:,.0f} names)"),
        ),
        row=1,
        col=1,
    )
    fig.add_trace(
        line_trace(
            x,
            f32(breadth["pct_new_lows_52w"]),
            "% at 52-week lows",
            COLORS["down"],
            dash="dash",
            hover=hover("%{y:.1f}%"),
        ),
        row=1,
        col=1,
    )
    if compare is not None:
        fig.add_trace(
            line_trace(
                ms(compare.index),
                f32(compare),
                f"% at highs: {compare_label}",
                COLORS["compare"],
                1.2,
                dash="dot",
                hover=hover("%{y:.1f}%"),
            ),
            row=1,
            col=1,
        )
    fig.add_trace(
        line_trace(
            x,
            f32(breadth["net_new_highs"]),
            "Net new highs (highs − lows)",
            COLORS["neutral"],
            1,
            fill="tozeroy",
            fillcolor="rgba(73, 80, 87, 0.25)",
            hover=hover("%{y:+,.0f} names"),
        ),
        row=2,
        col=1,
    )
    base_layout(fig, height=HEIGHTS["highs_lows"], title=title)
    fig.update_yaxes(title_text="% of eligible", ticksuffix="%", row=1, col=1)
    fig.update_yaxes(title_text="Net (count)", row=2, col=1)
    y_fit(fig, {"yaxis": {"include": [0.0], "floor": -0.5}, "yaxis2": {"include": [0.0]}})
    return apply_view(fig, start, end, highs_lows_ranges(breadth, compare, start, end))
