"""The Analogs tab's callback: its panels, when the view changes and the tab is active.
(The episode bands on the Breadth tab's participation chart are drawn by
``components.breadth.callbacks.update_charts``, the chart's one owner.)"""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output, no_update

from components.analogs.view import analogs_panel
from components.context import choices, get_service
from components.ids import Ids
from components.tabs import view_store
from components.url.query import from_store


def update_analogs(data: dict[str, Any] | None) -> tuple[Any, ...]:
    """Recompute when the view changes and the Analogs tab is active."""
    state = from_store(data)
    if state.tab != "analogs":
        return (no_update,) * 4
    svc = get_service()
    return analogs_panel(svc, state, choices(svc))


def register(app: Dash) -> None:
    """Register this tab's callback on ``app``."""
    app.callback(
        Output(Ids.ANALOG_SETUP, "children"),
        Output(Ids.ANALOG_SUMMARY, "children"),
        Output(Ids.ANALOG_FORWARD, "figure"),
        Output(Ids.ANALOG_TABLE, "children"),
        Input(view_store("analogs"), "data"),
        prevent_initial_call=True,  # its store is filled once its tab is active
    )(update_analogs)
