"""Static files compressed once per worker, not on every request.

flask-compress compresses each response as it leaves: the page's 17 scripts are ~2.9 MB,
and compressing them took 0.16 s of a worker's CPU per first page load with brotli, 0.14 s
with gzip, every visitor again (bench/bench_static.py, 2-core bench machine; 0.017 s once
kept). Its documented cache
(``COMPRESS_CACHE_KEY`` + ``COMPRESS_CACHE_BACKEND``) keeps the compressed bytes; here it
holds static files only:

- ``cache_key(request)`` names a static file: Dash's component bundles (their URLs carry the
  package version; the lazy chunks are fixed per install) and the files under ``/assets/``
  (with the file's modification time, so an edited asset is compressed anew). The query
  string is not part of it: ``?m=`` is the same file, and made-up queries cannot grow the
  cache. Anything else (callbacks, the page, the layout) gets ``""``, which ``StaticOnly``
  neither reads nor stores.
- flask-compress streams files sent from disk (``/assets/``) through its chunked compressor,
  which bypasses the cache; ``materialize`` reads such a response into memory first (a
  file of ~1.5 MB at most, read in ~1 ms).

Only 200 responses are compressed at all, so the cache holds at most one entry per real
file and encoding (a few MB).
"""

from __future__ import annotations

import os
import threading

import flask
from werkzeug.security import safe_join

ASSETS_BLUEPRINT = "_dash_assets"
"""The blueprint Dash serves ``/assets/<filename>`` from."""
ASSETS_ENDPOINT = f"{ASSETS_BLUEPRINT}.static"
SUITES_PREFIX = "/_dash-component-suites/"
"""Dash's component bundles (its route is named by its rule)."""
KIND = "static:"
"""What every key of a static file starts with (flask-compress prefixes the encoding)."""


def cache_key(request: flask.Request) -> str:
    """``COMPRESS_CACHE_KEY``: the static file a GET asks for (path, and for an asset its
    modification time), or ``""`` for a response that must not be cached."""
    if request.method not in ("GET", "HEAD"):
        return ""
    if request.endpoint == ASSETS_ENDPOINT:
        folder = flask.current_app.blueprints[ASSETS_BLUEPRINT].static_folder
        name = (request.view_args or {}).get("filename", "")
        path = safe_join(str(folder), str(name)) if folder else None
        if path is None:
            return ""
        try:
            mtime = os.stat(path).st_mtime_ns
        except OSError:
            return ""
        return f"{KIND}{request.path}@{mtime}"
    if request.path.startswith(SUITES_PREFIX):
        return f"{KIND}{request.path}"
    return ""


class StaticOnly:
    """``COMPRESS_CACHE_BACKEND``: compressed bytes of ``cache_key``'s static files, in this
    process; other keys are neither read nor stored."""

    def __init__(self) -> None:
        self._items: dict[str, bytes] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _static(key: str) -> bool:
        return key.partition(";")[2].startswith(KIND)  # flask-compress: "<encoding>;<key>"

    def get(self, key: str) -> bytes | None:
        """The compressed bytes stored for ``key``, None when absent or not static."""
        if not self._static(key):
            return None
        with self._lock:
            return self._items.get(key)

    def set(self, key: str, value: bytes) -> None:
        """Keep ``value`` for a static ``key``; ignore any other."""
        if self._static(key):
            with self._lock:
                self._items[key] = value

    def keys(self) -> list[str]:
        """The keys held, sorted."""
        with self._lock:
            return sorted(self._items)


def materialize(response: flask.Response) -> flask.Response:
    """An ``/assets/`` file response read into memory (flask-compress caches only those),
    before flask-compress's own after-request hook sees it."""
    if (
        flask.request.endpoint == ASSETS_ENDPOINT
        and response.status_code == 200
        and response.is_streamed
        and response.direct_passthrough
    ):
        response.direct_passthrough = False
        response.make_sequence()
    return response
