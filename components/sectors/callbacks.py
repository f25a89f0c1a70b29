"""The Sectors tab's callback: heatmap, table and message when the view changes and the
tab is active."""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output, no_update

from components.context import get_service
from components.ids import Ids
from components.sectors.view import graph_style, sectors_panel
from components.tabs import view_store
from components.url.query import from_store


def update_sectors(data: dict[str, Any] | None) -> tuple[Any, ...]:
    """Recompute when the view changes and the Sectors tab is active."""
    state = from_store(data)
    if state.tab != "sectors":
        return (no_update,) * 4
    fig, table, message = sectors_panel(get_service(), state)
    return fig, graph_style(fig, table is not None), table, message


def register(app: Dash) -> None:
    """Register this tab's callback on ``app``."""
    app.callback(
        Output(Ids.SECTOR_HEATMAP, "figure"),
        Output(Ids.SECTOR_HEATMAP, "style"),
        Output(Ids.SECTOR_TABLE, "children"),
        Output(Ids.SECTOR_MESSAGE, "children"),
        Input(view_store("sectors"), "data"),
        prevent_initial_call=True,  # its store is filled once its tab is active
    )(update_sectors)
