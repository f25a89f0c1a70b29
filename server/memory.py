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
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os

ARROW_POOL_VARIABLE = "ARROW_DEFAULT_MEMORY_POOL"
"""Arrow's environment variable naming its C++ default pool (read when pyarrow loads)."""
os.environ.setdefault(ARROW_POOL_VARIABLE, "system")

log = logging.getLogger(__name__)

M_MMAP_THRESHOLD = -3
"""glibc's mallopt parameter number (malloc.h)."""
MMAP_THRESHOLD_BYTES = 64 * 1024
"""Allocations of at least this many bytes are mmapped, so their free returns them."""


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
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name or "libc.so.6")
        if libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES) == 1:
            done.append(f"glibc: mmap threshold {MMAP_THRESHOLD_BYTES // 1024} KiB")
    except (OSError, AttributeError) as exc:  # not glibc (musl, macOS): nothing to set
        log.debug("mallopt unavailable: %s", exc)
    return done
