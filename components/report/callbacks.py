"""The "Export report" callback: the current view (its URL query string) as a standalone
HTML report, or as a zip of one PNG per chart plus that HTML (``components.report``, the
page's own builders). Registered per app by ``register(app)``."""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output, State, ctx, dcc, no_update

from components.context import get_service
from components.ids import Ids
from components.report.build import build_report
from components.report.export import png_zip, report_stem
from components.report.html import render_html
from data.errors import BreadthError
from service.breadth import BreadthService


def html_report(svc: BreadthService, search: str | None) -> tuple[dict[str, Any], str]:
    """(dcc.Download data, status text) of the HTML report of the view in ``search``."""
    report = build_report(svc, search)
    data = dcc.send_string(render_html(report), f"{report_stem(report)}.html")
    return data, f"{report.title}."  # names the tab and what it covers (e.g. the as-of date)


def png_report(svc: BreadthService, search: str | None) -> tuple[dict[str, Any], str]:
    """(dcc.Download data, status text) of the zip of PNGs (+ HTML) of the view."""
    name, blob = png_zip(svc, search)
    return dcc.send_bytes(blob, name), f"{name}: one PNG per chart and the HTML report."


def register(app: Dash) -> None:
    """Register the export callback on ``app``."""

    @app.callback(
        Output(Ids.REPORT_DOWNLOAD, "data"),
        Output(Ids.REPORT_STATUS, "children"),
        Input(Ids.REPORT_HTML, "n_clicks"),
        Input(Ids.REPORT_PNG, "n_clicks"),
        State(Ids.URL, "search"),
        prevent_initial_call=True,
    )
    def export(_html: int | None, _png: int | None, search: str | None) -> tuple[Any, Any]:
        from server.fair_use import REPORTS, RateLimited, check

        build = png_report if ctx.triggered_id == Ids.REPORT_PNG else html_report
        try:
            check(REPORTS)  # per-client budget: a PNG report costs seconds of a worker
            return build(get_service(), search)
        except RateLimited as exc:
            return no_update, exc.message
        except BreadthError as exc:
            return no_update, f"Export failed: {exc}"
