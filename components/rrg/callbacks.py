"""The Rotation (RRG) tab's callback: redraw when the view changes and the tab is active."""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output, no_update

from components.context import get_service
from components.ids import Ids
from components.rrg.view import rrg_panel
from components.url.query import from_store


def update_rrg(data: dict[str, Any] | None) -> tuple[Any, ...]:
    """Redraw the RRG when the view changes and its tab is active."""
    state = from_store(data)
    if state.tab != "rrg":
        return (no_update,) * 4
    return rrg_panel(get_service(), state)


def register(app: Dash) -> None:
    """Register this tab's callback on ``app``."""
    app.callback(
        Output(Ids.RRG, "figure"),
        Output(Ids.RRG_END_LABEL, "children"),
        Output(Ids.RRG_NOTICE, "children"),
        Output(Ids.RRG_TABLE, "children"),
        Input(Ids.TAB_STATE, "data"),
    )(update_rrg)
