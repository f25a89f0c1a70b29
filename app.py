"""The Dash app: ``create_app(settings)``, a module-level ``server`` for gunicorn.

``gunicorn app:server`` serves it; ``python app.py`` serves on settings.host:port and, when
the store is empty, first loads the simulated demo market. Nothing here reads data at import:
the layout is a function evaluated per request and callbacks fetch the service from the
Flask app (``server.extensions["breadth_service"]``).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from dash import Dash
from flask_caching import Cache

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


def create_app(settings: Settings | None = None) -> Dash:
    """Build the app: cache, service over the store, layout function, callbacks."""
    from components.context import SERVICE_KEY
    from components.page.layout import serve_layout
    from components.refresh.background import background_manager
    from components.register import register
    from data.store.guard import GuardedStore
    from server import fair_use, warmup
    from server import http as server_http
    from server.guards import install
    from server.routes import register_routes
    from service.breadth import BreadthService

    settings = settings or load_settings()
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
    service = BreadthService(GuardedStore(settings.data_dir), cache)  # pinned reads, fallback
    app.server.extensions[SERVICE_KEY] = service
    app.server.config["BREADTH_SETTINGS"] = settings
    app.layout = serve_layout
    register(app)  # every callback, on this app (components.register)
    register_routes(app.server)  # GET /healthz
    install(app.server, service.store)  # one data version per request; no traceback leaks
    warmup.install(app, service)  # default views warmed at first request / after writes
    fair_use.install(app.server, settings, service)  # per-client budgets (cold views, ...)
    server_http.install(app, settings)  # body limit, CSP and security headers, lang="en"
    return app


server = create_app().server
celery_app = server.config.get("BREADTH_CELERY")
"""``celery -A app:celery_app worker`` when BREADTH_CELERY_BROKER_URL is set."""


def main() -> None:
    """Serve on settings.host:port, loading the demo market first if the store is empty."""
    from data.jobs import load_demo
    from data.store import Store

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    settings = load_settings()
    store = Store(settings.data_dir)
    if store.is_empty():
        log.info("store %s is empty: loading the simulated demo market", settings.data_dir)
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
