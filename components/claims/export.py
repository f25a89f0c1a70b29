"""The Claim check tab's "Download CSV": the claim table of the view (the ``export claims``
table, same columns)."""

from __future__ import annotations

from components.context import choices, rotation_service
from components.page.download import table_csv
from components.url.fields import ViewState, claim_universes
from service.breadth import BreadthService


def view_csv(svc: BreadthService, state: ViewState) -> str:
    """CSV text of the claims for the view's as-of date and universes."""
    universe, compare = claim_universes(state, choices(svc))
    frame = rotation_service(svc).claims(state.asof, universe, compare)
    return table_csv(frame, svc, state)


def file_name(state: ViewState) -> str:
    """claims-<as-of>.csv"""
    return f"claims-{state.asof or 'latest'}.csv"
