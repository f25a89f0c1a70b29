"""What the Sectors tab shows for a view: the heatmap, the end-date table, or how to add
sector assignments when the store has none (``service.sectors``)."""

from __future__ import annotations

import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import html
from dash.development.base_component import Component

from components.breadth.views import survivorship
from components.page.tables import survivorship_alert
from components.sectors.figures import end_table, heatmap_figure, heatmap_height
from components.style import message_figure
from components.url.fields import ViewState
from data.errors import BreadthError
from service import sectors
from service.breadth import BreadthService


def title(state: ViewState, label: str = "") -> str:
    """The heatmap's title for the view (``label``: the universe's display name)."""
    return f"% of {label or state.universe} above the {state.sector_window}-day average, by sector"


def _nothing(short: str, text: str, color: str = "warning") -> tuple[go.Figure, None, Component]:
    return message_figure(short), None, dbc.Alert(text, color=color, className="small mb-2")


def sectors_panel(
    svc: BreadthService, state: ViewState
) -> tuple[go.Figure, Component | None, Component | None]:
    """(heatmap, end-date table, message). Without a table (no sectors stored, nothing to
    compute) the figure is a message figure the layout hides, and the message says why:
    with no sector assignments, the commands that add them."""
    if not sectors.has_sectors(svc):
        return _nothing("No sector assignments stored.", sectors.NO_SECTORS, "info")
    window = state.sector_window
    try:
        values, members = sectors.heatmap(svc, state.universe, window, state.start, state.end)
        rows = sectors.at_end(svc, state.universe, window, state.end)
    except BreadthError as exc:
        return _nothing("No sector breadth.", f"Cannot compute sector breadth: {exc}")
    if values.empty:
        return _nothing("No session.", "No session in the selected range.")
    label, caveat = survivorship(svc, state.universe)
    fig = heatmap_figure(values, members, window, title(state, label))
    notes: list[Component] = []
    alert = survivorship_alert(caveat, label)  # the Breadth tab's caveat (None: point in time)
    if alert is not None:
        notes.append(alert)
    unassigned = rows[rows["sector"] == "Unassigned"] if len(rows) else rows
    if len(unassigned):
        n = int(unassigned["members_with_data"].iloc[0])
        notes.append(
            html.P(
                f"Unassigned: {n:,} members with data have no stored sector; they form their "
                "own row (add them with `python cli.py universe sectors FILE`).",
                className="small text-muted mb-1",
            )
        )
    return fig, end_table(rows, window), html.Div(notes) if notes else None


def graph_style(fig: go.Figure, shown: bool) -> dict[str, str]:
    """The heatmap box's style: its figure's height, or hidden."""
    if not shown:
        return {"display": "none"}
    return {"height": f"{int(fig.layout.height or heatmap_height(12))}px"}
