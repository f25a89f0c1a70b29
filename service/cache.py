"""The service's memo: computed values by key, in two levels.

First a small per-process LRU, then the shared flask-caching backend (FileSystemCache by
default, Redis when BREADTH_REDIS_URL is set; every worker reads what one computed). Keys
carry the store's data version (``BreadthService.memo``), so a refresh invalidates
everything without a restart. A backend outage is logged once and served from this process.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")


class SharedCache(Protocol):
    """What the memo needs of a ``flask_caching.Cache``."""

    def get(self, key: str) -> Any: ...

    def set(self, key: str, value: Any) -> Any: ...


class Memo:
    """Values by key: this process's LRU, else the shared cache, else computed."""

    def __init__(self, cache: SharedCache | None = None, local_size: int = 64) -> None:
        self.cache = cache
        self._local: OrderedDict[str, Any] = OrderedDict()
        self._local_size = local_size
        self._lock = threading.Lock()
        self._cache_down = False
        self.stats: dict[str, int] = {"computed": 0, "local_hits": 0, "shared_hits": 0}
        self.before_compute: Callable[[str], None] | None = None
        """Called with the value's name before a miss is computed; it may raise to refuse."""

    def get(self, key: str, name: str, compute: Callable[[], T]) -> T:
        """The value of ``key``, computing it (``compute()``) on a miss of both levels."""
        with self._lock:
            if key in self._local:
                self.stats["local_hits"] += 1
                self._local.move_to_end(key)
                value: T = self._local[key]
                return value
        shared = self._shared_get(key)
        if shared is None:
            if self.before_compute is not None:
                self.before_compute(name)
            value = compute()
            self.stats["computed"] += 1
            self._shared_set(key, value)
        else:
            value = shared
            self.stats["shared_hits"] += 1
        with self._lock:
            self._local[key] = value
            while len(self._local) > self._local_size:
                self._local.popitem(last=False)
        return value

    def _shared_get(self, key: str) -> Any:
        if self.cache is None:
            return None
        try:
            value = self.cache.get(key)
        except Exception as exc:  # a cache backend outage must not fail a request
            self._note_cache_error(exc)
            return None
        self._cache_down = False
        return value

    def _shared_set(self, key: str, value: Any) -> None:
        if self.cache is None:
            return
        try:
            self.cache.set(key, value)
        except Exception as exc:
            self._note_cache_error(exc)

    def _note_cache_error(self, exc: Exception) -> None:
        if not self._cache_down:
            log.warning("shared cache unavailable, computing locally: %s", exc)
        self._cache_down = True
