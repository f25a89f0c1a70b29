"""The RRG tab's "Download CSV": RS-Ratio, RS-Momentum and quadrant of every member per
period of the view's range (the ``export rrg`` table, same columns)."""

from __future__ import annotations

from components.context import rotation_service
from components.page.download import table_csv
from components.rrg.data import rrg_data
from components.url.fields import ViewState
from service.breadth import BreadthService
from service.exports import rrg_frame
from service.rotation import RrgParams


def view_csv(svc: BreadthService, state: ViewState) -> str:
    """CSV text of the RRG's members over the view's dates (weekly or daily periods)."""
    data = rrg_data(svc, state)
    frame = rrg_frame(
        rotation_service(svc),
        tuple(data.labels),
        data.benchmark or None,
        RrgParams(freq=state.rrg_freq),
        state.start,
        state.end,
    )
    return table_csv(frame, svc, state)


def file_name(state: ViewState) -> str:
    """rrg-<freq>-<start>-<end>.csv"""
    return f"rrg-{state.rrg_freq}-{state.start or 'start'}-{state.end or 'end'}.csv"
