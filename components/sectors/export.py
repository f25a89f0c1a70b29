"""The Sectors tab's "Download CSV": the ``export sectors`` table of the view (universe,
window, dates), same columns, then the page's metadata columns."""

from __future__ import annotations

import pandas as pd

from components.page.download import table_csv
from components.url.fields import ViewState
from service import sectors
from service.breadth import BreadthService


def view_csv(svc: BreadthService, state: ViewState) -> str:
    """CSV text: date, sector, members_with_data, pct_above_<n>dma for the view (no rows when
    the store has no sector assignments)."""
    n = state.sector_window
    if not sectors.has_sectors(svc):
        columns = ["date", "sector", "members_with_data", f"pct_above_{n}dma"]
        return table_csv(pd.DataFrame(columns=columns), svc, state)
    frame = sectors.export_frame(svc, state.universe, n, state.start, state.end)
    return table_csv(frame, svc, state)


def file_name(state: ViewState) -> str:
    """sectors-<universe>-<n>dma.csv"""
    return f"sectors-{state.universe}-{state.sector_window}dma.csv"
