"""A worker gives the memory of a finished view back to the OS.

Measured on the real Russell 3000 proxy store (bench/targets_views.py, T5): one view reads a
~50 MB panel and builds frames around it; with the defaults the worker's RSS grew by ~200 MB
on the first view and stayed there, though Python itself held ~40 MB of it. Two allocators
kept the freed memory: pyarrow's mimalloc pool, and glibc, whose mmap threshold rises after
large frees so later large arrays come from the heap and are not returned. With Arrow on the
system allocator and glibc's mmap threshold fixed at 64 KiB, the first view adds ~20 MB.
The cost: a large array is fresh mmapped memory (page faults on first touch, ~10 ms for a
50 MB panel), within the cold-view budget (T2).

Arrow's C++ code (the Parquet reader's buffers, compute kernels) allocates from the C++
default pool, which ``pa.set_memory_pool`` does not change: only ``ARROW_DEFAULT_MEMORY_POOL``
does, read once when pyarrow loads. So this module sets it (unless the environment already
says) when imported, and imports pyarrow only inside its function; ``app.py`` imports it
before anything that loads pyarrow. Before, one view on the real store left ~70 MB in
mimalloc's huge-page arena (T5: 366 -> 321 MB after 100 views, runtime-only venv).

Two more glibc settings, measured on a real gunicorn worker (``deploy/gunicorn.conf.py``, one
worker, 100 distinct views over HTTP on the real store, runtime-only venv; bench T5): each of
gthread's request threads and the kernel's chunk threads got a malloc arena of its own (up to
8 per core), each keeping its freed chunks, and the main heap's free pages stayed mapped
between views. With arenas capped at ``ARENA_MAX`` and ``malloc_trim(0)`` after each request
that is not a static file (~1 ms, after the response is sent: ``install``): 341 -> 312 MB
without warm-up, 350 -> 315 MB with it.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
from collections.abc import Callable

import flask  # loads no pyarrow: this module still comes first (see above)

ARROW_POOL_VARIABLE = "ARROW_DEFAULT_MEMORY_POOL"
"""Arrow's environment variable naming its C++ default pool (read when pyarrow loads)."""
os.environ.setdefault(ARROW_POOL_VARIABLE, "system")

log = logging.getLogger(__name__)

M_MMAP_THRESHOLD = -3
"""glibc's mallopt parameter number (malloc.h)."""
MMAP_THRESHOLD_BYTES = 64 * 1024
"""Allocations of at least this many bytes are mmapped, so their free returns them."""
M_ARENA_MAX = -8
ARENA_MAX = 2
"""malloc arenas of a worker: threads share them instead of each keeping its own free memory
(a worker computes on at most ~2 threads at once: one per core)."""
NOT_VIEWS = ("/healthz", "/assets/", "/_dash-component-suites/", "/_favicon")
"""Request paths that serve no view (the probe, static files): ``install`` does not trim after
them (they allocate little), and server/warmup.py starts no warm-up for them."""


def return_freed_memory() -> list[str]:
    """Set both allocators as described above (idempotent); what was set, for the log."""
    import pyarrow as pa

    done: list[str] = []
    wanted = os.environ.get(ARROW_POOL_VARIABLE, "system")
    if wanted != "system":  # the operator's choice, for the C++ code and pyarrow's alike
        done.append(f"arrow: {wanted} allocator ({ARROW_POOL_VARIABLE})")
    else:
        if pa.default_memory_pool().backend_name != "system":
            log.info(  # pa.set_memory_pool below covers pyarrow's own calls only
                "pyarrow loaded before server.memory: Arrow's C++ code keeps its %s pool",
                pa.default_memory_pool().backend_name,
            )
        try:
            pa.set_memory_pool(pa.system_memory_pool())
            done.append("arrow: system allocator")
        except Exception as exc:  # an Arrow build without it: keep its default
            log.debug("arrow memory pool unchanged: %s", exc)
    try:
        libc = _libc()
        if libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES) == 1:
            done.append(f"glibc: mmap threshold {MMAP_THRESHOLD_BYTES // 1024} KiB")
        if libc.mallopt(M_ARENA_MAX, ARENA_MAX) == 1:
            done.append(f"glibc: {ARENA_MAX} arenas")
    except (OSError, AttributeError) as exc:  # not glibc (musl, macOS): nothing to set
        log.debug("mallopt unavailable: %s", exc)
    return done


def _libc() -> ctypes.CDLL:
    """The C library (raises OSError where there is none to load)."""
    return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")


def _trimmer() -> Callable[[], object] | None:
    """glibc's ``malloc_trim(0)`` (returns the heap's free pages to the OS), None elsewhere."""
    try:
        trim: Callable[[int], object] = _libc().malloc_trim
    except (OSError, AttributeError):  # not glibc
        return None
    return lambda: trim(0)


def install(server: flask.Flask) -> bool:
    """After each request that is not a static file, once its response is sent, give the
    heap's free pages back (``malloc_trim``); False (nothing installed) without glibc."""
    trim = _trimmer()
    if trim is None:
        return False

    @server.after_request
    def _trim_after(response: flask.Response) -> flask.Response:
        if not flask.request.path.startswith(NOT_VIEWS):
            response.call_on_close(trim)
        return response

    return True
