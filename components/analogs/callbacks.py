"""The Analogs tab's callbacks: the tab's panels, and the episode bands on the Breadth
tab's participation chart."""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output, no_update

from components.analogs.view import analogs_panel, episode_patch
from components.context import choices, get_service
from components.ids import Ids
from components.url.query import from_store


def update_analogs(data: dict[str, Any] | None) -> tuple[Any, ...]:
    """Recompute when the view changes and the Analogs tab is active."""
    state = from_store(data)
    if state.tab != "analogs":
        return (no_update,) * 4
    svc = get_service()
    return analogs_panel(svc, state, choices(svc))


def mark_episodes(coverage: Any, data: dict[str, Any] | None) -> Any:
    """Shade the episodes on the participation chart (after each rebuild or option change)."""
    state = from_store(data)
    if not data or state.tab != "breadth":
        return no_update
    svc = get_service()
    return episode_patch(svc, state, choices(svc))


def register(app: Dash) -> None:
    """Register this tab's callbacks on ``app``."""
    app.callback(
        Output(Ids.ANALOG_SETUP, "children"),
        Output(Ids.ANALOG_SUMMARY, "children"),
        Output(Ids.ANALOG_FORWARD, "figure"),
        Output(Ids.ANALOG_TABLE, "children"),
        Input(Ids.TAB_STATE, "data"),
    )(update_analogs)
    app.callback(
        Output(Ids.PARTICIPATION, "figure", allow_duplicate=True),
        Input(Ids.COVERAGE, "children"),
        Input(Ids.TAB_STATE, "data"),
        prevent_initial_call=True,
    )(mark_episodes)
