"""Callbacks of the "Load real data" panel, registered per app by ``register(app)``.

The refresh is a Dash background callback: it runs in a separate process (DiskcacheManager
locally, Celery when configured: components/refresh/background.py), reports progress after every
download batch and can be cancelled. It lands by writing the new data version into the
``DATA_VERSION`` store; the chart callback takes that store as an Input, and the callbacks
here refresh the universe lists, the data badge and the simulated banner — no page reload.

Registered with ``app.callback`` (not ``dash.callback``) because the job reads this app's
settings and download seam from ``app.server.config`` (``DOWNLOAD_KEY``, set by tests to a
fake yfinance; ``LOCAL_KEY``, set by ``python app.py``). The job runs in a forked process,
where there is no Flask app context.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import dash_bootstrap_components as dbc
import flask
from dash import Dash, Input, Output, State, no_update

from components.context import service_of, settings_of
from components.ids import Ids
from components.page.controls import universe_options
from components.page.layout import data_info
from components.refresh.layout import page_mode
from service.catalog import universes
from service.refresh import RefreshProgress, open_store, progress_values, run_ui_refresh, token_ok

DOWNLOAD_KEY = "BREADTH_DOWNLOAD"
"""app.server.config key: a yfinance.download stand-in (tests), None for the real one."""
CANCEL_FILE = "ui-refresh.cancel"
SetProgress = Callable[[tuple[int, int, str, str]], None]
"""Dash's progress setter of a background callback (one value per progress output)."""


def _cancel_flag(server: flask.Flask) -> Path:
    return Path(settings_of(server).cache_dir) / CANCEL_FILE


def _alert(kind: str, message: str) -> dbc.Alert:
    return dbc.Alert(message, color=kind, dismissable=True, className="py-2 mb-2")


def refresh_job(
    server: flask.Flask,
    set_progress: SetProgress,
    n_clicks: int | None,
    universe: str | None,
    history: str | None,
    token: Any,
) -> tuple[Any, Any]:
    """The background job's body: (status alert, new DATA_VERSION data or no_update)."""
    settings = settings_of(server)
    mode = page_mode(server)
    if not n_clicks:
        return no_update, no_update
    if not isinstance(token, str | None):  # the UI sends text or null; anything else is crafted
        return _alert("danger", "Refresh not started: the token must be text."), no_update
    if not token_ok(settings, mode, token):
        why = "the refresh token is wrong" if mode == "token" else "it is turned off here"
        return _alert("danger", f"Refresh not started: {why}."), no_update
    flag = _cancel_flag(server)
    flag.unlink(missing_ok=True)

    def report(p: RefreshProgress) -> None:
        set_progress(progress_values(p))

    outcome = run_ui_refresh(
        open_store(settings),
        settings,
        universe or "sp500",
        history or "5y",
        download=server.config.get(DOWNLOAD_KEY),
        progress=report,
        cancel=flag.exists,
    )
    if outcome.version is None:
        return _alert(outcome.kind, outcome.message), no_update
    return _alert(outcome.kind, outcome.message), {
        "version": outcome.version,
        "universe": universe,
    }


def cancel_refresh(server: flask.Flask, n_clicks: int | None, token: Any = None) -> Any:
    """Ask a running job to stop after its batch (Dash also terminates the job process);
    the store keeps its version either way, because a refresh commits only at its end.
    Needs the same token as starting one: the flag stops whoever's job is running."""
    if not n_clicks:
        return no_update
    mode = page_mode(server)
    if not isinstance(token, str | None) or not token_ok(settings_of(server), mode, token):
        why = "the refresh token is wrong" if mode == "token" else "refresh is turned off here"
        return _alert("danger", f"Cancel refused: {why}.")
    flag = _cancel_flag(server)
    flag.parent.mkdir(parents=True, exist_ok=True)
    flag.touch()
    svc = service_of(server)
    version = svc.store.version if not svc.store.is_empty() else "(empty)"
    return _alert("info", f"Cancelled: nothing was written; the store stays at version {version}.")


def on_new_version(server: flask.Flask, data: dict[str, Any] | None) -> tuple[Any, ...]:
    """After a landing: new universe lists, the new badge and the panel's wording for real
    data (the URL sync picks the refreshed universe and the new data's default dates)."""

    svc = service_of(server)
    opts = universe_options(universes(svc))
    lead = "Fetch the latest bars from Yahoo Finance:"
    return opts, opts, data_info(svc.store.manifest()), lead, "Refresh data…"


def register(app: Dash) -> None:
    """Register the panel's callbacks on ``app`` (needs its background_callback_manager)."""
    server = app.server
    manager = getattr(app, "_background_manager", None)
    if settings_of(server).celery_broker_url and manager is not None:
        server.config["BREADTH_CELERY"] = manager.handle  # app.py exposes it to the worker

    @app.callback(
        Output(Ids.REFRESH_MODAL, "is_open"),
        Input(Ids.REFRESH_OPEN, "n_clicks"),
        Input(Ids.REFRESH_START, "n_clicks"),
        State(Ids.REFRESH_MODAL, "is_open"),
        prevent_initial_call=True,
    )
    def toggle_modal(_open: int | None, _start: int | None, is_open: bool | None) -> bool:
        return not is_open

    @app.callback(
        Output(Ids.REFRESH_STATUS, "children"),
        Output(Ids.DATA_VERSION, "data"),
        Input(Ids.REFRESH_START, "n_clicks"),
        State(Ids.REFRESH_UNIVERSE, "value"),
        State(Ids.REFRESH_HISTORY, "value"),
        State(Ids.REFRESH_TOKEN, "value"),
        background=True,
        progress=[
            Output(Ids.REFRESH_PROGRESS, "value"),
            Output(Ids.REFRESH_PROGRESS, "max"),
            Output(Ids.REFRESH_PROGRESS, "label"),
            Output(Ids.REFRESH_PROGRESS_TEXT, "children"),
        ],
        progress_default=[0, 1, "", "starting: checking that Yahoo Finance answers…"],
        running=[
            (Output(Ids.REFRESH_OPEN, "disabled"), True, False),
            (Output(Ids.REFRESH_CANCEL, "disabled"), False, True),
            (Output(Ids.REFRESH_PROGRESS_BOX, "style"), {"display": "block"}, {"display": "none"}),
        ],
        cancel=[Input(Ids.REFRESH_CANCEL, "n_clicks")],
        prevent_initial_call=True,
    )
    def start_refresh(
        set_progress: SetProgress,
        n: int | None,
        universe: str | None,
        history: str | None,
        tok: Any,
    ) -> tuple[Any, Any]:
        return refresh_job(server, set_progress, n, universe, history, tok)

    @app.callback(
        Output(Ids.REFRESH_STATUS, "children", allow_duplicate=True),
        Input(Ids.REFRESH_CANCEL, "n_clicks"),
        State(Ids.REFRESH_TOKEN, "value"),
        prevent_initial_call=True,
    )
    def cancel(n: int | None, tok: Any) -> Any:
        return cancel_refresh(server, n, tok)

    @app.callback(
        Output(Ids.UNIVERSE, "options"),
        Output(Ids.COMPARE, "options"),
        Output(Ids.DATA_INFO, "children"),
        Output(Ids.REFRESH_LEAD, "children"),
        Output(Ids.REFRESH_OPEN, "children"),
        Input(Ids.DATA_VERSION, "data"),
        prevent_initial_call=True,
    )
    def new_version(data: dict[str, Any] | None) -> tuple[Any, ...]:
        return on_new_version(server, data)

    @app.callback(
        Output(Ids.BANNER, "is_open"),
        Input(Ids.DATA_VERSION, "data"),
        prevent_initial_call=True,
    )
    def hide_banner(_data: Any) -> bool:
        svc = service_of(server)
        return bool(svc.store.manifest().get("simulated"))

    @app.callback(
        Output(Ids.REFRESH_RELOAD, "href"),
        Input(Ids.DATA_VERSION, "data"),
        prevent_initial_call=True,
    )
    def reload_page(_data: Any) -> str:
        return "/"
