"""gunicorn settings of the hosted stack: ``gunicorn -c deploy/gunicorn.conf.py app:server``.

Run it from the checkout (it finds ``settings.py`` next to its own folder). Behind nginx
(``deploy/nginx.conf.template``), which buffers whole requests and responses, so a slow client
never holds a gunicorn thread. Every knob comes from a ``BREADTH_*`` variable through
``settings.py``; command-line flags given by ``scripts/hosted.sh`` (pid file, logs, daemon)
come on top.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

_ROOT = Path(__file__).resolve().parents[1]
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

from settings import load_settings  # noqa: E402

_s = load_settings()

# The breadth kernels run their chunks on plain threads (indicators.kernels.in_chunks; no
# numba threading layer): few threads per kernel call, since several requests compute at once.
os.environ.setdefault("NUMBA_NUM_THREADS", "2")

chdir = str(_ROOT)
wsgi_app = "app:server"
bind = [f"127.0.0.1:{_s.app_port}"]  # loopback only: nginx is the public side
workers = _s.web_workers or (os.cpu_count() or 1)  # CPU-bound callbacks: one per core
worker_class = "gthread"
threads = _s.web_threads  # the kernel and the Parquet reads release the GIL
timeout = 60  # a cold view on the full store takes ~1.2 s; a worker silent for 60 s is stuck
graceful_timeout = 30  # requests in flight finish on restart / scale-down
keepalive = 5  # nginx keeps idle upstream connections (upstream keepalive 16, timeout 4 s)
max_requests = 2000  # recycle workers now and then: per-worker memory cannot creep
max_requests_jitter = 200  # ...and not all at once
backlog = 256
limit_request_line = 8190  # a shared link's query string fits; nginx refuses bigger first
forwarded_allow_ips = "127.0.0.1"  # trust X-Forwarded-* only from the local nginx
proxy_allow_ips = "127.0.0.1"
preload_app = False  # HUP reloads code; no numba work in the master (fork safety)
accesslog = None  # nginx keeps the access log
errorlog = "-"
loglevel = "info"


def _build_kernel_library(server: object) -> None:
    """The kernels' ahead-of-time library for this code (``python -m indicators.kernel_aot``,
    in a child: numba never loads in the master), so that workers load it instead of numba
    (~100 MB less RSS each). Built once per code version and CPU (~5 s); without a C
    compiler it says so and the workers compile with numba."""
    import subprocess

    log = server.log  # type: ignore[attr-defined]
    argv = [sys.executable, "-m", "indicators.kernel_aot"]
    try:
        done = subprocess.run(argv, cwd=_ROOT, capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.SubprocessError) as exc:
        log.warning("kernel library not built (workers compile with numba): %s", exc)
        return
    lines = (done.stdout.strip() or done.stderr.strip() or f"exit {done.returncode}").splitlines()
    log.info("%s", lines[-1])


def on_starting(server: object) -> None:
    if _s.kernel_library:
        _build_kernel_library(server)


on_reload = on_starting  # HUP: the new code's workers look for the new code's library
