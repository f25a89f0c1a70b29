"""Analog figures: forward returns per pair × horizon, and episode bands for a date chart.

Frames in (``indicators.analogs.AnalogResult``'s ``forward`` long table and ``summary``),
``go.Figure`` or shape dicts out. Each episode is one point per pair and horizon (filled
when the return was realised by the as-of date, open when it was realised only later, i.e.
hindsight); a short bar marks the median across the realised episodes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from components.style import PAIR_COLORS, PAIR_SYMBOLS, base_layout, message_figure

FORWARD_HEIGHT = 420
EPISODE_FILL = "rgba(211, 84, 0, 0.13)"
EPISODE_LINE = "rgba(211, 84, 0, 0.45)"
EPISODE_SHAPE = "analog-episode"
AFTER_ASOF_KEY = "open: realised after the as-of date (not in the medians)"
"""Legend entry of the open markers, shown when any return was realised after the as-of date."""


def forward_figure(
    forward: pd.DataFrame, summary: pd.DataFrame, pair_labels: Mapping[str, str]
) -> go.Figure:
    """Per-episode forward returns (points) and their medians (bars), grouped by horizon."""
    title = "Forward relative returns after each episode"
    if forward.empty or forward["forward_return_pct"].notna().sum() == 0:
        return message_figure(
            "No episode has a forward return yet.", title=title, height=FORWARD_HEIGHT
        )
    order = forward.sort_values("horizon")["horizon_label"].drop_duplicates().tolist()
    fig = go.Figure()
    for k, (pair, label) in enumerate(pair_labels.items()):
        color = PAIR_COLORS[k % len(PAIR_COLORS)]
        shape = PAIR_SYMBOLS[k % len(PAIR_SYMBOLS)]
        rows = forward[(forward["pair"] == pair) & forward["forward_return_pct"].notna()]
        realised = rows["realised_by_asof"].to_numpy(dtype=bool)
        custom = np.column_stack(
            [
                pd.DatetimeIndex(rows["signal_date"]).strftime("%d %b %Y"),
                rows["episode"].astype(str),
                np.where(realised, "", " (after the as-of date)"),
            ]
        )
        fig.add_trace(
            go.Scatter(
                x=rows["horizon_label"],
                y=rows["forward_return_pct"].to_numpy(),
                mode="markers",
                name=label,
                legendgroup=pair,
                offsetgroup=pair,
                marker={
                    "color": color,
                    "size": 8,
                    "opacity": 0.85,
                    "symbol": np.where(realised, shape, f"{shape}-open"),
                    "line": {"width": 1, "color": color},
                },
                customdata=custom,
                hovertemplate=(
                    f"<b>{label}</b> · %{{x}}<br>episode %{{customdata[1]}} from "
                    "%{customdata[0]}<br>%{y:+.1f}%%{customdata[2]}<extra></extra>"
                ),
            )
        )
        med = summary[summary["pair"] == pair].dropna(subset=["median"])
        fig.add_trace(
            go.Scatter(
                x=med["horizon_label"],
                y=med["median"].to_numpy(),
                mode="markers",
                name=f"{label}: median",
                legendgroup=pair,
                offsetgroup=pair,
                showlegend=False,
                marker={
                    "symbol": "line-ew-open",
                    "size": 26,
                    "color": color,
                    "line": {"width": 3, "color": color},
                },
                customdata=np.column_stack([med["hit_rate"], med["n"]]),
                hovertemplate=(
                    "<b>%{fullData.name}</b> · %{x} %{y:+.1f}%<br>hit rate "
                    "%{customdata[0]:.0f}% of %{customdata[1]} episodes<extra></extra>"
                ),
            )
        )
    later = forward["forward_return_pct"].notna() & ~forward["realised_by_asof"].astype(bool)
    if later.any():  # a legend key for the open markers
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                name=AFTER_ASOF_KEY,
                marker={"symbol": "circle-open", "size": 8, "color": "#5a6570"},
                hoverinfo="skip",
            )
        )
    base_layout(fig, height=FORWARD_HEIGHT, title=title)
    fig.update_layout(
        hovermode="closest",
        scattermode="group",
        scattergap=0.35,
        margin={"l": 64, "r": 16, "t": 72, "b": 64},
    )
    fig.update_xaxes(
        type="category",
        categoryorder="array",
        categoryarray=order,
        showspikes=False,
        title_text="Horizon (1m = 21 sessions)",  # "after each episode": the title says it
        hoverformat="",
    )
    fig.update_yaxes(
        title_text="Relative return", ticksuffix="%", zeroline=True, zerolinecolor="#adb5bd"
    )
    return fig


def episode_shapes(episodes: pd.DataFrame, legend: str = "Analog episodes") -> list[dict[str, Any]]:
    """Shaded vertical bands (layout shapes on ``x``, full height) from start to end + 1 day.

    Every band is named ``legend`` and grouped as ``EPISODE_SHAPE``; the first one carries
    the legend entry.
    """
    shapes: list[dict[str, Any]] = []
    for k, row in enumerate(episodes.itertuples(index=False)):
        start = pd.Timestamp(row.start)
        end = pd.Timestamp(row.end) + pd.Timedelta(days=1)
        shapes.append(
            {
                "type": "rect",
                "xref": "x",
                "yref": "paper",
                "y0": 0,
                "y1": 1,
                "x0": start.strftime("%Y-%m-%d"),
                "x1": end.strftime("%Y-%m-%d"),
                "fillcolor": EPISODE_FILL,
                "line": {"width": 1, "color": EPISODE_LINE},
                "layer": "below",
                "name": legend,
                "showlegend": k == 0,
                "legendgroup": EPISODE_SHAPE,
            }
        )
    return shapes
