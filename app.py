"""The Dash app: ``create_app(settings)``, a module-level ``server`` for gunicorn.

``gunicorn app:server`` serves it; ``python app.py`` serves on settings.host:port and, when
the store is empty, first loads the simulated demo market. Nothing here reads data at import:
the layout is a function evaluated per request and callbacks fetch the service from the
Flask app (``server.context``). This is the composition root: the only module that wires the
page (components/) into the server layer (server/), e.g. the warm-up's view builder and how a
rate-limit refusal is shown.
"""

from __future__ import annotations

# isort: split
from server import memory  # first: it picks Arrow's C++ allocator before pyarrow loads

# isort: split
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from dash import Dash
from flask_caching import Cache
from plotly.io.json import to_json_plotly
from plotly.subplots import make_subplots

from components.breadth import views_windows
from components.breadth.figure_cache import (
    cached_benchmark,
    cached_panels,
    cached_rotation,
    cached_volume,
)
from components.context import choices
from components.ids import Ids
from components.page.layout import serve_layout
from components.refresh.background import background_manager
from components.register import register
from components.style import base_layout, f32, message_figure, ms, plain_figure
from components.url.query import parse_query
from data.jobs import load_demo
from data.store import Store
from data.store.guard import GuardedStore
from server import context, fair_use, warmup
from server import http as server_http
from server.guards import install
from server.routes import register_routes
from service.breadth import BreadthService
from settings import Settings, load_settings

ROOT = Path(__file__).resolve().parent
log = logging.getLogger(__name__)


def cache_config(settings: Settings) -> dict[str, Any]:
    """flask-caching config: Redis when BREADTH_REDIS_URL is set, else a FileSystemCache."""
    common = {"CACHE_DEFAULT_TIMEOUT": settings.cache_timeout}
    if settings.redis_url:
        return {
            **common,
            "CACHE_TYPE": "RedisCache",
            "CACHE_REDIS_URL": settings.redis_url,
            "CACHE_KEY_PREFIX": "breadth:",
        }
    return {
        **common,
        "CACHE_TYPE": "FileSystemCache",
        "CACHE_DIR": str(settings.cache_dir),
        "CACHE_THRESHOLD": settings.cache_threshold,
    }


PAGE_HOOKS = fair_use.PageHooks(
    notices=Ids.NOTICES,
    refresh_token=Ids.REFRESH_TOKEN,
    refresh_start=Ids.REFRESH_START,
    refresh_status=Ids.REFRESH_STATUS,
    message_figure=lambda text: plain_figure(message_figure(text)),
)
"""How a rate-limit refusal shows on the page (server.fair_use imports no page code)."""


def warm_figure() -> None:
    """The page's figure code paths: one small two-row figure, styled and serialised."""
    days = pd.bdate_range("2020-01-01", periods=260)
    line = pd.Series(np.linspace(100.0, 110.0, len(days)), index=days, dtype="float32")
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True)
    fig.add_trace(go.Scatter(x=ms(days), y=f32(line), mode="lines"), row=1, col=1)
    base_layout(fig, height=300, title="warm-up")
    to_json_plotly(fig)


def warm_views(
    svc: BreadthService,
    on_default: Callable[[], None] | None = None,
    max_universes: int = warmup.MAX_UNIVERSES,
) -> list[str]:
    """Build what ``update_charts`` builds for a link without a query string, then for
    ``?u=<name>`` of each other stored universe; returns the universes warmed, in order."""
    if svc.store.is_empty():
        return []
    ch = choices(svc)
    state, _ = parse_query("", ch)
    others = [u for u in ch.universes if u != state.universe][:max_universes]
    warmed: list[str] = []
    for search in ["", *(f"?u={quote(u)}" for u in others)]:
        if warmup.exiting():
            break  # the interpreter exits: no new kernel call (server/warmup.py)
        state, _ = parse_query(search, ch)
        panels = cached_panels(svc, state)
        cached_benchmark(svc, state)
        cached_rotation(svc, state)
        cached_volume(svc, state)
        views_windows.windows_chart(svc, state)  # issue #15: from the same breadth frame
        views_windows.net_highs_chart(svc, state)
        if not warmed:
            to_json_plotly(panels.participation)  # the JSON encoder's first use
            if on_default is not None:
                on_default()
        warmed.append(state.universe)
    return warmed


def create_app(settings: Settings | None = None) -> Dash:
    """Build the app: cache, service over the store, layout function, callbacks."""
    settings = settings or load_settings()
    memory.return_freed_memory()  # a worker's RSS falls back after each view (T5)
    warmup.use_kernel_library(settings.kernel_library)  # no numba in a worker when built (T5)
    app = Dash(
        __name__,
        server=server_http.flask_server(__name__),  # type: ignore[arg-type]  # compress config first
        compress=True,  # brotli (or gzip) for the bundles and callback JSON
        on_error=fair_use.on_callback_error,  # a rate-limited callback says so on the page
        title="Breadth & Rotation Monitor",
        assets_folder=str(ROOT / "assets"),
        suppress_callback_exceptions=True,  # the empty-store page has no charts
        background_callback_manager=background_manager(settings),  # the page's refresh
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
    )
    cache = Cache(config=cache_config(settings))
    cache.init_app(app.server)
    service = BreadthService(  # pinned reads, fallback; a worker's own LRU bounded in bytes
        GuardedStore(settings.data_dir), cache, local_bytes=settings.local_cache_mb * 2**20
    )
    context.attach(app.server, service, settings)
    app.layout = serve_layout
    register(app)  # every callback, on this app (components.register)
    register_routes(app.server)  # GET /healthz
    install(app.server, service.store)  # one data version per request; no traceback leaks
    # default views warmed at first request / after writes
    warmup.install(app.server, service, warm_views, warm_figure)
    fair_use.install(app.server, settings, service, PAGE_HOOKS)  # per-client budgets

    server_http.install(app, settings)  # body limit, CSP and security headers, lang="en"
    memory.install(app.server)  # the heap's free pages back to the OS after each view (T5)
    return app


server = create_app().server
celery_app = server.config.get("BREADTH_CELERY")
"""``celery -A app:celery_app worker`` when BREADTH_CELERY_BROKER_URL is set."""


def main() -> None:
    """Serve on settings.host:port, loading the demo market first if the store is empty."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    settings = load_settings()
    store = Store(settings.data_dir)
    if store.is_empty():
        log.info("store %s is empty: loading the simulated demo market", settings.data_dir)
        if settings.warmup:
            warmup.compile_in_background()  # a fresh clone compiles while the demo is written
        load_demo(
            store,
            seed=settings.demo_seed,
            n_tickers=settings.demo_tickers,
            years=settings.demo_years,
        )
    app = create_app(settings)
    app.server.config["BREADTH_LOCAL"] = True  # one user on loopback: page refresh allowed
    app.run(host=settings.host, port=settings.port, debug=settings.debug)


if __name__ == "__main__":
    main()
