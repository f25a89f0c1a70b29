"""Figure builders of issue #15 items 1 and 2: participation across several moving-average
windows, and new highs − new lows (% of eligible) over several week counts.

Frames + window sets in, ``go.Figure`` out, drawn over the whole history with the view set as
an x-range (``*_ranges`` also serve the date-range Patches). Column names are those of
``indicators.breadth`` (``pct_above_<n>dma``, ``pct_new_highs_<w>w`` …, the 52-week ones
without a suffix set: ``pct_new_highs_52w``). Each series has its own colour and dash
(``style.SERIES_STYLES``), so none is told apart by colour alone.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from components.style import (
    COLORS,
    HEIGHTS,
    SERIES_STYLES,
    apply_view,
    average_dash,
    base_layout,
    counts,
    f32,
    hover,
    line_trace,
    message_figure,
    ms,
    y_fit,
    y_range,
)

Ranges = dict[str, list[float] | None]


def long_run_name(label: str, long_run: dict[str, Any]) -> str | None:
    """'<label> long-run avg 61.2% (all data, 2013–2026)', as the participation chart names
    its average; None when the series is never defined."""
    value = long_run.get("value")
    if value is None or not np.isfinite(value):
        return None
    start, end = long_run.get("start"), long_run.get("end")
    period = (
        f"all data, {start:%Y}–{end:%Y}" if start is not None and end is not None else "all data"
    )
    return f"{label} long-run avg {value:.1f}% ({period})"


def windows_ranges(breadth: pd.DataFrame, start: date | None, end: date | None) -> Ranges:
    """Percent of members: the full 0–100 scale, as the participation chart."""
    return {"yaxis": [0.0, 100.0]}


def windows_figure(
    breadth: pd.DataFrame,
    long_runs: dict[int, dict[str, Any]],
    *,
    windows: tuple[int, ...],
    start: date | None,
    end: date | None,
) -> go.Figure:
    """One line per window n (``pct_above_<n>dma``; the legend lists the longest first) and,
    in the same colour, its long-run average over all stored data as a thin dotted line
    (``long_runs[n]``: the service's ``long_run``). Hover: value and members eligible."""
    title = "% of members above each moving average"
    height = HEIGHTS["windows"]
    if breadth.empty:
        return message_figure(
            "No sessions in the store for this universe.", title=title, height=height
        )
    x = ms(breadth.index)
    edges = ms(pd.DatetimeIndex([breadth.index[0], breadth.index[-1]]))
    fig = go.Figure()
    ranked = list(enumerate(sorted(windows, reverse=True)))
    for i, n in reversed(ranked):  # the smooth long windows drawn last, on top
        colour, dash = SERIES_STYLES[i % len(SERIES_STYLES)]
        group = f"{n}dma"
        fig.add_trace(
            line_trace(
                x,
                f32(breadth[f"pct_above_{n}dma"]),
                f"% above {n}-day avg",
                colour,
                2.0 if i == 0 else 1.6,
                dash=dash,
                legendgroup=group,
                legendrank=2 * i,  # the legend lists the longest window first
                customdata=counts(breadth[f"eligible_{n}dma"]),
                hover=hover("%{y:.1f}% (%{customdata:,.0f} eligible)"),
            )
        )
        name = long_run_name(f"{n}-day", long_runs.get(n, {}))
        if name is not None:
            value = float(long_runs[n]["value"])
            fig.add_trace(
                line_trace(
                    edges,
                    f32([value, value]),
                    name,
                    colour,
                    1.0,
                    dash=average_dash(i),
                    legendgroup=group,
                    legendrank=2 * i + 1,
                    hoverinfo="skip",
                )
            )
    base_layout(fig, height=height, title=title)
    fig.update_yaxes(title_text="% of members", ticksuffix="%")
    return apply_view(fig, start, end, windows_ranges(breadth, start, end))


def net_column(weeks: int) -> str:
    """Name of the NH − NL (%) series of ``weeks`` (not an export column: drawn only)."""
    return f"net_pct_{weeks}w"


def net_highs_frame(breadth: pd.DataFrame, weeks: tuple[int, ...]) -> pd.DataFrame:
    """Per week count w: ``pct_new_highs_<w>w − pct_new_lows_<w>w`` (NaN where nothing is
    eligible), and ``cum_net_new_highs``."""
    out = {
        net_column(w): breadth[f"pct_new_highs_{w}w"] - breadth[f"pct_new_lows_{w}w"] for w in weeks
    }
    return pd.DataFrame({**out, "cum_net_new_highs": breadth["cum_net_new_highs"]})


def net_highs_ranges(
    breadth: pd.DataFrame, weeks: tuple[int, ...], start: date | None, end: date | None
) -> Ranges:
    """NH − NL (%) with 0 in range on top, the cumulative 52-week net below, over the view."""
    frame = net_highs_frame(breadth, weeks)
    return {
        "yaxis": y_range(frame, [net_column(w) for w in weeks], start, end, include=(0.0,)),
        "yaxis2": y_range(frame, ["cum_net_new_highs"], start, end),
    }


def net_highs_figure(
    breadth: pd.DataFrame,
    *,
    weeks: tuple[int, ...],
    closing: bool,
    start: date | None,
    end: date | None,
) -> go.Figure:
    """New highs − new lows as % of eligible members for each week count (longest first),
    and the running sum of 52-week highs − lows (``cum_net_new_highs``) in a second row."""
    kind = "closing" if closing else "intraday"
    title = f"New highs − new lows, % of eligible ({kind} highs and lows)"
    height = HEIGHTS["net_highs"]
    if breadth.empty:
        return message_figure(
            "No sessions in the store for this universe.", title=title, height=height
        )
    x = ms(breadth.index)
    frame = net_highs_frame(breadth, weeks)
    fig = make_subplots(
        rows=2, cols=1, shared_xaxes=True, row_heights=[0.62, 0.38], vertical_spacing=0.06
    )
    ranked = list(enumerate(sorted(weeks, reverse=True)))
    for i, w in reversed(ranked):  # the longest look-back drawn last, on top
        colour, dash = SERIES_STYLES[i % len(SERIES_STYLES)]
        made = counts(np.column_stack([breadth[f"new_highs_{w}w"], breadth[f"new_lows_{w}w"]]))
        fig.add_trace(
            line_trace(
                x,
                f32(frame[net_column(w)]),
                f"NH − NL, {w} weeks",
                colour,
                1.8 if i == 0 else 1.4,
                dash=dash,
                legendrank=i,  # the legend lists the longest look-back first
                customdata=made,
                hover=hover("%{y:+.1f}% (%{customdata[0]:,.0f} highs, %{customdata[1]:,.0f} lows)"),
            ),
            row=1,
            col=1,
        )
    fig.add_trace(
        line_trace(
            x,
            f32(frame["cum_net_new_highs"]),
            "Cumulative net 52-week highs",
            COLORS["neutral"],
            1.2,
            legendrank=len(weeks),
            hover=hover("%{y:+,.0f} names"),
        ),
        row=2,
        col=1,
    )
    base_layout(fig, height=height, title=title)
    fig.update_yaxes(
        title_text="% of eligible",
        ticksuffix="%",
        zeroline=True,
        zerolinecolor="#adb5bd",
        row=1,
        col=1,
    )
    fig.update_yaxes(title_text="Cumulative (count)", row=2, col=1)
    y_fit(fig, {"yaxis": {"include": [0.0]}, "yaxis2": {}})
    return apply_view(fig, start, end, net_highs_ranges(breadth, weeks, start, end))
