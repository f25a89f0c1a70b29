"""A worker gives the memory of a finished view back to the OS.

Measured on the real Russell 3000 proxy store (bench/targets_views.py, T5): one view reads a
~50 MB panel and builds frames around it; with the defaults the worker's RSS grew by ~200 MB
on the first view and stayed there, though Python itself held ~40 MB of it. Two allocators
kept the freed memory: pyarrow's mimalloc pool, and glibc, whose mmap threshold rises after
large frees so later large arrays come from the heap and are not returned. With Arrow on the
system allocator and glibc's mmap threshold fixed at 64 KiB, the first view adds ~20 MB.
The cost: a large array is fresh mmapped memory (page faults on first touch, ~10 ms for a
50 MB panel), within the cold-view budget (T2).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging

import pyarrow as pa

log = logging.getLogger(__name__)

M_MMAP_THRESHOLD = -3
"""glibc's mallopt parameter number (malloc.h)."""
MMAP_THRESHOLD_BYTES = 64 * 1024
"""Allocations of at least this many bytes are mmapped, so their free returns them."""


def return_freed_memory() -> list[str]:
    """Set both allocators as described above (idempotent); what was set, for the log."""
    done: list[str] = []
    try:
        if pa.default_memory_pool().backend_name != "system":
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
