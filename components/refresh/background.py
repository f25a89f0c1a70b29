"""The Dash background-callback manager of an app (the page's refresh runs under it).

- Default: ``DiskcacheManager`` over ``<BREADTH_CACHE_DIR>/background``. Each job runs in a
  child process of the web process; the diskcache folder holds progress and results, so the
  gunicorn workers of one host share it (a progress poll may reach any worker).
- ``BREADTH_CELERY_BROKER_URL`` (``redis://…``): ``CeleryManager``; jobs run on Celery
  workers started with ``celery -A app:celery_app worker`` (docs/HOSTING.md), results and
  progress go through the same Redis.
"""

from __future__ import annotations

from typing import Any

from settings import Settings


def background_manager(settings: Settings) -> Any:
    """A DiskcacheManager, or a CeleryManager when a broker URL is configured."""
    from dash import CeleryManager, DiskcacheManager

    if settings.celery_broker_url:
        return CeleryManager(celery_app(settings))
    import diskcache

    folder = settings.cache_dir / "background"
    folder.mkdir(parents=True, exist_ok=True)
    return DiskcacheManager(diskcache.Cache(str(folder)), expire=3600)


def celery_app(settings: Settings) -> Any:
    """The Celery app behind the CeleryManager (broker and result backend: the same URL)."""
    from celery import Celery

    url = settings.celery_broker_url
    return Celery("breadth", broker=url, backend=url)
