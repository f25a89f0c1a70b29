"""The "Export report" buttons: the current view (its URL query string) as a standalone HTML
report, or as a zip of one PNG per chart plus that HTML. Built by reports/ with the page's
own figure builders."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, State, dcc, html, no_update

from components.ids import Ids


def report_controls() -> html.Div:
    """Two buttons and their download, placed under the controls."""
    return html.Div(
        [
            html.Span("Export report of this view:", className="control-label me-2 d-inline"),
            dbc.Button("HTML (interactive)", id=Ids.REPORT_HTML, size="sm", color="primary",
                       outline=True, className="me-1"),
            dbc.Button("PNG images (zip)", id=Ids.REPORT_PNG, size="sm", color="primary",
                       outline=True, className="me-2"),
            dcc.Loading(html.Span(id=Ids.REPORT_STATUS, className="small"), type="dot"),
            dcc.Download(id=Ids.REPORT_DOWNLOAD),
        ],
        className="d-flex flex-wrap align-items-center mb-3 report-controls",
    )  # fmt: skip


def html_report(svc: Any, search: str | None) -> tuple[dict[str, Any], str]:
    """(dcc.Download data, status text) of the HTML report of the view in ``search``."""
    from reports.build import build_report
    from reports.export import report_stem
    from reports.html import render_html

    report = build_report(svc, search)
    data = dcc.send_string(render_html(report), f"{report_stem(report)}.html")
    return data, f"Report of {report.state.universe}, {report.date_range}."


def png_report(svc: Any, search: str | None) -> tuple[dict[str, Any], str]:
    """(dcc.Download data, status text) of the zip of PNGs (+ HTML) of the view."""
    from reports.export import png_zip

    name, blob = png_zip(svc, search)
    return dcc.send_bytes(blob, name), f"{name}: one PNG per chart and the HTML report."


def install(app: Dash) -> None:
    """Register the export callback on ``app``."""
    from components.views import get_service
    from data.errors import BreadthError

    @app.callback(
        Output(Ids.REPORT_DOWNLOAD, "data"),
        Output(Ids.REPORT_STATUS, "children"),
        Input(Ids.REPORT_HTML, "n_clicks"),
        Input(Ids.REPORT_PNG, "n_clicks"),
        State(Ids.URL, "search"),
        prevent_initial_call=True,
    )
    def export(_html: int | None, _png: int | None, search: str | None) -> tuple[Any, Any]:
        from dash import ctx

        from server.fair_use import REPORTS, RateLimited, check

        build = png_report if ctx.triggered_id == Ids.REPORT_PNG else html_report
        try:
            check(REPORTS)  # per-client budget: a PNG report costs seconds of a worker
            return build(get_service(), search)
        except RateLimited as exc:
            return no_update, exc.message
        except BreadthError as exc:
            return no_update, f"Export failed: {exc}"
