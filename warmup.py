"""Warm the default view in the background, so the first visitor after a start or a store
write does not pay for the cold path.

What a cold ``update_charts`` costs in a fresh worker (real close file, 3,504 tickers × 13
years, in process): ~0.45 s loading the compiled breadth kernel from numba's on-disk cache,
~0.15 s of Plotly's first figure (lazy validator imports), ~0.3 s of store reads and frames.
All of it is per process or per data version, none of it depends on the visitor.

``install(app, svc)`` starts one daemon thread that loads the code paths only (the compiled
kernel on a tiny synthetic float32 panel, a Plotly figure and its JSON): no data is read, so a
worker is ready for its first visitor without touching the store at start-up. It also adds a
Flask ``before_request`` hook. On the first request that is not a
health probe or a static file, and again on the first request after the store's data version
changes (a refresh or an import), it starts one daemon thread that builds the default view
exactly as the page's callbacks do (``components.figure_cache``): the service caches its frames
and finished figures (locally and in the shared cache) and the code paths are loaded. Then, in
the same thread, the default view of every other stored universe (at most ``MAX_UNIVERSES``),
so that a visitor who picks one reads it warm: a warm view costs no one's cold-view budget
(fair_use.py). A ``/_dash-update-component``
request that arrives while the thread runs waits for it (at most ``WAIT_S``) instead of
computing the same frames a second time on the same cores. Workers on one host take turns
through a lock file (the second one then reads the first one's frames from the shared cache).
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import hashlib
import logging
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import flask

log = logging.getLogger(__name__)

WAIT_S = 10.0
"""Longest a callback request waits for a running warm-up (seconds)."""
SKIP_PREFIXES = ("/healthz", "/assets/", "/_dash-component-suites/", "/_favicon")
"""Requests that never start a warm-up (probes and static files)."""
KEY = "breadth_warmup"
MAX_UNIVERSES = 24
EXIT_JOIN_S = 15.0
"""At interpreter exit, how long to wait for running warm-ups (seconds)."""

_exiting = threading.Event()
_threads: list[threading.Thread] = []
_threads_lock = threading.Lock()


def _start(target: Callable[..., None], *args: Any, name: str) -> None:
    """A daemon warm-up thread, remembered so that interpreter exit can wait for it."""
    thread = threading.Thread(target=target, args=args, name=name, daemon=True)
    with _threads_lock:
        _threads[:] = [t for t in _threads if t.is_alive()]
        _threads.append(thread)
    thread.start()


@atexit.register
def _join_at_exit() -> None:
    """Stop warm-ups between views and wait for them: a daemon thread still inside the
    compiled parallel kernel while the interpreter finalizes aborts the process
    ("terminate called without an active exception", exit 134)."""
    _exiting.set()
    with _threads_lock:
        running = list(_threads)
    deadline = time.monotonic() + EXIT_JOIN_S
    for thread in running:
        thread.join(max(0.0, deadline - time.monotonic()))


"""Universes warmed after the default one (bounded: each costs a breadth frame)."""


class Warmer:
    """One process's warm-up state: the data version last warmed and the running thread."""

    def __init__(self, svc: Any) -> None:
        self.svc = svc
        self.warmed = ""
        self.done = threading.Event()
        self.done.set()
        self.default_done = threading.Event()
        """Set once the default view is warm (callbacks wait for this, not the universes)."""
        self.default_done.set()
        self._lock = threading.Lock()
        self.seconds: dict[str, float] = {}
        """Duration of the last warm-up per data version (for tests and /healthz readers)."""

    def maybe_start(self) -> bool:
        """Start a warm-up thread when the data version changed since the last one."""
        try:
            version = self.svc.store.version
        except Exception:  # an unreadable store: the request itself will say why
            return False
        with self._lock:
            if not version or version == self.warmed or not self.done.is_set():
                return False
            self.warmed = version
            self.done.clear()
            self.default_done.clear()
        _start(self._run, version, name="warmup")
        return True

    def wait(self, timeout: float = WAIT_S) -> bool:
        """Block until a running warm-up ends (True) or ``timeout`` passes (False)."""
        return self.done.wait(timeout)

    def _run(self, version: str) -> None:
        t0 = time.perf_counter()
        try:
            with host_lock(self.svc.store.root), _pinned(self.svc.store):
                warm_default_view(self.svc, on_default=self.default_done.set)
        except Exception as exc:  # never fatal: the page computes on demand as before
            log.warning("warm-up of the default view failed: %s", exc)
        finally:
            self.seconds[version] = time.perf_counter() - t0
            self.default_done.set()
            self.done.set()


def warm_code() -> float:
    """Load the per-process code paths of the cold view; returns seconds. No store access.

    The breadth kernel is compiled for the argument types it gets, so the tiny panel uses the
    store's types (float32 closes, with and without highs/lows and membership).
    """
    import numpy as np
    import pandas as pd
    import plotly.graph_objects as go
    from plotly.io.json import to_json_plotly
    from plotly.subplots import make_subplots

    from components.figstyle import base_layout, f32, ms
    from indicators.breadth import BreadthParams, compute_breadth

    t0 = time.perf_counter()
    days = pd.bdate_range("2020-01-01", periods=260)
    walk = 100.0 + np.random.default_rng(0).standard_normal((len(days), 3)).cumsum(axis=0)
    close = pd.DataFrame(walk.astype("float32"), index=days, columns=["A", "B", "C"])
    member = pd.DataFrame(True, index=days, columns=close.columns)
    for high, mem in ((None, None), (None, member), (close, None), (close, member)):
        compute_breadth(close, high, high, mem, BreadthParams())
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True)
    fig.add_trace(go.Scatter(x=ms(days), y=f32(close["A"]), mode="lines"), row=1, col=1)
    base_layout(fig, height=300, title="warm-up")
    to_json_plotly(fig)
    return time.perf_counter() - t0


def warm_default_view(
    svc: Any, max_universes: int = MAX_UNIVERSES, on_default: Callable[[], None] | None = None
) -> list[str]:
    """Build what ``update_charts`` builds for a link without a query string, then for
    ``?u=<name>`` of each other stored universe; returns the universes warmed, in order."""
    from urllib.parse import quote

    from plotly.io.json import to_json_plotly

    from components import views
    from components.figure_cache import cached_benchmark, cached_panels, cached_rotation
    from components.urlstate import parse_query

    if svc.store.is_empty():
        return []
    choices = views.choices(svc)
    state, _ = parse_query("", choices)
    others = [u for u in choices.universes if u != state.universe][:max_universes]
    warmed: list[str] = []
    for search in ["", *(f"?u={quote(u)}" for u in others)]:
        if _exiting.is_set():
            break
        state, _ = parse_query(search, choices)
        panels = cached_panels(svc, state)
        cached_benchmark(svc, state)
        cached_rotation(svc, state)
        if not warmed:
            to_json_plotly(panels.participation)  # the JSON encoder's first use
            if on_default is not None:
                on_default()
        warmed.append(state.universe)
    return warmed


@contextlib.contextmanager
def _pinned(store: Any) -> Iterator[None]:
    """One data version for the whole warm-up when the store supports pinning."""
    pin = getattr(store, "pinned", None)
    if pin is None:
        yield
        return
    with pin():
        yield


@contextlib.contextmanager
def host_lock(data_dir: Path) -> Iterator[None]:
    """An exclusive lock shared by the workers of one host serving one store (flock)."""
    digest = hashlib.sha1(str(Path(data_dir).resolve()).encode()).hexdigest()[:12]
    path = Path(tempfile.gettempdir()) / f"breadth-warmup-{digest}.lock"
    with open(path, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _warm_code_quietly() -> None:
    try:
        log.debug("code paths warmed in %.2f s", warm_code())
    except Exception as exc:  # never fatal
        log.warning("warm-up of the code paths failed: %s", exc)


def install(app: Any, svc: Any) -> Warmer:
    """Warm the default view at the first request and after every store write (unless
    ``BREADTH_WARMUP=0``: the warmer is then registered but never started)."""
    warmer = Warmer(svc)
    server: flask.Flask = app.server
    server.extensions[KEY] = warmer
    if not getattr(server.config.get("BREADTH_SETTINGS"), "warmup", True):
        return warmer
    _start(_warm_code_quietly, name="warmup-code")

    @server.before_request
    def _warm() -> None:
        path = flask.request.path
        if path.startswith(SKIP_PREFIXES):
            return
        warmer.maybe_start()
        if path.startswith("/_dash-update-component") and not warmer.default_done.is_set():
            warmer.default_done.wait(WAIT_S)

    return warmer
