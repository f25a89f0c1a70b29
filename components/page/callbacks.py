"""The page's own callbacks, clientside (assets/page.js): the "View settings" button folds
the controls on phones; the control groups that change nothing on the active tab
(``components.page.controls.IDLE_ON``) are hidden there, with a line saying why (from the
layout's table of them, ``idle_table``: a tab click asked the server for them, and that
request left only once the new tab's chart was drawn, 0.1 s on bench T3's RRG click)."""

from __future__ import annotations

from typing import Any

from dash import ClientsideFunction, Dash, Input, Output, State

from components.ids import Ids
from components.page.controls import IDLE_ON


def register(app: Dash) -> None:
    """Register the page's callbacks on ``app``."""
    app.clientside_callback(
        ClientsideFunction(namespace="page", function_name="toggleSettings"),
        Output(Ids.SETTINGS, "is_open"),
        Output(Ids.SETTINGS_TOGGLE, "aria-expanded"),
        Input(Ids.SETTINGS_TOGGLE, "n_clicks"),
        State(Ids.SETTINGS, "is_open"),
        prevent_initial_call=True,
    )
    outputs: list[Any] = [Output(i, "style") for i in IDLE_ON]
    app.clientside_callback(
        ClientsideFunction(namespace="page", function_name="idle"),
        *outputs,
        Output(Ids.IDLE_CONTROLS_NOTE, "style"),
        Output(f"{Ids.IDLE_CONTROLS_NOTE}-text", "children"),
        Input(Ids.TABS, "data"),
        State(Ids.IDLE_TABLE, "data"),
    )
