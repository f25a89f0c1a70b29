""" "Download CSV": the active tab's table, from that tab's ``export.py``.

Every tab's CSV ends with the same three columns, constant on every row, that say what the
file is: ``view`` (the page's query string, which reopens the view), ``data_version`` and
``simulated``. Metadata sits in columns, not in a comment line a spreadsheet would read as
a data row.
"""

from __future__ import annotations

import io
from typing import Any

import pandas as pd
from dash import ClientsideFunction, Dash, Input, Output, State, dcc

from components.context import get_service
from components.ids import Ids
from components.page.tabs import parts
from components.url.fields import ViewState
from components.url.query import from_store, to_query
from data.csvsafe import safe_frame
from service.breadth import BreadthService

META_COLUMNS: tuple[str, ...] = ("view", "data_version", "simulated")


def table_csv(frame: pd.DataFrame, svc: BreadthService, state: ViewState) -> str:
    """CSV text of ``frame`` (a date index becomes the first column, ``date``) with the
    META_COLUMNS appended; text that a spreadsheet would run as a formula is neutralised."""
    dated = isinstance(frame.index, pd.DatetimeIndex)
    table = frame.rename_axis("date").reset_index() if dated else frame.reset_index(drop=True)
    table = table.assign(
        view=to_query(state),
        data_version=svc.version(),
        simulated=svc.simulated(),
    )
    buf = io.StringIO()
    safe_frame(table).to_csv(buf, index=False, date_format="%Y-%m-%d", float_format="%.6g")
    return buf.getvalue()


def download_csv(
    n_clicks: int | None,
    view: dict[str, Any] | None,
    rng: dict[str, Any] | None,
    tabs: dict[str, Any] | None,
) -> dict[str, Any]:
    """The CSV of the active tab for the current view."""
    state = from_store({**(view or {}), **(rng or {}), **(tabs or {})})
    tab = parts(state.tab)
    return dcc.send_string(tab.view_csv(get_service(), state), tab.file_name(state))


def register(app: Dash) -> None:
    """Register the download and copy-link callbacks on ``app``."""
    app.callback(
        Output(Ids.DOWNLOAD, "data"),
        Input(Ids.DOWNLOAD_BUTTON, "n_clicks"),
        State(Ids.VIEW, "data"),
        State(Ids.RANGE, "data"),
        State(Ids.TAB_STATE, "data"),
        prevent_initial_call=True,
    )(download_csv)
    app.clientside_callback(
        ClientsideFunction(namespace="share", function_name="copyLink"),
        Output(Ids.COPY_STATUS, "children"),
        Input(Ids.COPY_LINK, "n_clicks"),
        prevent_initial_call=True,
    )
