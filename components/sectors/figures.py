"""The Sectors tab's figure and table: a sectors × weeks heatmap of % above the n-day
average, and each sector on the view's end date with its percentile."""

from __future__ import annotations

import dash_bootstrap_components as dbc
import numpy as np
import pandas as pd
import plotly.graph_objects as go
from dash import html
from dash.development.base_component import Component

from components.page.tables import card_table
from components.style import frame_layout

COLORSCALE = "PuOr"
"""ColorBrewer PuOr, diverging: orange below 50 %, purple above, near-white at 50. One of
ColorBrewer's colour-blind-safe diverging schemes (orange and purple stay apart under
protanopia and deuteranopia, unlike red–blue or red–green); checked in
tests/unit/test_sectors_ui.py with the project's CVD simulation."""
NO_DATA = "#bdbdbd"
"""Cells with no eligible member (grey: the plot background shows through)."""
ROW_PX, FRAME_PX = 30, 150
COLORBAR_PX = 50
"""Room under the x-axis for the horizontal colour bar (px); it has no title (the figure's
title names the measure; a title of its own overlapped the bar)."""


def heatmap_height(n_rows: int) -> int:
    """Figure height (px) for ``n_rows`` sectors: every label on its own readable row."""
    return FRAME_PX + COLORBAR_PX + ROW_PX * max(n_rows, 1)


def heatmap_figure(
    values: pd.DataFrame, members: pd.DataFrame, window: int, title: str
) -> go.Figure:
    """Sectors (rows, first on top) × weeks (columns: each week's last session)."""
    z = values.to_numpy(dtype="float64")
    custom = members.reindex(index=values.index, columns=values.columns).to_numpy(dtype="float64")
    trace = go.Heatmap(
        name=f"% above the {window}-day average",
        z=np.round(z, 1),
        x=pd.DatetimeIndex(values.columns),
        y=list(values.index),
        customdata=custom,
        colorscale=COLORSCALE,
        zmin=0,
        zmax=100,
        zmid=50,
        xgap=1,
        ygap=1,
        colorbar={  # under the plot: on its right it met the chart's (vertical) mode bar
            "orientation": "h",
            "ticksuffix": "%",
            "tickvals": [0, 25, 50, 75, 100],
            "thickness": 12,
            "len": 0.45,
            "x": 0.0,
            "xanchor": "left",
            "xref": "container",
            "y": 0.0,
            "yanchor": "bottom",
            "yref": "container",
        },
        hovertemplate=(
            "%{y}<br>week ending %{x|%Y-%m-%d}<br>%{z:.1f}% above the "
            f"{window}-day average<br>%{{customdata:,.0f}} members with data<extra></extra>"
        ),
    )
    height = heatmap_height(len(values.index))
    layout = frame_layout(height=height, title=title)
    layout.update(
        hovermode="closest",
        plot_bgcolor=NO_DATA,
        margin={"l": 190, "r": 56, "t": 44, "b": 40 + COLORBAR_PX},  # r: the mode bar
        xaxis={"type": "date", "showgrid": False, "ticks": "outside", "automargin": True},
        yaxis={
            "autorange": "reversed",
            "showgrid": False,
            "automargin": True,
            "tickfont": {"size": 13},
        },
    )
    return go.Figure(data=[trace], layout=layout)


def _pct(value: float) -> str:
    return "–" if value is None or not np.isfinite(value) else f"{value:.1f}%"


def _rank(value: float) -> str:
    return "–" if value is None or not np.isfinite(value) else f"{value:.0f}"


def end_table(rows: pd.DataFrame, window: int) -> Component:
    """Each sector on the end date: % above, members with data, percentile; sorted."""
    if rows.empty:
        return html.P("No session in the selected range.", className="small")
    day = pd.Timestamp(rows["date"].iloc[0])
    head = html.Thead(
        html.Tr(
            [
                html.Th("Sector"),
                html.Th(f"% above {window}-day avg", className="num"),
                html.Th("Members with data", className="num"),
                html.Th("Percentile vs own history", className="num"),
            ]
        )
    )
    body = html.Tbody(
        [
            html.Tr(
                [
                    html.Td(r.sector),
                    html.Td(_pct(r.pct_above), className="num"),
                    html.Td(f"{int(r.members_with_data):,}", className="num"),
                    html.Td(_rank(r.percentile), className="num"),
                ]
            )
            for r in rows.itertuples(index=False)
        ]
    )
    return html.Div(
        [
            html.P(
                f"On {day:%Y-%m-%d}, highest first. Percentile: the day's value among the "
                "sector's own values up to that day (0–100; – before a year of history).",
                className="small text-muted mb-1",
            ),
            card_table(
                dbc.Table([head, body], size="sm", hover=True, className="sector-table mb-2")
            ),
        ]
    )
