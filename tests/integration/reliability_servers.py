"""Servers for the reliability tests: redis-server and gunicorn on free loopback ports.

Not a test module: ``served`` starts both (skipping when a binary is missing) and stops them
(by their own PIDs) on exit; ``Served.restart_redis`` brings Redis back on the same port.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bench.apptools import free_port, healthz, start_gunicorn, stop, wait_until


def _redis(port: int, folder: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(folder), "--daemonize", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip


@dataclass
class Served:
    base: str
    gunicorn: subprocess.Popen[bytes] | None
    redis_proc: subprocess.Popen[bytes] | None
    redis_port: int
    redis_dir: Path
    log: Path

    def client(self) -> Any:
        import redis

        return redis.Redis(host="127.0.0.1", port=self.redis_port, socket_timeout=5)

    def stop_redis(self) -> None:
        stop(self.redis_proc)
        self.redis_proc = None

    def restart_redis(self) -> None:
        self.redis_proc = _redis(self.redis_port, self.redis_dir)
        wait_until(lambda: bool(self.client().ping()), 10, "redis-server", self.redis_proc)

    def workers(self) -> list[int]:
        import psutil

        assert self.gunicorn is not None
        return sorted(c.pid for c in psutil.Process(self.gunicorn.pid).children())


@contextlib.contextmanager
def served(tmp_path: Path, store_dir: Path, workers: int = 2,
           extra_env: dict[str, str] | None = None) -> Iterator[Served]:  # fmt: skip
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    pytest.importorskip("gunicorn")
    redis_dir = tmp_path / "redis"
    redis_dir.mkdir(exist_ok=True)
    rport, port = free_port(), free_port()
    log = tmp_path / "gunicorn.log"
    srv = Served(f"http://127.0.0.1:{port}", None, _redis(rport, redis_dir), rport, redis_dir,
                 log)  # fmt: skip
    try:
        wait_until(lambda: bool(srv.client().ping()), 10, "redis-server", srv.redis_proc)
        env = {"BREADTH_DATA_DIR": str(store_dir), "BREADTH_CACHE_DIR": str(tmp_path / "cache"),
               "BREADTH_REDIS_URL": f"redis://127.0.0.1:{rport}/0", "NUMBA_NUM_THREADS": "1",
               # the load generator's simulated users all come from 127.0.0.1 and would share
               # one fair-use budget: its refusals ("too many new views") are tested on their
               # own (test_rate_limits, test_hosted_stack), not here
               "BREADTH_RATE_COLD_VIEWS": "", "BREADTH_RATE_REPORTS": "",
               **(extra_env or {})}  # fmt: skip
        srv.gunicorn = start_gunicorn(port, env, tmp_path, workers=workers, log=log)
        wait_until(lambda: healthz(srv.base)[0] == 200, 60, "gunicorn /healthz", srv.gunicorn)
        wait_until(lambda: len(srv.workers()) == workers, 30, "gunicorn workers", srv.gunicorn)
        yield srv
    except (RuntimeError, TimeoutError) as exc:
        tail = log.read_text()[-3000:] if log.exists() else ""
        pytest.fail(f"{exc}\n--- gunicorn log ---\n{tail}")
    finally:
        stop(srv.gunicorn)
        stop(srv.redis_proc)
