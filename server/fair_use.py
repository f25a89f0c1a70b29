"""Fair use: per-client rate limits on what costs a worker seconds, with flask-limiter.

Three budgets per client address (``request.remote_addr``; behind nginx set
``BREADTH_PROXY_HOPS=1`` so it is the client's, server/http.py), each a ``limits`` rate string
from settings, counted in Redis when ``BREADTH_REDIS_URL`` is set (shared by every worker and
host), in this process's memory otherwise:

- ``cold-views`` (``BREADTH_RATE_COLD_VIEWS``): callback requests that must compute. The
  service calls ``cold_gate`` before computing a cache miss (``BreadthService.before_compute``);
  the first miss of a request is counted, the rest of that request is free, and a request
  served from the caches is never counted. Over the budget the request raises ``RateLimited``
  before any work, and the app's Dash error handler (``on_callback_error``) answers 200 with
  every ``figure`` output replaced by a chart that says "Too many new views from your
  address; try again in N s" and the same text in the page's notice area: no broken chart
  (a 429 would make the renderer drop the callback).
- ``reports`` (``BREADTH_RATE_REPORTS``): "Export report" clicks; the button's status line says
  it (components/report/callbacks.py).
- ``refresh`` (``BREADTH_RATE_REFRESH``): "Load/Refresh data" clicks, checked in the request
  before Dash starts the background job (the job runs in another process); the refresh
  status line says it. The same hook answers 400 to a refresh token that is not a string.

Every refused request carries ``X-Breadth-Rate-Limited: <budget>`` and ``Retry-After: N``
(status 200 for callbacks); ``/healthz`` reports this worker's counts under ``rate_limits``.
flask-limiter is used for its storage and strategies (the moving window of ``limits``) and
its Redis/memory configuration; the hits are explicit because a cold computation is known
only inside the callback, not from the route.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import dash_bootstrap_components as dbc
import flask
from dash import ctx, no_update, set_props
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import RateLimitItem, parse_many
from plotly.io.json import to_json_plotly

from service.breadth import BreadthService
from settings import Settings

log = logging.getLogger(__name__)

KEY = "breadth_fair_use"
"""Where ``install`` puts the FairUse object in ``server.extensions``."""
HEADER = "X-Breadth-Rate-Limited"
COLD, REPORTS, REFRESH = "cold-views", "reports", "refresh"
MESSAGES = {
    COLD: "Too many new views from your address; try again in {n} s.",
    REPORTS: "Too many reports from your address; try again in {n} s.",
    REFRESH: "Too many refresh attempts from your address; try again in {n} s.",
}
TOKEN_TYPE = "Bad request: the refresh token must be text."
_COUNTED = "breadth_cold_counted"
_REFUSED = "breadth_rate_refused"


class RateLimited(Exception):
    """A client went over one of its budgets; ``message`` is what the page shows."""

    def __init__(self, kind: str, retry_after: int) -> None:
        self.kind = kind
        self.retry_after = retry_after
        super().__init__(MESSAGES[kind].format(n=retry_after))

    @property
    def message(self) -> str:
        return str(self)


@dataclass(frozen=True)
class PageHooks:
    """How the page shows a refusal: the ids of its notice area and refresh controls, and its
    message chart. ``app.py`` passes the components' ones (the server imports no page code)."""

    notices: str
    refresh_token: str
    refresh_start: str
    refresh_status: str
    message_figure: Callable[[str], Any]
    """A message chart as the plain dict Dash sends (built once per refused response)."""


@dataclass
class FairUse:
    """One process's limiter, budgets and counts."""

    limiter: Limiter
    budgets: dict[str, list[RateLimitItem]]
    storage: str
    page: PageHooks
    counted: dict[str, int] = field(default_factory=dict)
    refused: dict[str, int] = field(default_factory=dict)
    _storage_down: bool = False

    def check(self, kind: str) -> None:
        """Count one unit of ``kind`` for this request's client, or raise RateLimited."""
        items = self.budgets.get(kind)
        if not items:
            return
        who = get_remote_address() or "unknown"
        strategy = self.limiter.limiter
        try:
            for item in items:  # test every window first: a refused request costs nothing
                if not strategy.test(item, kind, who):
                    reset = strategy.get_window_stats(item, kind, who).reset_time
                    self.refused[kind] = self.refused.get(kind, 0) + 1
                    raise RateLimited(kind, max(1, math.ceil(reset - time.time())))
            for item in items:
                strategy.hit(item, kind, who)
        except RateLimited as exc:
            flask.g.setdefault(_REFUSED, exc)
            raise
        except Exception as exc:  # the limiter's storage is down: serve, log once
            if not self._storage_down:
                log.warning("rate-limit storage unavailable, not limiting: %s", exc)
            self._storage_down = True
            return
        self._storage_down = False
        self.counted[kind] = self.counted.get(kind, 0) + 1

    def cold_gate(self, _name: str) -> None:
        """``BreadthService.before_compute``: the first cache miss of a request counts."""
        if not flask.has_request_context() or flask.g.get(_COUNTED):
            return  # the warm-up thread, the CLI; or this request already paid
        flask.g.setdefault(_COUNTED, True)
        self.check(COLD)

    def status(self) -> dict[str, Any]:
        """What /healthz shows: budgets, storage and this worker's counts."""
        return {
            "storage": self.storage,
            "budgets": {k: ";".join(str(i) for i in v) for k, v in self.budgets.items()},
            "counted": dict(self.counted),
            "refused": dict(self.refused),
        }


def current() -> FairUse | None:
    """The app's FairUse (None outside a request or when not installed)."""
    if not flask.has_app_context():
        return None
    fair: FairUse | None = flask.current_app.extensions.get(KEY)
    return fair


def check(kind: str) -> None:
    """``FairUse.check`` of the current app (nothing when there is none)."""
    fair = current()
    if fair is not None:
        fair.check(kind)


def notice(message: str) -> dbc.Alert:
    return dbc.Alert(message, color="warning", dismissable=True, className="py-2 mb-2")


def _specs(outputs: Any) -> list[Any]:
    return [outputs] if isinstance(outputs, dict) else list(outputs)


def on_callback_error(exc: Exception) -> Any:
    """``Dash(on_error=...)``: a RateLimited callback answers with its message, anything
    else is raised again (server.guards logs it and answers the generic 500)."""
    fair = current()
    if not isinstance(exc, RateLimited) or fair is None:
        raise exc
    page = fair.page
    figure: list[Any] = []  # one message chart for every figure output (a cheap refusal)

    def value(spec: Any) -> Any:
        if isinstance(spec, dict) and spec.get("property") == "figure":
            if not figure:
                figure.append(page.message_figure(exc.message))
            return figure[0]
        if isinstance(spec, dict) and spec.get("id") == page.notices:
            return notice(exc.message)
        return no_update

    grouping = ctx.outputs_grouping
    named = isinstance(grouping, dict)  # a callback with named (dict) outputs
    # outputs_list is deprecated for those (Dash 4 warns); their specs are the dict's values
    outputs = list(grouping.values()) if named else ctx.outputs_list
    specs = _specs(outputs)
    if not any(isinstance(s, dict) and s.get("id") == page.notices for s in specs):
        set_props(page.notices, {"children": notice(exc.message)})
    if named:
        return {name: value(spec) for name, spec in grouping.items()}
    values = [value(s) for s in specs]
    return values[0] if isinstance(outputs, dict) else values


def _refresh_request(body: Any, page: PageHooks) -> tuple[bool, bool]:
    """(starts a page refresh, carries a refresh token that is not a string) of a callback."""
    if not isinstance(body, dict):
        return False, False
    inputs = [i for i in body.get("inputs") or [] if isinstance(i, dict)]
    states = [s for s in body.get("state") or [] if isinstance(s, dict)]
    tokens = [s for s in states if s.get("id") == page.refresh_token]
    # the Start callback: clicked Start and carries the token (the modal's toggle does not)
    starts = bool(tokens) and any(i.get("id") == page.refresh_start for i in inputs)
    bad = any(not isinstance(s.get("value"), str | None) for s in tokens)
    return starts, bad


def _refresh_guard() -> Any:
    """Before a callback request: 400 for a token of the wrong type; a refresh click over
    the budget answers the status line's message instead of starting the job."""
    request = flask.request
    if request.method != "POST" or not request.path.endswith("/_dash-update-component"):
        return None
    fair = current()
    if fair is None or request.args.get("cacheKey"):  # a background job's poll, not a click
        return None
    starts, bad_token = _refresh_request(request.get_json(silent=True), fair.page)
    if bad_token:
        return flask.Response(TOKEN_TYPE, status=400, mimetype="text/plain")
    if not starts:
        return None
    try:
        check(REFRESH)
    except RateLimited as exc:
        body = {
            "multi": True,
            "response": {str(fair.page.refresh_status): {"children": notice(exc.message)}},
        }
        return flask.Response(to_json_plotly(body), mimetype="application/json")
    return None


def _limited_headers(response: flask.Response) -> flask.Response:
    exc = flask.g.get(_REFUSED)
    if isinstance(exc, RateLimited):
        response.headers[HEADER] = exc.kind
        response.headers["Retry-After"] = str(exc.retry_after)
    return response


def install(
    server: flask.Flask, settings: Settings, svc: BreadthService, page: PageHooks
) -> FairUse:
    """Set up the limiter on ``server`` and gate ``svc``'s cold computations; ``page`` says
    how a refusal is shown."""
    storage = settings.redis_url or "memory://"
    limiter = Limiter(
        get_remote_address,
        app=server,
        storage_uri=storage,
        strategy="moving-window",
        key_prefix="breadth-rate",
        headers_enabled=False,
    )
    budgets = {
        kind: list(parse_many(rate)) if rate else []
        for kind, rate in (
            (COLD, settings.rate_cold_views),
            (REPORTS, settings.rate_reports),
            (REFRESH, settings.rate_refresh),
        )
    }
    fair = FairUse(limiter, budgets, "redis" if settings.redis_url else "memory", page)
    server.extensions[KEY] = fair
    svc.before_compute = fair.cold_gate
    server.before_request(_refresh_guard)
    server.after_request(_limited_headers)
    return fair
