"""Hosting: gunicorn workers share one Redis cache; a store write shows without a restart.

Starts redis-server and ``gunicorn --workers 2 app:server`` on free loopback ports (skipped when
either is missing), drives the page's callbacks over HTTP the way the renderer does (payloads
built from /_dash-layout and /_dash-dependencies) and reads each worker's /healthz. Plus
in-process checks that /healthz answers 503 with a reason, never a traceback.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import flask
import numpy as np
import pytest

from bench.apptools import (
    DashClient,
    decode,
    free_port,
    healthz,
    start_gunicorn,
    stop,
    wait_until,
)
from components.ids import Ids
from data.jobs import load_demo
from data.store import Store
from server.routes import health, register_routes

CHARTS = f"{Ids.PARTICIPATION}.figure"
SLOW_TRACE = "% above 200-day avg"
DEADLINE = 25.0  # seconds any one loop may poll


def _has_gunicorn() -> bool:
    try:
        import gunicorn  # noqa: F401
    except ImportError:
        return False
    return True


@dataclass
class Hosted:
    base: str
    redis: Any
    store_dir: Path
    version: str


@pytest.fixture()
def hosted(tmp_path: Path) -> Iterator[Hosted]:
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    if not _has_gunicorn():
        pytest.skip("gunicorn is not installed")
    import redis

    store_dir, cache_dir, redis_dir = tmp_path / "store", tmp_path / "cache", tmp_path / "redis"
    redis_dir.mkdir()
    version = load_demo(Store(store_dir), seed=1, n_tickers=200, years=3)
    rport, port = free_port(), free_port()
    rproc = subprocess.Popen(
        ["redis-server", "--port", str(rport), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(redis_dir), "--daemonize", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    gproc = None
    log = tmp_path / "gunicorn.log"
    try:
        client = redis.Redis(host="127.0.0.1", port=rport, socket_timeout=5)
        wait_until(lambda: bool(client.ping()), 10, "redis-server", rproc)
        env = {
            "BREADTH_DATA_DIR": str(store_dir),
            "BREADTH_CACHE_DIR": str(cache_dir),
            "BREADTH_REDIS_URL": f"redis://127.0.0.1:{rport}/0",
            # no background warm-up: this test counts who computes what (warmup has its own)
            "BREADTH_WARMUP": "0",
        }
        gproc = start_gunicorn(port, env, tmp_path, workers=2, log=log)
        base = f"http://127.0.0.1:{port}"
        wait_until(lambda: healthz(base)[0] == 200, 30, "gunicorn /healthz", gproc)
        yield Hosted(base, client, store_dir, version)
    except (RuntimeError, TimeoutError) as exc:
        tail = log.read_text()[-3000:] if log.exists() else ""
        pytest.fail(f"{exc}\n--- gunicorn log ---\n{tail}")
    finally:
        stop(gproc)
        stop(rproc)


def _slow_series(resp_values: dict[str, dict[str, Any]]) -> np.ndarray:
    figure = resp_values[str(Ids.PARTICIPATION)]["figure"]
    trace = next(t for t in figure["data"] if t.get("name") == SLOW_TRACE)
    return decode(trace["y"])


def _expected_slow(store_dir: Path, view: dict[str, Any]) -> np.ndarray:
    from components.breadth.views import query
    from components.url.query import from_store
    from service.breadth import BreadthService

    frame = BreadthService(Store(store_dir)).breadth(query(from_store(view)))
    return frame["pct_above_200dma"].to_numpy("float32")


def _both_workers(base: str, client: DashClient) -> dict[int, dict[str, Any]]:
    """Fire the charts callback until /healthz has shown two workers that served it.

    Two requests at a time: a sync worker serves one at a time, so the pair spreads over both.
    """
    seen: dict[int, dict[str, Any]] = {}
    deadline = time.monotonic() + DEADLINE
    pool = ThreadPoolExecutor(2)
    for _ in range(100):
        if time.monotonic() > deadline:
            break
        pair = [pool.submit(client.fire, CHARTS) for _ in range(2)]
        assert [f.result().status for f in pair] == [200, 200]
        code, body = healthz(base)
        assert code == 200, body
        seen[body["pid"]] = body
        served = [b for b in seen.values() if sum(b["stats"].values()) > 0]
        if len(served) >= 2:
            break
    pool.shutdown()
    return seen


@pytest.mark.server
def test_host001_workers_share_the_redis_cache_and_see_a_new_version(hosted: Hosted) -> None:
    t0 = time.monotonic()
    client = DashClient.over_http(hosted.base)
    assert client.fire(f"{Ids.VIEW}.data").status == 200
    view = {**client.props[Ids.VIEW]["data"], **client.props[Ids.RANGE]["data"]}
    first = client.fire(CHARTS)  # one worker computes the view's frames
    assert first.status == 200

    # (1) every frame of the view computed once across the workers; the other one reads Redis
    seen = _both_workers(hosted.base, client)
    assert len(seen) == 2, f"only worker(s) {sorted(seen)} answered in {DEADLINE:.0f} s"
    keys = sorted(k.decode() for k in hosted.redis.scan_iter("breadth:*"))
    view_keys = [k for k in keys if k.startswith(f"breadth:{hosted.version}:")]
    assert view_keys, keys
    computed = {pid: b["stats"]["computed"] for pid, b in seen.items()}
    assert sum(computed.values()) == len(view_keys), (computed, view_keys)
    assert sorted(computed.values())[0] == 0, computed  # the second worker computed nothing
    reader = next(b for b in seen.values() if b["stats"]["computed"] == 0)
    # the built figures are cached too, so the reader needs only those from Redis
    figure_keys = [k for k in view_keys if ":panels:" in k or "-fig:" in k]
    # breadth panels, benchmark, rotation, volume, windows, net highs (issue #15)
    assert len(figure_keys) == 6, view_keys
    assert reader["stats"]["shared_hits"] >= len(figure_keys), reader["stats"]
    for body in seen.values():
        assert body["version"] == hosted.version
        assert body["cache"]["backend"] == "RedisCache" and body["cache"]["ok"] is True
        assert body["source"] == "demo" and body["simulated"] is True
    np.testing.assert_array_equal(
        _slow_series(first.values), _expected_slow(hosted.store_dir, view)
    )

    # (2) a new store version (written by another process) shows on the next request
    new_version = load_demo(Store(hosted.store_dir), seed=2, n_tickers=200, years=3)
    assert new_version != hosted.version
    code, body = healthz(hosted.base)
    assert code == 200 and body["version"] == new_version, body
    after = client.fire(CHARTS)
    assert after.status == 200
    new_slow = _slow_series(after.values)
    np.testing.assert_array_equal(new_slow, _expected_slow(hosted.store_dir, view))
    assert not np.array_equal(new_slow, _slow_series(first.values), equal_nan=True)
    keys = [k.decode() for k in hosted.redis.scan_iter(f"breadth:{new_version}:*")]
    assert keys, "the new version's frames are not in Redis"
    assert time.monotonic() - t0 < 40


# -- /healthz in process: the failure answers ----------------------------------------------------


class _FakeService:
    def __init__(self, root: Path, cache: Any = None) -> None:
        self.store = Store(root)
        self.cache = cache
        self.stats = {"computed": 0, "local_hits": 0, "shared_hits": 0}


class _DownCache:
    def get(self, key: str) -> Any:
        raise ConnectionError("cache host unreachable")


def _get(service: Any) -> tuple[int, dict[str, Any]]:
    server = flask.Flask("healthz-test")
    server.extensions["breadth_service"] = service
    register_routes(server)
    r = server.test_client().get("/healthz")
    assert r.headers["Cache-Control"] == "no-store"
    return r.status_code, r.get_json()


def test_host002_healthz_ok_with_age_and_a_degraded_cache(tmp_path: Path) -> None:
    version = load_demo(Store(tmp_path), seed=3, n_tickers=60, years=2)
    code, body = _get(_FakeService(tmp_path, _DownCache()))
    assert code == 200 and body["status"] == "ok" and body["version"] == version
    assert body["degraded"] is True and body["cache"]["ok"] is False
    assert "unreachable" in body["cache"]["detail"]
    last = Store(tmp_path).manifest()["last_date"]
    from datetime import date, timedelta

    today = date.fromisoformat(last) + timedelta(days=3)
    assert health(_FakeService(tmp_path), today=today)[0]["data_age_days"] == 3


@pytest.mark.parametrize("case", ["empty", "corrupt", "missing-file", "no-service"])
def test_host003_healthz_503_with_a_reason(tmp_path: Path, case: str) -> None:
    service: Any = _FakeService(tmp_path)
    if case == "corrupt":
        (tmp_path / "manifest.json").write_text("{not json")
    elif case == "missing-file":
        load_demo(Store(tmp_path), seed=3, n_tickers=60, years=2)
        victim = sorted((tmp_path / "parts").glob("close-*"))[0]
        victim.unlink()
    elif case == "no-service":
        service = None
    code, body = _get(service)
    assert code == 503 and body["status"] == "error"
    expected = {"empty": "is empty", "corrupt": "corrupt", "missing-file": "missing",
                "no-service": "no breadth service"}[case]  # fmt: skip
    assert expected in body["reason"]
    assert "Traceback" not in str(body) and body["pid"] > 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__, "-v"]))
