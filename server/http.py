"""The HTTP boundary of the app for hosting: compression, a body limit, security headers.

``flask_server(settings)`` makes the Flask server Dash is built on, configured before Dash
turns on flask-compress (``Dash(compress=True)`` reads ``COMPRESS_*`` once, at init): brotli
when the ``brotli`` module is installed, gzip otherwise; JSON, JS, CSS and HTML only; static
files compressed once per worker (server/static_compress.py).
``install(app, settings)`` then adds, once every callback is registered:

- ``MAX_CONTENT_LENGTH`` (``BREADTH_MAX_REQUEST_KB``): a body announced larger is answered
  ``413`` in plain text before anything reads it; a chunked one (no Content-Length) is read up
  to the limit by ``ChunkedBodyLimit`` and answered 413 when it goes past (werkzeug alone
  would silently truncate it, and Dash would answer 400 on the cut JSON).
- On every response: ``Content-Security-Policy`` (below), ``X-Content-Type-Options: nosniff``,
  ``Referrer-Policy: same-origin``, ``X-Frame-Options: DENY`` (when ``frame-ancestors`` is
  ``'none'``), ``Cross-Origin-Opener-Policy: same-origin``.
- ``lang="en"`` on the page's ``<html>``.
- ``page_query()``: the page's own query string, read from the layout request's Referer
  (``serve_layout`` shows that view at once; ``Vary: Referer``).
- The page without Dash's ``@babel/polyfill`` (core-js 2 and the regenerator runtime, for
  browsers before ES2017): evaluating it took ~0.3 s of a first load in headless Chromium on
  the 2-core bench machine, and its ``String.prototype.trim`` replaced the native one that
  plotly.js calls. The one global the bundles need from it, ``regeneratorRuntime`` (called by
  dash-renderer and dcc when a component loads, and bundled by dash-bootstrap-components
  itself), comes from ``assets/00-regenerator-runtime-<version>.js`` (npm, MIT), which loads
  before dash-renderer. Done through ``Dash.interpolate_index``, Dash's documented hook.
- ``ProxyFix`` for ``BREADTH_PROXY_HOPS`` trusted proxies, so ``request.remote_addr`` (the
  key of the per-client rate limits, server/fair_use.py) is the client's, not nginx's.

The CSP allows scripts from this origin plus the SHA-256 of Dash's one inline script (``var
renderer = new DashRenderer();``, from ``Dash.csp_hashes``): no ``'unsafe-inline'`` and no
``'unsafe-eval'`` for scripts; the charts draw without either (tests/browser/test_csp.py).
Styles keep ``'unsafe-inline'``: the renderer, dcc and Plotly.js insert ``<style>`` elements
at run time (tried: ``style-src 'self'`` alone, or with ``style-src-attr 'unsafe-inline'``,
logs ~40-50 CSP violations from dash_renderer and unstyled widgets); it allows CSS, never script.
"""

from __future__ import annotations

import importlib.util
import io
import re
from typing import Any
from urllib.parse import urlsplit

import flask
from dash import Dash
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.middleware.proxy_fix import ProxyFix

from server import static_compress
from settings import Settings

COMPRESS_MIMETYPES = [
    "application/json",
    "application/javascript",
    "text/javascript",
    "text/css",
    "text/html",
    "text/plain",
    "image/svg+xml",
]


def compress_algorithms() -> list[str]:
    """brotli first when its module is installed (≈15 % smaller than gzip on the bundles)."""
    return ["br", "gzip"] if importlib.util.find_spec("brotli") else ["gzip"]


def flask_server(name: str) -> flask.Flask:
    """The Flask server for ``Dash(server=...)``, with flask-compress configured."""
    server = flask.Flask(name)
    server.config.update(
        COMPRESS_ALGORITHM=compress_algorithms(),
        COMPRESS_ALGORITHM_STREAMING=compress_algorithms(),  # /assets/ files are streamed
        COMPRESS_MIMETYPES=COMPRESS_MIMETYPES,
        COMPRESS_BR_LEVEL=5,  # ≈ gzip -9's size on JS at a fraction of the CPU
        COMPRESS_LEVEL=6,
        COMPRESS_MIN_SIZE=500,
        COMPRESS_CACHE_KEY=static_compress.cache_key,  # static files compressed once
        COMPRESS_CACHE_BACKEND=static_compress.StaticOnly,
    )
    return server


def content_security_policy(app: Dash, settings: Settings) -> str:
    """The CSP header value (call after every callback is registered)."""
    scripts = " ".join(["'self'", *app.csp_hashes("sha256")])
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src {scripts}",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "worker-src 'self' blob:",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            f"frame-ancestors {settings.frame_ancestors}",
        ]
    )


def page_query() -> str:
    """The query string (``"?u=sp500&tab=rrg"``, or ``""``) of the page that made this request:
    its ``Referer``'s (the page's ``Referrer-Policy: same-origin`` sends the whole address
    with a same-origin request, as the layout request always is); ``""`` without one, with
    one that is no URL, or outside a request. The page's layout request reads it
    (``serve_layout``), so the response varies by it (``Vary: Referer``). The host is not
    compared: nginx passes ``$host``, without the port the browser names, and a Referer
    naming another host is the client's own doing; either way it shapes only that client's
    layout, which parses it as it would the address itself (a bad value: one notice)."""
    if not flask.has_request_context():
        return ""
    flask.after_this_request(_vary_by_referer)
    try:
        query = urlsplit(flask.request.referrer or "").query
    except ValueError:  # e.g. "http://[x/": not a URL
        return ""
    return f"?{query}" if query else ""


def _vary_by_referer(response: flask.Response) -> flask.Response:
    response.vary.add("Referer")
    return response


def security_headers(app: Dash, settings: Settings) -> dict[str, str]:
    """Headers put on every response."""
    headers = {
        "Content-Security-Policy": content_security_policy(app, settings),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "Cross-Origin-Opener-Policy": "same-origin",
    }
    if settings.frame_ancestors == "'none'":
        headers["X-Frame-Options"] = "DENY"
    return headers


TOO_LARGE = "breadth.body_too_large"
"""WSGI environ flag: ``ChunkedBodyLimit`` found a chunked body over the limit."""


class ChunkedBodyLimit:
    """WSGI middleware: a body without Content-Length is read up to ``limit`` + 1 bytes and
    handed on as a sized body, or flagged (``TOO_LARGE``) and replaced by nothing."""

    def __init__(self, app: Any, limit: int) -> None:
        self.app, self.limit = app, limit

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        if not environ.get("CONTENT_LENGTH") and (chunked or environ.get("wsgi.input_terminated")):
            stream = environ["wsgi.input"]
            data = b""
            while len(data) <= self.limit:
                chunk = stream.read(min(65536, self.limit + 1 - len(data)))
                if not chunk:
                    break
                data += chunk
            if len(data) > self.limit:
                environ[TOO_LARGE] = True
                data = b""
            environ["wsgi.input"] = io.BytesIO(data)
            environ["CONTENT_LENGTH"] = str(len(data))
            environ.pop("wsgi.input_terminated", None)
            environ.pop("HTTP_TRANSFER_ENCODING", None)
        return self.app(environ, start_response)


def too_large_message(settings: Settings) -> str:
    return f"Request too large: this server reads at most {settings.max_request_kb} KiB."


def install(app: Dash, settings: Settings) -> dict[str, str]:
    """Body limit, security headers, ``lang="en"``, ProxyFix on ``app`` (last in create_app).

    Returns the headers set on every response."""
    server = app.server
    limit = settings.max_request_kb * 1024
    server.config["MAX_CONTENT_LENGTH"] = limit
    server.wsgi_app = ChunkedBodyLimit(server.wsgi_app, limit)
    if settings.proxy_hops:
        hops = settings.proxy_hops
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    app.index_string = app.index_string.replace("<html>", '<html lang="en">', 1)
    _without_babel_polyfill(app)
    headers = security_headers(app, settings)
    message = too_large_message(settings)

    def _refuse_large_body() -> Any:
        length = flask.request.content_length
        if flask.request.environ.get(TOO_LARGE) or (length is not None and length > limit):
            return _too_large(message)
        return None

    # first of the request hooks: nothing (store pin, warm-up wait) runs for a refused body
    server.before_request_funcs.setdefault(None, []).insert(0, _refuse_large_body)

    @server.errorhandler(RequestEntityTooLarge)
    def _too_large_error(_exc: RequestEntityTooLarge) -> flask.Response:
        return _too_large(message)  # a chunked body cut off while Dash read it

    # after flask-compress's hook is registered, so it runs before it (Flask runs them in
    # reverse): /assets/ files reach the compressor read, and so are cached
    server.after_request(static_compress.materialize)

    @server.after_request
    def _headers(response: flask.Response) -> flask.Response:
        for name, value in headers.items():
            response.headers.setdefault(name, value)
        return response

    return headers


BABEL_POLYFILL = re.compile(r'<script src="[^"]*/deps/polyfill@[^"]*"></script>\s*')
"""Dash's script tag of @babel/polyfill in the page's ``scripts``."""


def _without_babel_polyfill(app: Dash) -> None:
    """Drop Dash's @babel/polyfill script from the page (see the module docstring)."""
    interpolate = app.interpolate_index

    def page(**kwargs: Any) -> str:
        kwargs["scripts"] = BABEL_POLYFILL.sub("", str(kwargs.get("scripts", "")), count=1)
        return str(interpolate(**kwargs))

    app.interpolate_index = page  # type: ignore[method-assign,assignment]


def _too_large(message: str) -> flask.Response:
    response = flask.Response(message, status=413, mimetype="text/plain")
    response.headers["Connection"] = "close"  # the unread body must not be parsed as a request
    return response
