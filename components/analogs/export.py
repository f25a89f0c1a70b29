"""The Analogs tab's "Download CSV": each episode with its forward returns per pair (the
``export analogs`` forward table, same columns)."""

from __future__ import annotations

from components.context import choices, rotation_service
from components.page.download import table_csv
from components.url.fields import ViewState, claim_universes
from service.breadth import BreadthService
from service.exports import analogs_frame
from service.rotation import AnalogParams


def view_csv(svc: BreadthService, state: ViewState) -> str:
    """CSV text of the episodes and forward returns for the view's as-of date and thresholds."""
    universe = claim_universes(state, choices(svc))[0]
    params = AnalogParams(breadth_margin=state.analog_gap, near_high_pct=state.analog_near)
    frame = analogs_frame(rotation_service(svc), state.asof, universe, params)
    return table_csv(frame, svc, state)


def file_name(state: ViewState) -> str:
    """analogs-<as-of>.csv"""
    return f"analogs-{state.asof or 'latest'}.csv"
