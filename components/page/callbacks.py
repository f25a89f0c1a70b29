"""The page's own callback: the "View settings" button folds the controls on phones."""

from __future__ import annotations

from dash import ClientsideFunction, Dash, Input, Output, State

from components.ids import Ids


def register(app: Dash) -> None:
    """Register the page's callbacks on ``app`` (clientside: assets/phone.js)."""
    app.clientside_callback(
        ClientsideFunction(namespace="page", function_name="toggleSettings"),
        Output(Ids.SETTINGS, "is_open"),
        Output(Ids.SETTINGS_TOGGLE, "aria-expanded"),
        Input(Ids.SETTINGS_TOGGLE, "n_clicks"),
        State(Ids.SETTINGS, "is_open"),
        prevent_initial_call=True,
    )
