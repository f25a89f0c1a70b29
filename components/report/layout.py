"""The "Export report" buttons and their download, placed under the controls."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from components.ids import Ids


def report_controls() -> html.Div:
    """Two buttons and their download, placed under the controls."""
    return html.Div(
        [
            html.Span("Export report of this view:", className="control-label me-2 d-inline"),
            dbc.Button(
                "HTML (interactive)",
                id=Ids.REPORT_HTML,
                size="sm",
                color="primary",
                outline=True,
                className="me-1",
            ),
            dbc.Button(
                "PNG images (zip)",
                id=Ids.REPORT_PNG,
                size="sm",
                color="primary",
                outline=True,
                className="me-2",
            ),
            dcc.Loading(html.Span(id=Ids.REPORT_STATUS, className="small"), type="dot"),
            dcc.Download(id=Ids.REPORT_DOWNLOAD),
        ],
        className="d-flex flex-wrap align-items-center mb-3 report-controls",
    )
