"""Plain Flask routes beside the Dash app: ``GET /healthz`` for load balancers and operators.

``/healthz`` answers JSON, 200 when the store reads (its manifest parses, is not empty and every
file it names exists), 503 with a one-line ``reason`` otherwise; never a stack trace. A shared
cache that does not answer is reported (``cache.ok: false``, ``degraded: true``) but keeps the
status at 200: the service then computes in-process, slower but correct.

Fields: ``status``, ``reason`` (503 only), ``version`` (the store's data version), ``last_date``,
``data_age_days`` (calendar days from the store's last session to today, UTC), ``source``
(``demo`` | ``files`` | ``yahoo``), ``simulated``, ``n_tickers``, ``cache`` (``backend``, ``ok``,
``detail``), ``pid`` (this worker) and ``stats`` (how this worker served memoized values:
``computed``, ``local_hits``, ``shared_hits``), ``rate_limits`` (server/fair_use.py: budgets,
storage, and this worker's ``counted``/``refused`` per budget) and ``kernels`` (``library``: this
worker runs them from the ahead-of-time library, ``indicators/kernel_aot.py``; ``numba``: JIT).
"""

from __future__ import annotations

import logging
import os
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import flask

from data.errors import BreadthError
from data.store import io as store_io
from indicators import kernels
from server import fair_use
from server.context import maybe_service
from service.breadth import BreadthService

log = logging.getLogger(__name__)


HEALTH_PATH = "/healthz"
_NO_STORE = {"Cache-Control": "no-store"}


def _backend(cache: Any) -> Any:
    """The flask-caching backend behind a ``flask_caching.Cache`` (or the object itself)."""
    try:
        return cache.cache  # flask_caching.Cache proxies to a backend (needs an app context)
    except (AttributeError, KeyError, RuntimeError):
        return cache


def cache_status(cache: Any) -> dict[str, Any]:
    """Backend class name and whether it answers right now (a PING, or a directory check)."""
    if cache is None:
        return {"backend": "none", "ok": True, "detail": "no shared cache configured"}
    backend = _backend(cache)
    name = type(backend).__name__
    try:
        client = getattr(backend, "_read_client", None)
        if client is not None and hasattr(client, "ping"):  # Redis: one round trip, no write
            client.ping()
            return {"backend": name, "ok": True, "detail": "PING answered"}
        path = getattr(backend, "_path", None)
        if isinstance(path, str):  # FileSystemCache: the folder must exist and be writable
            ok = Path(path).is_dir() and os.access(path, os.W_OK | os.X_OK)
            return {"backend": name, "ok": ok, "detail": path if ok else f"{path} not writable"}
        backend.get("healthz:probe")  # any other backend: a read that must not raise
        return {"backend": name, "ok": True, "detail": "read answered"}
    except Exception as exc:  # an outage is a status to report, never a 500
        return {"backend": name, "ok": False, "detail": f"{type(exc).__name__}: {exc}"[:200]}


def _missing_files(root: Path, manifest: dict[str, Any]) -> list[str]:
    """Files the manifest names that are not in ``parts/``."""
    files = manifest.get("files", {})
    names = [n for years in files.get("prices", {}).values() for n in years.values()]
    names += [files[k] for k in ("tickers", "info") if files.get(k)]
    names += [u["file"] for u in files.get("universes", {}).values()]
    return [n for n in names if not (root / "parts" / n).is_file()]


def _age_days(last_date: Any, today: date) -> int | None:
    try:
        return (today - date.fromisoformat(str(last_date))).days
    except ValueError:
        return None


def health(service: BreadthService | None, today: date | None = None) -> tuple[dict[str, Any], int]:
    """The /healthz body and status code for ``service`` (a BreadthService, or None)."""
    body: dict[str, Any] = {"status": "ok", "pid": os.getpid()}
    body["kernels"] = "numba" if kernels.library() is None else "library"
    if service is None:
        return {**body, "status": "error", "reason": "the app has no breadth service"}, 503
    body["stats"] = dict(getattr(service, "stats", {}))
    body["cache"] = cache_status(getattr(service, "cache", None))
    body["degraded"] = not body["cache"]["ok"]
    store = service.store
    try:
        raw = store_io.read_json(Path(store.root) / store_io.MANIFEST)  # with its file list
    except BreadthError as exc:
        return {**body, "status": "error", "reason": str(exc)}, 503
    except OSError as exc:
        return {**body, "status": "error", "reason": f"cannot read the store: {exc}"}, 503
    if not raw:
        reason = f"the store at {store.root} is empty: run `python cli.py demo|import|refresh`"
        return {**body, "status": "error", "reason": reason}, 503
    source = raw.get("source", {})
    body.update(
        version=str(raw.get("version", "")),
        last_date=raw.get("last_date"),
        data_age_days=_age_days(raw.get("last_date"), today or datetime.now(UTC).date()),
        source=source.get("kind", "") if isinstance(source, dict) else str(source),
        simulated=bool(raw.get("simulated", False)),
        n_tickers=raw.get("n_tickers"),
    )
    guard = getattr(store, "status", None)  # data/store_guard.GuardedStore: the fallback
    problem = guard() if callable(guard) else {}
    if problem.get("problem"):
        body.update(
            degraded=True, serving_version=problem["serving"], store_problem=problem["problem"]
        )
        if problem.get("fallback"):  # still serving: the previous version
            return {**body, "status": "degraded"}, 200
        return {**body, "status": "error", "reason": problem["problem"]}, 503
    try:
        missing = _missing_files(Path(store.root), raw)
    except (OSError, AttributeError, KeyError, TypeError) as exc:
        return {**body, "status": "error", "reason": f"unreadable store manifest: {exc}"}, 503
    if missing:
        reason = f"{len(missing)} file(s) named by the manifest are missing, e.g. {missing[0]}"
        return {**body, "status": "error", "reason": reason}, 503
    return body, 200


def register_routes(server: flask.Flask) -> None:
    """Add ``GET /healthz`` to ``server`` (the Flask app behind Dash)."""

    def healthz() -> flask.Response:
        try:
            body, code = health(maybe_service(server))
        except Exception as exc:  # the endpoint itself must never answer with a traceback
            log.exception("/healthz failed")
            body = {
                "status": "error",
                "reason": f"health check failed: {type(exc).__name__}",
                "pid": os.getpid(),
            }
            code = 503
        fair = server.extensions.get(fair_use.KEY)
        if fair is not None:
            body["rate_limits"] = fair.status()
        response = flask.jsonify(body)
        response.status_code = code
        response.headers.update(_NO_STORE)
        return response

    server.add_url_rule(HEALTH_PATH, endpoint="healthz", view_func=healthz, methods=["GET"])
