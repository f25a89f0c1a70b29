"""The Breadth tab's "Download CSV": exactly what its charts show, over the view's dates.

The columns are each chart's ``Chart.columns`` (components/breadth/columns.py), in page
order; the page's metadata columns end every row (``components.page.download``).
"""

from __future__ import annotations

import pandas as pd

from components.breadth.views import query
from components.charts import charts_of
from components.page.download import table_csv
from components.url.fields import ViewState
from service.breadth import BreadthService


def view_frame(svc: BreadthService, state: ViewState) -> pd.DataFrame:
    """One row per session of the view; the columns of every Breadth chart."""
    index = svc.breadth(query(state)).index
    parts = [c.columns(svc, state) for c in charts_of("breadth") if c.columns is not None]
    out = pd.concat([p.reindex(index) for p in parts if not p.empty], axis=1)
    # a column two charts both carry (eligible_200dma, new_highs_52w: the same values from
    # the same frame) is written once, where it first appears
    out = out.loc[:, ~out.columns.duplicated()]
    start = pd.Timestamp(state.start) if state.start else None
    end = pd.Timestamp(state.end) if state.end else None
    return out.loc[start:end]


def view_csv(svc: BreadthService, state: ViewState) -> str:
    """CSV text of ``view_frame`` with the metadata columns."""
    return table_csv(view_frame(svc, state), svc, state)


def file_name(state: ViewState) -> str:
    """breadth-<universe>-<start>-<end>.csv"""
    return f"breadth-{state.universe}-{state.start or 'start'}-{state.end or 'end'}.csv"
