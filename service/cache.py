"""The service's memo: computed values by key, in two levels.

First a small per-process LRU (bounded by count and by bytes: ``approx_bytes``), then the
shared flask-caching backend (FileSystemCache by
default, Redis when BREADTH_REDIS_URL is set; every worker reads what one computed). Keys
carry the store's data version (``BreadthService.memo``), so a refresh invalidates
everything without a restart. A backend outage is logged once and served from this process.
"""

from __future__ import annotations

import logging
import pickle
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

import numpy as np
import pandas as pd

log = logging.getLogger(__name__)
T = TypeVar("T")


class SharedCache(Protocol):
    """What the memo needs of a ``flask_caching.Cache``."""

    def get(self, key: str) -> Any: ...

    def set(self, key: str, value: Any) -> Any: ...


def approx_bytes(value: Any, depth: int = 6) -> int:
    """Bytes a cached value holds, roughly: arrays and frames by their buffers (shallow, no
    string contents); a figure dict (plain values only) by its pickled length, which C
    computes ~10x faster than walking its thousands of small items; other containers and
    objects summed through ``depth`` levels."""
    if isinstance(value, dict) and _plain_dict(value):
        return len(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    if isinstance(value, np.ndarray):
        return int(value.nbytes)
    if isinstance(value, pd.DataFrame):
        return int(value.memory_usage(index=True, deep=False).sum())
    if isinstance(value, (pd.Series, pd.Index)):
        return int(value.memory_usage(deep=False))
    if isinstance(value, (str, bytes, int, float, bool)) or value is None or depth <= 0:
        return sys.getsizeof(value)
    if isinstance(value, dict):
        items: Any = [*value.keys(), *value.values()]
    elif isinstance(value, (list, tuple, set, frozenset)):
        items = value
    elif hasattr(value, "__dict__"):
        items = list(vars(value).values())
    elif hasattr(value, "__slots__"):
        items = [getattr(value, n, None) for n in value.__slots__]
    else:
        return sys.getsizeof(value)
    return sys.getsizeof(value) + sum(approx_bytes(v, depth - 1) for v in items)


def _plain_dict(value: dict[Any, Any]) -> bool:
    """Whether a dict's top-level values are plain data (no frames or arrays to copy)."""
    return all(
        isinstance(v, (dict, list, str, int, float, bool)) or v is None for v in value.values()
    )


class Memo:
    """Values by key: this process's LRU, else the shared cache, else computed.

    The LRU keeps at most ``local_size`` values and ``local_bytes`` bytes (``approx_bytes``;
    the newest value is kept even when it alone is larger): a worker's memory stays bounded
    however many distinct views it serves."""

    def __init__(
        self, cache: SharedCache | None = None, local_size: int = 64, local_bytes: int = 2**62
    ) -> None:
        self.cache = cache
        self._local: OrderedDict[str, Any] = OrderedDict()
        self._sizes: dict[str, int] = {}
        self._local_size = local_size
        self._local_bytes = local_bytes
        self.local_total = 0
        """Bytes the LRU holds now (``approx_bytes`` of its values)."""
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
        size = approx_bytes(value)
        with self._lock:
            self.local_total -= self._sizes.pop(key, 0)
            self._local[key] = value
            self._local.move_to_end(key)
            self._sizes[key] = size
            self.local_total += size
            while len(self._local) > 1 and (
                len(self._local) > self._local_size or self.local_total > self._local_bytes
            ):
                old, _ = self._local.popitem(last=False)
                self.local_total -= self._sizes.pop(old)
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
