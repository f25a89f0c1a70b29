"""Figure builders for the market context: the benchmark index and cap/style rotation lines."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pandas as pd
import plotly.graph_objects as go

from components.style import (
    COLORS,
    HEIGHTS,
    PAIR_COLORS,
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

Ranges = dict[str, list[float] | None]
BENCHMARK_TITLE = "Benchmark index"
ROTATION_TITLE = "Cap and style rotation"
CONSTITUENT_MARK = "(equal-weight, from constituents)"
"""Label suffix of a line built from a universe's constituents (drawn dashed)."""


def benchmark_ranges(close: pd.Series | None, start: date | None, end: date | None) -> Ranges:
    """The close over the view, padded."""
    if close is None:
        return {}
    return {"yaxis": y_range(close.to_frame("close"), ["close"], start, end)}


def benchmark_figure(
    close: pd.Series | None,
    *,
    ticker: str,
    name: str = "",
    start: date | None,
    end: date | None,
    marks: Sequence[go.Scatter] = (),
) -> go.Figure:
    """The large-cap benchmark's adjusted close, for context above the breadth charts, and
    the divergence ``marks`` (``figures_div.divergence_traces``) as traces 1 and 2."""
    title = f"Benchmark: {ticker}" + (f" ({name})" if name else "")
    if close is None or close.dropna().empty:
        return message_figure(
            "No large-cap benchmark in the store (looked for SPY, IVV, VOO, ^GSPC, SIM:LARGE).",
            height=HEIGHTS["benchmark"],
            title=BENCHMARK_TITLE,
        )
    series = close.dropna()
    fig = go.Figure(
        line_trace(
            ms(series.index),
            f32(series),
            ticker,
            COLORS["neutral"],
            hover=hover("%{y:,.2f}"),
            showlegend=False,
        )
    )
    fig.add_traces(list(marks))
    fig.update_layout(showlegend=bool(marks))  # the legend names the marks
    base_layout(fig, height=HEIGHTS["benchmark"], title=title)
    fig.update_yaxes(title_text="Adjusted close", tickformat=",.0f")
    y_fit(fig, {"yaxis": {}})
    return apply_view(fig, start, end, benchmark_ranges(series, start, end))


def rotation_ranges(lines: pd.DataFrame, start: date | None, end: date | None) -> Ranges:
    """All ratio lines over the view, always including the 100 base."""
    return {"yaxis": y_range(lines, list(lines.columns), start, end, include=(100.0,))}


def rotation_title(anchor: date | None) -> str:
    """The chart title, naming the rebase date."""
    anchor_text = f"{anchor:%d %b %Y}" if anchor else "the range start"
    return f"Relative strength, 100 = {anchor_text}"


def rotation_figure(
    lines: pd.DataFrame,
    *,
    anchor: date | None,
    notices: Sequence[str] = (),
    start: date | None,
    end: date | None,
) -> go.Figure:
    """Ratio lines (numerator / denominator) rebased to 100 at ``anchor``: rising = the first
    leg outperforms. Missing legs are named in an annotation; with no pair at all, the chart
    says so instead of drawing nothing."""
    title = rotation_title(anchor)
    usable = [c for c in lines.columns if lines[c].notna().any()]
    if not usable:
        reason = "; ".join(notices) if notices else "no benchmark pairs in the store"
        return message_figure(
            f"No rotation pair can be drawn: {reason}",
            height=HEIGHTS["rotation"],
            title=ROTATION_TITLE,
        )
    fig = go.Figure()
    bases: list[str] = []  # an ETF pair and its constituent-built twin share a colour
    for label in usable:
        base = label.removesuffix(CONSTITUENT_MARK).rstrip()
        bases += [] if base in bases else [base]
        built = label.endswith(CONSTITUENT_MARK)
        series = lines[label].dropna()
        fig.add_trace(
            go.Scatter(
                x=ms(series.index),
                y=f32(series),
                name=label,
                mode="lines",
                line={
                    "color": PAIR_COLORS[bases.index(base) % len(PAIR_COLORS)],
                    "width": 1.4 if built else 1.6,
                    "dash": "dash" if built else "solid",
                },
                hovertemplate=hover("%{y:.1f}"),
            )
        )
    notices = [n for n in notices if CONSTITUENT_MARK not in n]  # listed below the chart
    fig.add_hline(y=100, line={"color": COLORS["reference"], "width": 1, "dash": "dot"})
    base_layout(fig, height=HEIGHTS["rotation"], title=title)
    fig.update_yaxes(title_text="Ratio (base = 100)", tickformat=".0f")
    y_fit(fig, {"yaxis": {"include": [100.0]}})
    if notices:
        fig.add_annotation(
            text="Missing: " + "<br>".join(notices),
            x=0,
            y=0,
            xref="paper",
            yref="paper",
            xanchor="left",
            yanchor="bottom",
            showarrow=False,
            align="left",
            font={"size": 12, "color": COLORS["warning_text"]},
            bgcolor="rgba(255,255,255,0.8)",
        )
    return apply_view(fig, start, end, rotation_ranges(lines[usable], start, end))
