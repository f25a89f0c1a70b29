"""Server faults under load: Redis stops and returns; a gunicorn worker is SIGKILLed.

``gunicorn -w 2`` + redis-server on loopback (``reliability_servers.served``), the demo store,
requests from a few threads; every loop bounded in count and time.
"""

from __future__ import annotations

import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import requests

from bench.apptools import DashClient, healthz, wait_until
from data.jobs import load_demo
from data.store import Store
from tests.integration.reliability_servers import Served, served

CHARTS = "chart-participation.figure"
LOG_LINE = "shared cache unavailable"


def _views(store_dir: Path) -> list[str]:
    names = ["all", *(u.name for u in Store(store_dir).list_universes())]
    return [f"?u={u}&fast={f}&slow={s}" for u in names[:4] for f, s in ((50, 200), (20, 100))]


def _open(base: str, search: str) -> int:
    """One page's two initial callbacks; the status of the worst."""
    try:
        c = DashClient.over_http(base, search, timeout=30)
        return max(c.fire("view-state.data").status, c.fire(CHARTS).status)
    except (RuntimeError, requests.RequestException):
        return 599


def _burst(base: str, searches: list[str], n: int) -> list[int]:
    with ThreadPoolExecutor(4) as pool:
        return list(pool.map(lambda i: _open(base, searches[i % len(searches)]), range(n)))


def _stats(srv: Served) -> dict[int, dict[str, Any]]:
    seen: dict[int, dict[str, Any]] = {}
    for _ in range(40):
        _, body = healthz(srv.base)
        seen[body["pid"]] = body
        if len(seen) == 2:
            break
    return seen


@pytest.mark.server
def test_srvfault001_redis_stops_mid_load_then_returns(tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    load_demo(Store(store_dir), seed=1, n_tickers=150, years=3)
    views = _views(store_dir)
    with served(tmp_path, store_dir, workers=2) as srv:
        assert set(_burst(srv.base, views[:2], 6)) == {200}
        srv.stop_redis()
        assert set(_burst(srv.base, views, 16)) == {200}  # computes locally
        code, body = healthz(srv.base)
        assert code == 200 and body["degraded"] is True and body["cache"]["ok"] is False
        text = srv.log.read_text()
        assert 1 <= text.count(LOG_LINE) <= 2, text[-2000:]  # one line per worker at most

        srv.restart_redis()
        client = srv.client()
        # Redis comes back empty (no persistence); a worker's background warm-up of the other
        # universes may already have written to it: that is a write again too, so count from
        # what is there now rather than from 0 (it made this test flaky, before and after #16)
        before = client.dbsize()
        deadline = time.monotonic() + 20
        fresh = [f"?u=all&fast={f}&slow=150" for f in range(30, 40)]  # no worker holds these
        for i in range(len(fresh)):
            if client.dbsize() > before or time.monotonic() > deadline:
                break
            assert _open(srv.base, fresh[i]) == 200
        assert client.dbsize() > before, "the workers did not write to Redis again"
        code, body = healthz(srv.base)
        assert code == 200 and body["cache"]["ok"] is True and body["degraded"] is False
        assert text.count(LOG_LINE) == srv.log.read_text().count(LOG_LINE)  # no more lines


@pytest.mark.server
def test_srvfault002_worker_sigkill_is_replaced_no_other_request_fails(tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    load_demo(Store(store_dir), seed=1, n_tickers=150, years=3)
    views = _views(store_dir)
    with served(tmp_path, store_dir, workers=2) as srv:
        assert set(_burst(srv.base, views[:2], 4)) == {200}
        before = srv.workers()
        victim = before[0]
        with ThreadPoolExecutor(4) as pool:
            futures = [pool.submit(_open, srv.base, views[i % len(views)]) for i in range(24)]
            time.sleep(0.5)
            os.kill(victim, signal.SIGKILL)  # a worker this test's gunicorn started
            statuses = [f.result(60) for f in futures]
        # only a request the killed worker was serving at that instant may fail (sync: ≤ 1)
        assert sum(s != 200 for s in statuses) <= 1, statuses
        wait_until(lambda: len(srv.workers()) == 2 and victim not in srv.workers(), 30,
                   "replacement worker", srv.gunicorn)  # fmt: skip
        assert set(_burst(srv.base, views, 12)) == {200}
        assert srv.gunicorn.poll() is None
        assert "WORKER TIMEOUT" not in srv.log.read_text()
