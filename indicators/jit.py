"""numba compiles the kernels' functions on their first use, and numba is imported only then.

A process that runs the kernels from the ahead-of-time library (``indicators.kernel_aot``,
a web worker) never imports numba: numba and the LLVM library under it cost a worker ~100 MB
of RSS (bench T5). The kernels' modules define their compiled functions as plain functions
and name them in a tuple; ``compile_functions`` swaps each one in the module's namespace for
its numba dispatcher (nopython, cached on disk, GIL released), callees first, so a compiled
caller resolves its callees (module globals, read when numba compiles it) to dispatchers.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, MutableMapping
from typing import Any

_lock = threading.Lock()


def compile_functions(namespace: MutableMapping[str, Any], names: tuple[str, ...]) -> None:
    """Replace the functions ``names`` of a module (its ``globals()``), in this order, with
    numba dispatchers (``njit(cache=True, nogil=True)``); idempotent and thread-safe."""
    with _lock:
        import numba
        from numba.core.dispatcher import Dispatcher

        for name in names:
            func: Callable[..., Any] = namespace[name]
            if not isinstance(func, Dispatcher):
                namespace[name] = numba.njit(cache=True, nogil=True)(func)


def default_threads() -> int:
    """What numba's ``NUMBA_NUM_THREADS`` is in this process: the variable when set, else the
    CPUs this process may run on (numba's default), without importing numba."""
    import os

    raw = os.environ.get("NUMBA_NUM_THREADS", "").strip()
    if raw:
        return max(1, int(raw))
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)
