"""The Rotation (RRG) tab's callbacks: redraw when the view changes and the tab is active
(labels placed for the graph's width, measured in the browser); clientside (assets/rrg.js),
measure that width and highlight the series under the mouse (plot or legend)."""

from __future__ import annotations

from typing import Any

from dash import ClientsideFunction, Dash, Input, Output, State, no_update

from components.context import get_service
from components.ids import Ids
from components.rrg.view import cached_rrg_panel
from components.tabs import view_store
from components.url.query import from_store


def update_rrg(
    data: dict[str, Any] | None, redraw: Any = None, width: Any = None
) -> tuple[Any, ...]:
    """Redraw the RRG when the view changes and its tab is active, or when a window resize
    changed the shown graph's width (``redraw``, assets/rrg.js) (``data``: the tab's own
    store; ``width``: the graph's, in pixels, as the browser measured it last; the report's
    width when unknown)."""
    state = from_store(data)
    if state.tab != "rrg":
        return (no_update,) * 4
    return cached_rrg_panel(get_service(), state, width=graph_width(width))


def graph_width(value: Any) -> int | None:
    """A measured width in pixels, or None when missing or implausible."""
    if isinstance(value, int | float) and not isinstance(value, bool) and 200 <= value <= 4000:
        return int(value)
    return None


def register(app: Dash) -> None:
    """Register this tab's callback on ``app``."""
    app.callback(
        Output(Ids.RRG, "figure"),
        Output(Ids.RRG_END_LABEL, "children"),
        Output(Ids.RRG_NOTICE, "children"),
        Output(Ids.RRG_TABLE, "children"),
        Input(view_store("rrg"), "data"),
        # set with the width after a window resize that changed the graph's while shown: its
        # labels and legend are laid out for a width (a phone turned, a window narrowed)
        Input(Ids.RRG_REDRAW, "data"),
        # measured at the load, on every tab change and after a window resize (clientside):
        # a State, so a tab click does not fire this callback twice
        State(Ids.RRG_WIDTH, "data"),
        prevent_initial_call=True,  # its store is filled once its tab is active
    )(update_rrg)
    app.clientside_callback(
        ClientsideFunction(namespace="rrg", function_name="width"),
        Output(Ids.RRG_WIDTH, "data"),
        Input(Ids.TABS, "data"),
        State(Ids.RRG, "id"),
        State(Ids.RRG_WIDTH, "data"),
        State(Ids.RRG_WIDTH, "id"),  # written again after a window resize (assets/rrg.js)
        State(Ids.RRG_REDRAW, "id"),  # and this one too, when the graph is shown
    )
    app.clientside_callback(
        ClientsideFunction(namespace="rrg", function_name="focus"),
        Output(Ids.RRG_FOCUS, "data"),
        Input(Ids.RRG, "hoverData"),
        Input(Ids.RRG, "figure"),
        State(Ids.RRG, "id"),
    )
