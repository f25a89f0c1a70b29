"""Figure builder for the advance–decline line, McClellan oscillator and summation index."""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

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
    y_fit,
    y_range,
)

Ranges = dict[str, list[float] | None]


def advance_decline_ranges(breadth: pd.DataFrame, start: date | None, end: date | None) -> Ranges:
    """A/D line, McClellan oscillator (symmetric about 0) and summation over the view."""
    osc = y_range(breadth, ["mcclellan_osc"], start, end, include=(0.0,))
    if osc is not None:
        bound = max(abs(osc[0]), abs(osc[1]))
        osc = [-bound, bound]
    return {
        "yaxis": y_range(breadth, ["ad_line"], start, end),
        "yaxis2": osc,
        "yaxis3": y_range(breadth, ["mcclellan_sum"], start, end),
    }


def advance_decline_figure(
    breadth: pd.DataFrame, *, ratio_adjusted: bool, start: date | None, end: date | None
) -> go.Figure:
    """Cumulative advance–decline line, McClellan oscillator (19/39-day EMAs of net advances)
    and its running sum, the summation index."""
    kind = "ratio-adjusted" if ratio_adjusted else "classic"
    title = f"A/D line and McClellan ({kind})"
    if breadth.empty:
        return message_figure(
            "No sessions in the store for this universe.",
            title=title,
            height=HEIGHTS["advance_decline"],
        )
    x = ms(breadth.index)
    unit = "‰" if ratio_adjusted else "issues"
    fig = make_subplots(
        rows=3, cols=1, shared_xaxes=True, row_heights=[0.4, 0.3, 0.3], vertical_spacing=0.05
    )
    net = counts(breadth["advances"] - breadth["declines"])
    fig.add_trace(
        line_trace(
            x,
            f32(breadth["ad_line"]),
            "A/D line",
            COLORS["primary"],
            customdata=net,
            hover=hover("%{y:,.0f} (day %{customdata:+,.0f})"),
        ),
        row=1,
        col=1,
    )
    fig.add_trace(
        line_trace(
            x,
            f32(breadth["mcclellan_osc"]),
            f"McClellan oscillator ({kind})",
            COLORS["oscillator"],
            1,
            fill="tozeroy",
            fillcolor="rgba(204, 121, 167, 0.25)",
            hover=hover("%{y:+,.1f}"),
        ),
        row=2,
        col=1,
    )
    fig.add_trace(
        line_trace(
            x,
            f32(breadth["mcclellan_sum"]),
            "Summation index",
            COLORS["neutral"],
            1.2,
            hover=hover("%{y:,.0f}"),
        ),
        row=3,
        col=1,
    )
    base_layout(fig, height=HEIGHTS["advance_decline"], title=title)
    fig.update_yaxes(title_text="A/D (cum.)", row=1, col=1)
    fig.update_yaxes(title_text=f"Osc. ({unit})", row=2, col=1)
    fig.update_yaxes(title_text="Summation", row=3, col=1)
    y_fit(fig, {"yaxis": {}, "yaxis2": {"include": [0.0], "symmetric": True}, "yaxis3": {}})
    return apply_view(fig, start, end, advance_decline_ranges(breadth, start, end))
