"""server/memory.py: Arrow on the system allocator, glibc's mmap threshold fixed and its
arenas capped, the heap trimmed after each view (mem004, mem005), so a worker's freed panels
go back to the OS. The RSS effect is measured in the bench (T5, bench/targets_views.py: the
first view on the real store adds ~20 MB instead of ~200 MB; a gunicorn worker after 100
views: 315 MB instead of 353 MB); a small synthetic loop here does not fragment the heap the
way real views do. mem003 checks the C++ side in fresh interpreters: Arrow's own code
allocates from the pool that ARROW_DEFAULT_MEMORY_POOL named when pyarrow loaded, whatever
``pa.set_memory_pool`` says."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pytest

from server import memory
from server.memory import return_freed_memory


@pytest.mark.skipif(platform.system() != "Linux", reason="glibc")
def test_mem001_arrow_uses_the_system_allocator_and_mallopt_is_set() -> None:
    done = return_freed_memory()
    assert pa.default_memory_pool().backend_name == "system"
    assert done == ["arrow: system allocator", "glibc: mmap threshold 64 KiB", "glibc: 2 arenas"]
    assert return_freed_memory() == done  # idempotent


def test_mem002_create_app_sets_them(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from app import create_app
    from settings import load_settings

    pa.set_memory_pool(pa.mimalloc_memory_pool())
    create_app(load_settings(data_dir=tmp_path / "d", cache_dir=tmp_path / "c", warmup=False))
    assert pa.default_memory_pool().backend_name == "system"


@pytest.mark.skipif(platform.system() != "Linux", reason="glibc")
def test_mem004_trims_after_each_view_once_it_is_sent(monkeypatch: pytest.MonkeyPatch) -> None:
    import flask

    calls: list[str] = []
    real = memory._trimmer()
    assert real is not None
    real()  # glibc's malloc_trim itself runs here (returns 1 or 0)
    monkeypatch.setattr(memory, "_trimmer", lambda: lambda: calls.append("trim"))
    server = flask.Flask(__name__)
    server.add_url_rule("/_dash-update-component", "cb", lambda: ("{}", 200))
    server.add_url_rule("/assets/app.css", "css", lambda: ("body{}", 200))
    assert memory.install(server)
    client = server.test_client()
    response = client.get("/assets/app.css")
    response.close()
    assert calls == []  # a static file: nothing to give back
    response = client.get("/_dash-update-component")
    assert response.status_code == 200
    response.close()  # the server closes a response once it is sent
    assert calls == ["trim"]


def test_mem005_create_app_installs_the_trim(tmp_path: Path) -> None:
    from app import create_app
    from settings import load_settings

    app = create_app(load_settings(data_dir=tmp_path / "d", cache_dir=tmp_path / "c", warmup=False))
    hooks = [getattr(f, "__name__", "") for f in app.server.after_request_funcs[None]]
    assert "_trim_after" in hooks


READ_AFTER = """
import os, sys
{first}
import pandas as pd, pyarrow as pa, pyarrow.parquet as pq
path = sys.argv[1]
pd.DataFrame({{"close": [float(i) for i in range(200_000)]}}).to_parquet(path)
pq.read_table(path)  # the C++ reader allocates from the C++ default pool
print(pa.default_memory_pool().backend_name, pa.mimalloc_memory_pool().max_memory())
"""


def _read_after(first: str, tmp_path: Path, env_pool: str | None = None) -> tuple[str, int]:
    """(Arrow's default pool, bytes mimalloc ever held) in a fresh interpreter that runs
    ``first``, then writes and reads a 1.6 MB Parquet file."""
    env = {k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"}
    if env_pool:
        env["ARROW_DEFAULT_MEMORY_POOL"] = env_pool
    code = READ_AFTER.format(first=first)
    root = Path(__file__).resolve().parents[2]
    argv = [sys.executable, "-c", code, str(tmp_path / "p.parquet")]
    out = subprocess.run(argv, cwd=root, env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    name, held = out.stdout.split()
    return name, int(held)


def test_mem003_importing_app_keeps_arrows_cpp_code_off_mimalloc(tmp_path: Path) -> None:
    try:
        pa.mimalloc_memory_pool()
    except NotImplementedError:
        pytest.skip("this pyarrow has no mimalloc: nothing to keep off")
    # control: pyarrow loaded first, the Parquet reader's buffers come from mimalloc
    name, held = _read_after("", tmp_path)
    assert name == "mimalloc" and held > 1_000_000
    # app first (as gunicorn and python app.py load it): the C++ default is the system pool
    name, held = _read_after("import app", tmp_path)
    assert (name, held) == ("system", 0)
    # an operator's own choice stands
    name, _ = _read_after("import app", tmp_path, env_pool="mimalloc")
    assert name == "mimalloc"
