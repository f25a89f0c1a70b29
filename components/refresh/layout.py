"""The "Load real data" panel: a button, a modal (universe, history length, token), a progress
bar with a cancel button, a status line and the data-version store the charts listen to.

Its callbacks are in components/refresh/callbacks.py; the job itself in service/refresh.py.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import dash_bootstrap_components as dbc
import flask
from dash import dcc, html
from dash.development.base_component import Component

from components.ids import Ids
from server.context import settings_of
from service.breadth import BreadthService
from service.refresh import (
    DEFAULT_HISTORY,
    DEFAULT_UNIVERSE,
    HISTORY_CHOICES,
    Mode,
    UniverseChoice,
    refresh_mode,
    universe_choices,
)

HISTORY_LABELS = {"1y": "1 year", "3y": "3 years", "5y": "5 years", "10y": "10 years"}
OFF_TEXT = (
    "Refreshing from the page is turned off on this server; the operator refreshes the "
    "store on a schedule (python cli.py refresh)."
)


def age_text(last_date: str | None, today: date | None = None) -> str:
    """'as of 2026-08-03 · 2 days old' (calendar days since the last stored session)."""
    if not last_date:
        return "no data"
    days = ((today or date.today()) - date.fromisoformat(last_date)).days
    age = "today" if days <= 0 else "1 day old" if days == 1 else f"{days:,} days old"
    return f"As of {last_date} · {age}"


def _modal(choices: list[UniverseChoice], mode: Mode, simulated: bool) -> dbc.Modal:
    token = (
        [
            dbc.Label("Refresh token", html_for=Ids.REFRESH_TOKEN, className="mt-2"),
            dbc.Input(id=Ids.REFRESH_TOKEN, type="password", autocomplete="off"),
            dbc.FormText("Set by the operator (BREADTH_REFRESH_TOKEN)."),
        ]
        if mode == "token"
        else [dcc.Input(id=Ids.REFRESH_TOKEN, type="hidden", value="")]
    )
    names = [c.name for c in choices]
    default = DEFAULT_UNIVERSE if DEFAULT_UNIVERSE in names else (names[0] if names else None)
    replaces = (
        " It replaces the simulated demo market once it lands." if simulated else " Incremental."
    )
    body = [
        dbc.Label("Universe", html_for=Ids.REFRESH_UNIVERSE),
        dcc.Dropdown(
            id=Ids.REFRESH_UNIVERSE,
            options=[{"label": c.label, "value": c.name} for c in choices],
            value=default,
            clearable=False,
        ),
        dbc.Label("History", html_for=Ids.REFRESH_HISTORY, className="mt-2"),
        dbc.RadioItems(
            id=Ids.REFRESH_HISTORY,
            inline=True,
            value=DEFAULT_HISTORY,
            options=[
                {"label": HISTORY_LABELS.get(k, "since 2000"), "value": k} for k in HISTORY_CHOICES
            ],
        ),
        *token,
        html.P(
            "Prices come from Yahoo Finance (adjusted daily bars), in batches, in the "
            "background: the page stays usable and the charts switch when it lands." + replaces,
            className="small text-muted mt-2 mb-0",
        ),
    ]
    return dbc.Modal(
        [
            dbc.ModalHeader(dbc.ModalTitle("Load real data")),
            dbc.ModalBody(body),
            dbc.ModalFooter(dbc.Button("Start", id=Ids.REFRESH_START, color="primary")),
        ],
        id=Ids.REFRESH_MODAL,
        is_open=False,
    )


def refresh_panel(
    manifest: dict[str, Any], mode: Mode, choices: list[UniverseChoice], *, reload: bool = False
) -> html.Div:
    """The panel; ``reload`` (the empty-store page) reloads the page when data lands."""
    simulated = bool(manifest.get("simulated")) or not manifest
    version = manifest.get("version")
    parts: list[Component] = [dcc.Store(id=Ids.DATA_VERSION, data=version)]
    if reload:
        parts.append(dcc.Location(id=Ids.REFRESH_RELOAD, refresh=True))
    if mode == "off":
        if simulated:
            parts.append(html.P(OFF_TEXT, className="small text-muted mb-2"))
        return html.Div(parts, className="refresh-panel")
    lead = (
        "This page shows simulated data (or none). Load real prices from Yahoo Finance:"
        if simulated
        else "Fetch the latest bars from Yahoo Finance:"
    )
    parts += [
        html.Div(
            [
                html.Span(lead, id=Ids.REFRESH_LEAD, className="me-2"),
                dbc.Button(
                    "Load real data…" if simulated else "Refresh data…",
                    id=Ids.REFRESH_OPEN,
                    color="primary" if simulated else "secondary",
                    size="sm",
                    outline=not simulated,
                ),
            ],
            className="d-flex flex-wrap align-items-center gap-1 mb-2",
        ),
        _modal(choices, mode, simulated),
        html.Div(
            [
                dbc.Progress(
                    id=Ids.REFRESH_PROGRESS, value=0, max=1, label="", striped=True, animated=True
                ),
                html.Div(
                    [
                        html.Span("starting…", id=Ids.REFRESH_PROGRESS_TEXT, className="small"),
                        dbc.Button(
                            "Cancel",
                            id=Ids.REFRESH_CANCEL,
                            color="danger",
                            outline=True,
                            size="sm",
                            disabled=True,
                            className="ms-2",
                        ),
                    ],
                    className="d-flex align-items-center mt-1",
                ),
            ],
            id=Ids.REFRESH_PROGRESS_BOX,
            style={"display": "none"},
            className="mb-2",
        ),
        html.Div(id=Ids.REFRESH_STATUS),
    ]
    return html.Div(parts, className="refresh-panel")


def page_mode(server: flask.Flask) -> Mode:
    """The refresh mode of an app (service.refresh.refresh_mode; ``BREADTH_LOCAL`` is set in
    the Flask config by ``python app.py``)."""
    settings = settings_of(server)
    return refresh_mode(settings, local=bool(server.config.get("BREADTH_LOCAL")))


def page_panel(svc: BreadthService, *, reload: bool = False) -> html.Div:
    """The panel for the current app and its store (called by the layout, per request)."""
    store = svc.store
    manifest = {} if store.is_empty() else store.manifest()
    mode = page_mode(flask.current_app)
    return refresh_panel(manifest, mode, universe_choices(store), reload=reload)
