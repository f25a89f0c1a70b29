"""Fair use (server/fair_use.py): per-client budgets of cold views, reports and refresh clicks; the
message the page gets instead of a broken chart; cache keys with a TTL in Redis.

``create_app`` over Flask's test client with a client address per "browser" (REMOTE_ADDR), the
demo store; the Redis test starts its own redis-server on a free loopback port.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bench.apptools import DashClient, free_port, stop, wait_until
from components.ids import Ids
from data.jobs import load_demo
from data.store import Store

CHARTS = f"{Ids.PARTICIPATION}.figure"
MESSAGE = "Too many new views from your address; try again in "
N = 3


def _app(root: Path, **overrides: Any) -> Any:
    from app import create_app
    from settings import load_settings

    values = {"data_dir": root / "store", "cache_dir": root / "cache", "warmup": False}
    return create_app(load_settings(env={}, **{**values, **overrides}))


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("rates")
    load_demo(Store(base / "store"), seed=6, n_tickers=150, years=3)
    return base


class Browser:
    """A DashClient whose requests come from ``ip``; keeps the last raw response."""

    def __init__(self, server: Any, ip: str, search: str = "") -> None:
        self.http = server.test_client()
        self.env = {"REMOTE_ADDR": ip}
        self.last: Any = None
        self.dash = DashClient(self._get, self._post, search)

    def _get(self, path: str) -> bytes:
        r = self.http.get(path, environ_base=self.env)
        assert r.status_code == 200
        return bytes(r.data)

    def _post(self, path: str, body: dict[str, Any]) -> tuple[int, bytes]:
        self.last = self.http.post(path, json=body, environ_base=self.env)
        return self.last.status_code, bytes(self.last.data)

    def view(self, search: str) -> dict[str, Any]:
        """Open ``search`` as a page load does: URL sync, then the charts callback."""
        self.dash.set(Ids.URL, search=search)
        assert self.dash.fire(f"{Ids.VIEW}.data").status == 200
        resp = self.dash.fire(CHARTS)
        assert resp.status == 200
        body: dict[str, Any] = json.loads(self.last.data)
        return body


def _chart_text(body: dict[str, Any]) -> str:
    fig = body["response"][str(Ids.PARTICIPATION)]["figure"]
    return " ".join(a.get("text", "") for a in fig["layout"].get("annotations", []))


def _real_chart(body: dict[str, Any]) -> bool:
    fig = body["response"][str(Ids.PARTICIPATION)]["figure"]
    return len(fig["data"]) >= 3 and MESSAGE not in _chart_text(body)


def test_rl001_n_plus_one_cold_views_get_the_message_other_clients_do_not(root: Path) -> None:
    app = _app(root, rate_cold_views=f"{N}/minute", cache_dir=root / "cache-rl001")
    svc = app.server.extensions["breadth_service"]
    a, b = Browser(app.server, "10.0.0.1"), Browser(app.server, "10.0.0.2")
    views = [f"?fast={f}" for f in (20, 21, 22, 23)]
    for search in views[:N]:
        assert _real_chart(a.view(search)), search
    computed = svc.stats["computed"]
    refused = a.view(views[N])  # the N+1th new view from the same address
    assert svc.stats["computed"] == computed  # refused before any work
    assert MESSAGE in _chart_text(refused) and not _real_chart(refused)
    assert a.last.headers["X-Breadth-Rate-Limited"] == "cold-views"
    retry = int(a.last.headers["Retry-After"])
    assert 1 <= retry <= 60 and f"try again in {retry} s" in _chart_text(refused)
    side = json.dumps(refused.get("sideUpdate", {}))  # the notice area says it too
    assert str(Ids.NOTICES) in side and MESSAGE in side
    other = (Ids.HIGHS_LOWS, Ids.ADVANCE_DECLINE, Ids.BENCHMARK, Ids.ROTATION)
    assert all(MESSAGE in json.dumps(refused["response"][str(i)]) for i in other)

    # warm views are free: the same client re-opens a view it already computed
    assert _real_chart(a.view(views[0]))
    assert "X-Breadth-Rate-Limited" not in a.last.headers
    # another address is unaffected, for a view nobody has computed
    assert _real_chart(b.view(views[N]))
    status = app.server.test_client().get("/healthz").get_json()["rate_limits"]
    assert status["counted"] == {"cold-views": N + 1} and status["refused"] == {"cold-views": 1}
    assert status["storage"] == "memory" and status["budgets"]["cold-views"] == "3 per 1 minute"


def test_rl002_report_clicks_over_the_budget_say_so(root: Path) -> None:
    app = _app(root, rate_reports="1/minute", cache_dir=root / "cache-rl002")
    a = Browser(app.server, "10.0.1.1")
    a.view("")
    statuses = []
    for clicks in (1, 2):
        a.dash.set(Ids.REPORT_HTML, n_clicks=clicks)
        resp = a.dash.fire(f"{Ids.REPORT_DOWNLOAD}.data", changed=[f"{Ids.REPORT_HTML}.n_clicks"])
        assert resp.status == 200
        statuses.append(resp.values[str(Ids.REPORT_STATUS)]["children"])
    assert statuses[0].startswith("Breadth report — ")
    assert statuses[1].startswith("Too many reports from your address; try again in ")
    assert a.last.headers["X-Breadth-Rate-Limited"] == "reports"


def test_rl003_refresh_clicks_over_the_budget_answer_the_status_line(root: Path) -> None:
    from server import fair_use

    app = _app(root, rate_refresh="1/hour", allow_ui_refresh=True, refresh_token="t0k",
               cache_dir=root / "cache-rl003")  # fmt: skip
    fair = app.server.extensions[fair_use.KEY]
    with app.server.test_request_context(environ_base={"REMOTE_ADDR": "10.0.2.1"}):
        fair.check(fair_use.REFRESH)  # this address has used its one click this hour
    a = Browser(app.server, "10.0.2.1")
    dep = next(d for d in a.dash.deps if any(i["id"] == Ids.REFRESH_START for i in d["inputs"])
               and any(s["id"] == Ids.REFRESH_TOKEN for s in d["state"]))  # fmt: skip
    outs = [{"id": o.split(".")[0], "property": o.split(".")[1]}
            for o in dep["output"][2:-2].split("...")]  # fmt: skip
    body = {"output": dep["output"], "outputs": outs,
            "inputs": [{"id": Ids.REFRESH_START, "property": "n_clicks", "value": 1}],
            "state": [{"id": s["id"], "property": s["property"], "value": "guess"}
                      for s in dep["state"]],
            "changedPropIds": [f"{Ids.REFRESH_START}.n_clicks"]}  # fmt: skip
    status, content = a._post("/_dash-update-component", body)
    assert status == 200 and "cacheKey" not in json.loads(content)  # no job was started
    text = json.dumps(json.loads(content)["response"][str(Ids.REFRESH_STATUS)])
    assert "Too many refresh attempts from your address; try again in " in text
    assert a.last.headers["X-Breadth-Rate-Limited"] == "refresh"
    assert int(a.last.headers["Retry-After"]) > 3000  # the hour's window


@pytest.fixture()
def redis_url(tmp_path: Path) -> Iterator[str]:
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    import redis

    port = free_port()
    proc = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(tmp_path), "--daemonize", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        client = redis.Redis(host="127.0.0.1", port=port, socket_timeout=5)
        wait_until(lambda: bool(client.ping()), 10, "redis-server", proc)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        stop(proc)


def test_rl004_redis_keys_expire_and_budgets_are_shared_by_workers(
    root: Path, redis_url: str
) -> None:
    import redis

    ttl = 3600
    common = {"redis_url": redis_url, "cache_timeout": ttl, "rate_cold_views": "2/minute"}
    w1 = _app(root, cache_dir=root / "cache-w1", **common)
    w2 = _app(root, cache_dir=root / "cache-w2", **common)  # a second worker, same Redis
    client = redis.Redis.from_url(redis_url)
    assert _real_chart(Browser(w1.server, "10.0.3.1").view("?fast=30"))
    assert _real_chart(Browser(w2.server, "10.0.3.1").view("?fast=31"))
    refused = Browser(w1.server, "10.0.3.1").view("?fast=32")  # 3rd, counted across both
    assert MESSAGE in _chart_text(refused)
    assert _real_chart(Browser(w2.server, "10.0.3.2").view("?fast=32"))  # another client

    cache_keys = list(client.scan_iter("breadth:*"))
    assert len(cache_keys) >= 6  # frames and figures of the views computed
    ttls = [client.ttl(k) for k in cache_keys]
    assert all(0 < t <= ttl for t in ttls), dict(zip(cache_keys, ttls, strict=True))
    rate_keys = [k for k in client.scan_iter("*") if k not in set(cache_keys)]
    assert rate_keys and all(b"cold-views" in k for k in rate_keys), rate_keys
    assert all(0 < client.ttl(k) <= 60 for k in rate_keys)
    no_ttl = [k for k in client.scan_iter("*") if client.ttl(k) == -1]
    assert no_ttl == []
    status = w2.server.test_client().get("/healthz").get_json()["rate_limits"]
    assert status["storage"] == "redis"
