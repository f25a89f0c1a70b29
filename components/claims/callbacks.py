"""The Claim check tab's callback: recompute the table when the view changes and the tab
is active."""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output, no_update

from components.claims.view import claims_panel
from components.context import choices, get_service
from components.ids import Ids
from components.tabs import view_store
from components.url.query import from_store


def update_claims(data: dict[str, Any] | None) -> Any:
    """Recompute the table when the view changes and the Claim check tab is active."""
    state = from_store(data)
    if state.tab != "claims":
        return no_update
    svc = get_service()
    return claims_panel(svc, state, choices(svc))


def register(app: Dash) -> None:
    """Register this tab's callback on ``app``."""
    app.callback(
        Output(Ids.CLAIM_TABLE, "children"),
        Input(view_store("claims"), "data"),
        prevent_initial_call=True,  # its store is filled once its tab is active
    )(update_claims)
