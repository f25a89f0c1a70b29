"""Per-request guards on the Flask server behind Dash.

- Every request reads the store through ONE manifest (``GuardedStore.pinned``), so a callback
  response is computed from one data version even while a refresh swaps the store; the
  version goes back in the ``X-Data-Version`` response header (what the load test checks).
- Any exception that escapes a view (a callback bug, an unexpected store error) is logged with
  its traceback on the server and answered with a generic 500 body: no stack trace, no
  exception text, reaches a browser, whatever the debug setting of Flask.
- A ``/_dash-component-suites/`` path that names no registered file is a plain 404, logged on
  one line without a traceback (Dash raises ``DependencyException`` with every registered
  path in its text: ≈3 KB per probe in the log otherwise).
"""

from __future__ import annotations

import contextlib
import logging
from typing import Any

import flask
from dash.exceptions import DependencyException
from werkzeug.exceptions import HTTPException

from data.store import Store

log = logging.getLogger(__name__)

VERSION_HEADER = "X-Data-Version"
GENERIC_ERROR = "Internal error: the server could not answer this request. It has been logged."
_PIN = "breadth_store_pin"
SUITES = "/_dash-component-suites/"
NOT_FOUND = "Not found."


def install(server: flask.Flask, store: Store) -> None:
    """Add the request hooks and the error handler to ``server`` for ``store``."""
    pinned = getattr(store, "pinned", None)

    @server.before_request
    def _pin_store() -> None:
        if pinned is None:
            return
        cm = pinned()
        flask.g.setdefault(_PIN, cm)
        flask.g.data_version = cm.__enter__()

    @server.after_request
    def _version_header(response: flask.Response) -> flask.Response:
        version = flask.g.get("data_version")
        if version:
            response.headers[VERSION_HEADER] = version
        return response

    @server.teardown_request
    def _unpin_store(exc: BaseException | None) -> None:
        cm = flask.g.pop(_PIN, None)
        if cm is not None:
            with contextlib.suppress(Exception):
                cm.__exit__(None, None, None)

    @server.errorhandler(Exception)
    def _generic_error(exc: Exception) -> Any:
        if isinstance(exc, HTTPException):  # 404, 405, 413...: werkzeug's plain pages
            return exc
        path = flask.request.path
        if path.startswith(SUITES) and isinstance(exc, DependencyException | OSError):
            log.info("404 %s (%s)", path[:200], type(exc).__name__)  # a probe: no traceback
            return flask.Response(NOT_FOUND, status=404, mimetype="text/plain")
        log.exception("unhandled error in %s %s", flask.request.method, flask.request.path)
        return flask.Response(GENERIC_ERROR, status=500, mimetype="text/plain")
