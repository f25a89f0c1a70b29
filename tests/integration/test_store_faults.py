"""Store faults seen from the site: the last good version is served, and the operator is told.

In process (Flask test client over ``create_app``): a corrupt Parquet file in the current
version, a writer SIGKILLed mid-write, a full disk and a read-only store (real tmpfs mounts,
skipped where ``mount`` is not permitted). Each checks the version the callbacks were computed
from (``X-Data-Version``), ``/healthz`` and ``python cli.py status``.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bench.apptools import DashClient
from data.errors import StoreError
from data.jobs import load_demo
from data.store import Store
from data.store.guard import check_files

ROOT = Path(__file__).resolve().parents[2]
CHARTS = "chart-participation.figure"


def _app(store_dir: Path, cache_dir: Path) -> Any:
    from app import create_app
    from settings import load_settings

    return create_app(load_settings(data_dir=store_dir, cache_dir=cache_dir, redis_url=""))


def _page(server: Any) -> tuple[list[str], dict[str, Any]]:
    """Open the page and its charts; (X-Data-Version of every response, charts response)."""
    client = server.test_client()
    versions: list[str] = []

    def get(path: str) -> bytes:
        r = client.get(path)
        assert r.status_code == 200, (path, r.status_code)
        versions.append(r.headers.get("X-Data-Version", ""))
        return bytes(r.data)

    def post(path: str, body: dict[str, Any]) -> tuple[int, bytes]:
        r = client.post(path, json=body)
        assert r.status_code in (200, 204), r.data[:300]
        versions.append(r.headers.get("X-Data-Version", ""))
        return r.status_code, bytes(r.data)

    dash = DashClient(get, post)
    dash.fire("view-state.data")
    charts = dash.fire(CHARTS)
    return versions, charts.values


def _health(server: Any) -> tuple[int, dict[str, Any]]:
    r = server.test_client().get("/healthz")
    return r.status_code, r.get_json()


def _cli_status(store_dir: Path) -> str:
    env = {**os.environ, "BREADTH_DATA_DIR": str(store_dir)}
    out = subprocess.run([sys.executable, "cli.py", "status"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=120)  # fmt: skip
    return out.stdout + out.stderr


def _two_versions(store_dir: Path) -> tuple[str, str]:
    v1 = load_demo(Store(store_dir), seed=1, n_tickers=80, years=2)
    v2 = load_demo(Store(store_dir), seed=2, n_tickers=80, years=2)
    return v1, v2


@pytest.mark.parametrize("damage", ["truncated", "garbage", "deleted"])
def test_fault001_corrupt_current_file_serves_previous_version(
    tmp_path: Path, damage: str, caplog: pytest.LogCaptureFixture
) -> None:
    store_dir = tmp_path / "store"
    v1, v2 = _two_versions(store_dir)
    victim = sorted((store_dir / "parts").glob(f"close-*-{v2}.parquet"))[-1]
    if damage == "truncated":
        victim.write_bytes(victim.read_bytes()[: victim.stat().st_size // 2])
    elif damage == "garbage":
        victim.write_bytes(os.urandom(victim.stat().st_size))
    else:
        victim.unlink()
    app = _app(store_dir, tmp_path / "cache")
    with caplog.at_level(logging.ERROR, logger="data.store.guard"):
        versions, values = _page(app.server)
        _page(app.server)  # a second page: still one log line
    assert set(versions) == {v1}, versions  # every response computed from the previous version
    assert "Cannot compute" not in str(values)
    lines = [r for r in caplog.records if r.name == "data.store.guard"]
    assert len(lines) == 1 and victim.name in lines[0].getMessage(), lines
    code, body = _health(app.server)
    assert code == 200 and body["status"] == "degraded" and body["degraded"] is True
    assert body["version"] == v2 and body["serving_version"] == v1
    assert victim.name in body["store_problem"]
    status = _cli_status(store_dir)
    assert victim.name in status and "serves the previous version" in status, status


def test_fault002_corrupt_without_previous_version_says_so(tmp_path: Path) -> None:
    """No previous version and a cold cache: requests that need the file fail generically
    (no traceback, no path); /healthz (503) and ``cli.py status`` name the file."""
    store_dir = tmp_path / "store"
    load_demo(Store(store_dir), seed=1, n_tickers=60, years=2)
    victim = sorted((store_dir / "parts").glob("close-*.parquet"))[-1]
    victim.write_bytes(b"PAR1 not parquet")
    app = _app(store_dir, tmp_path / "cache")
    client = app.server.test_client()
    assert client.get("/").status_code == 200  # the page itself still loads
    dash = DashClient.over_flask(app.server)
    with pytest.raises(RuntimeError) as err:
        dash.fire("view-state.data")
        dash.fire(CHARTS)
    assert "HTTP 500" in str(err.value) and "Internal error" in str(err.value)
    assert "Traceback" not in str(err.value) and str(store_dir) not in str(err.value)
    code, body = _health(app.server)
    assert code == 503 and victim.name in body["reason"] and "Traceback" not in str(body)
    assert "no previous version kept" in _cli_status(store_dir)


KILLER = """
import sys
from data.jobs import load_demo
from data.store import Store
store = Store(sys.argv[1])
print("ready", flush=True)
for seed in range(100, 130):
    load_demo(store, seed=seed, n_tickers=300, years=3)
"""


def test_fault003_writer_killed_mid_write_site_serves_a_whole_version(tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    load_demo(Store(store_dir), seed=1, n_tickers=300, years=3)
    app = _app(store_dir, tmp_path / "cache")
    for delay in (0.3, 0.9, 1.7):
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        cmd = [sys.executable, "-c", KILLER, str(store_dir)]
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, env=env)
        assert proc.stdout is not None and proc.stdout.readline().strip() == b"ready"
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        m = Store(store_dir)._manifest()
        assert check_files(store_dir / "parts", m, full=True) == ""
        versions, values = _page(app.server)
        assert set(versions) == {m["version"]}
        assert "Cannot compute" not in str(values)
        code, body = _health(app.server)
        assert code == 200 and body["status"] == "ok" and body["version"] == m["version"]


@contextlib.contextmanager
def _tmpfs(path: Path, size_kib: int) -> Iterator[Path]:
    path.mkdir()
    if shutil.which("mount") is None or os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kib}k", "tmpfs",
                           str(path)], capture_output=True)  # fmt: skip
    if done.returncode != 0:
        pytest.skip(f"mount not permitted here: {done.stderr.decode().strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


@pytest.mark.parametrize("fault", ["disk-full", "read-only"])
def test_fault004_failed_write_keeps_the_store_and_the_site(tmp_path: Path, fault: str) -> None:
    seed_dir = tmp_path / "seed"
    load_demo(Store(seed_dir), seed=1, n_tickers=200, years=3)
    used = sum(p.stat().st_size for p in seed_dir.rglob("*") if p.is_file())
    with _tmpfs(tmp_path / "mnt", size_kib=int(used * 1.4) // 1024 + 64) as mnt:
        store_dir = mnt / "store"
        shutil.copytree(seed_dir, store_dir)
        before = Store(store_dir).version
        app = _app(store_dir, tmp_path / "cache")
        assert set(_page(app.server)[0]) == {before}
        if fault == "read-only":
            subprocess.run(["mount", "-o", "remount,ro", str(mnt)], check=True)
        with pytest.raises(StoreError) as err:
            load_demo(Store(store_dir), seed=2, n_tickers=200, years=3)
        expected = "disk full" if fault == "disk-full" else "read-only"
        assert expected in str(err.value) and "previous version is kept" in str(err.value)
        assert Store(store_dir).version == before
        assert check_files(store_dir / "parts", Store(store_dir)._manifest(), full=True) == ""
        assert not list(store_dir.rglob("*.tmp")), "temp files left behind"
        versions, values = _page(app.server)
        assert set(versions) == {before} and "Cannot compute" not in str(values)
        code, body = _health(app.server)
        assert code == 200 and body["version"] == before
        env = {**os.environ, "BREADTH_DATA_DIR": str(store_dir)}
        cli = subprocess.run([sys.executable, "cli.py", "demo"], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=120)  # fmt: skip
        assert cli.returncode != 0 and expected in cli.stderr, (cli.returncode, cli.stderr)
