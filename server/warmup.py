"""Warm the default view in the background, so the first visitor after a start or a store
write does not pay for the cold path.

What a cold ``update_charts`` costs in a fresh worker (real close file, 3,504 tickers × 13
years, in process): ~0.45 s loading the compiled breadth kernel from numba's on-disk cache,
~0.15 s of Plotly's first figure (lazy validator imports), ~0.3 s of store reads and frames.
All of it is per process or per data version, none of it depends on the visitor.

``install(app, svc)`` starts one daemon thread that loads the code paths only (the compiled
kernel on a tiny synthetic float32 panel, a Plotly figure and its JSON): no data is read, so a
worker is ready for its first visitor without touching the store at start-up. It also adds a
Flask ``before_request`` hook. On the first request that is not a health probe or a static
file, and again on the first request after the store's data version changes (a refresh or an
import), it starts one daemon thread that builds the default view exactly as the page's
callbacks do (``components.breadth.figure_cache``): the service caches its frames and
finished figures (locally and in the shared cache) and the code paths are loaded. Then, in
the same thread, the default view of every other stored universe (at most
``MAX_UNIVERSES``), so that a visitor who picks one reads it warm: a warm view costs no
one's cold-view budget (server/fair_use.py). A ``/_dash-update-component`` request that
arrives while the thread runs waits for it (at most ``WAIT_S``) instead of computing the
same frames a second time on the same cores. Workers on one host take turns through a lock
file (the second one then reads the first one's frames from the shared cache)."""

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

import flask
import numpy as np
import pandas as pd

from indicators import kernel_aot, kernels
from indicators.breadth import BreadthParams, compute_breadth
from indicators.volume import compute_volume_breadth
from server import memory
from server.context import settings_of
from service.breadth import BreadthService

log = logging.getLogger(__name__)

WAIT_S = 10.0
"""Longest a callback request waits for a running warm-up (seconds)."""
SKIP_PREFIXES = memory.NOT_VIEWS
"""Requests that never start a warm-up (probes and static files)."""
KEY = "breadth_warmup"
MAX_UNIVERSES = 24
"""Universes warmed after the default one (bounded: each costs a breadth frame)."""
EXIT_JOIN_S = 15.0
"""At interpreter exit, how long to wait for running warm-ups (seconds)."""

_exiting = threading.Event()
_threads: list[threading.Thread] = []
_threads_lock = threading.Lock()


def _start(target: Callable[..., None], *args: object, name: str) -> None:
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
    _join_at_exit_deadline(EXIT_JOIN_S)


def stop_all(timeout: float = EXIT_JOIN_S) -> None:
    """Stop running warm-ups between views and wait for them, then allow new ones (tests
    call it after each test, so one test's app does not keep warming during the next)."""
    _join_at_exit_deadline(timeout)
    _exiting.clear()


def _join_at_exit_deadline(timeout: float) -> None:
    _exiting.set()
    with _threads_lock:
        running = list(_threads)
    deadline = time.monotonic() + timeout
    for thread in running:
        thread.join(max(0.0, deadline - time.monotonic()))


def exiting() -> bool:
    """True once the interpreter exits: a warm-up stops before its next view."""
    return _exiting.is_set()


WarmViews = Callable[[BreadthService, Callable[[], None]], list[str]]
"""``(svc, on_default) -> universes warmed``: builds the page's views (app.py passes the
components' builder); calls ``on_default`` once the default view is warm."""


class Warmer:
    """One process's warm-up state: the data version last warmed and the running thread."""

    def __init__(self, svc: BreadthService, warm_views: WarmViews) -> None:
        self.svc = svc
        self.warm_views = warm_views
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
                self.warm_views(self.svc, self.default_done.set)
        except Exception as exc:  # never fatal: the page computes on demand as before
            log.warning("warm-up of the default view failed: %s", exc)
        finally:
            self.seconds[version] = time.perf_counter() - t0
            self.default_done.set()
            self.done.set()


def use_kernel_library(enabled: bool) -> None:
    """Run this process's kernels from the ahead-of-time library when ``enabled`` and built
    for this code (``indicators.kernel_aot``; gunicorn's master builds it): the worker then
    never imports numba. Else numba's JIT, as without it."""
    lib = kernel_aot.load() if enabled else None
    kernels.use_library(lib)
    if lib is not None:
        log.info("kernels: the compiled library %s (no numba in this process)", lib.path.name)


def warm_code(warm_figure: Callable[[], None] | None = None) -> float:
    """Load the per-process code paths of the cold view; returns seconds. No store access.

    The kernels are compiled for the argument types they get, so the tiny panel uses the
    store's types (float32 closes, float64 volume; ``indicators.kernels`` passes every array
    read-only, so one compiled version serves all); breadth with and without highs/lows and
    membership, then further windows (the page's own: numba compiles the kernel without
    their code for the default suite, so they have a version of their own), volume with and
    without membership;
    ``warm_figure`` (the page's, from app.py) builds and serialises one small figure.
    """
    t0 = time.perf_counter()
    days = pd.bdate_range("2020-01-01", periods=260)
    walk = 100.0 + np.random.default_rng(0).standard_normal((len(days), 3)).cumsum(axis=0)
    close = pd.DataFrame(walk.astype("float32"), index=days, columns=["A", "B", "C"])
    member = pd.DataFrame(True, index=days, columns=close.columns)
    for high, mem in ((None, None), (None, member), (close, None), (close, member)):
        compute_breadth(close, high, high, mem, BreadthParams())
    # the page's windows past the default ones: the kernel's version with further windows
    compute_breadth(close, close, close, member, BreadthParams(windows=(20,), hl_weeks=(4,)))
    volume = pd.DataFrame(np.full(close.shape, 1e6), index=days, columns=close.columns)
    for mem in (None, member):  # the volume kernel (the store's volume is float64)
        compute_volume_breadth(close, volume, mem)
    if warm_figure is not None:
        warm_figure()
    return time.perf_counter() - t0


@contextlib.contextmanager
def _pinned(store: object) -> Iterator[None]:
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


def _warm_code_quietly(warm_figure: Callable[[], None] | None) -> None:
    try:
        log.debug("code paths warmed in %.2f s", warm_code(warm_figure))
    except Exception as exc:  # never fatal
        log.warning("warm-up of the code paths failed: %s", exc)


def compile_in_background() -> None:
    """Compile the kernels in a daemon thread now (``warm_code`` without a figure): ``python
    app.py`` on an empty store starts it before writing the demo, so the ~4.5 s of numba
    compilation of a fresh clone overlaps the ~5 s of demo writing on the second core."""
    _start(_warm_code_quietly, None, name="warmup-compile")


def install(
    server: flask.Flask,
    svc: BreadthService,
    warm_views: WarmViews,
    warm_figure: Callable[[], None] | None = None,
) -> Warmer:
    """Warm the default view at the first request and after every store write (unless
    ``BREADTH_WARMUP=0``: the warmer is then registered but never started)."""
    warmer = Warmer(svc, warm_views)
    server.extensions[KEY] = warmer
    if not settings_of(server).warmup:
        return warmer
    _start(_warm_code_quietly, warm_figure, name="warmup-code")

    @server.before_request
    def _warm() -> None:
        path = flask.request.path
        if path.startswith(SKIP_PREFIXES):
            return
        warmer.maybe_start()
        if path.startswith("/_dash-update-component") and not warmer.default_done.is_set():
            warmer.default_done.wait(WAIT_S)

    return warmer
