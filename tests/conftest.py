"""Shared fixtures: the real data folder (skipped when absent) and a temporary store dir."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"


def run_cli(
    data_dir: Path, *args: str, timeout: float = 600, **env: str
) -> subprocess.CompletedProcess[str]:
    """``python cli.py ARGS`` as a user runs it, on the store ``data_dir`` (``env``: more
    ``BREADTH_*`` variables); text output captured."""
    return subprocess.run(
        [sys.executable, str(REPO / "cli.py"), *args],
        capture_output=True,
        text=True,
        env={**os.environ, "BREADTH_DATA_DIR": str(data_dir), **env},
        timeout=timeout,
    )


@pytest.fixture(autouse=True)
def _stop_warmups() -> Iterator[None]:
    """After each test, stop the background warm-ups its apps started (between views) and
    wait for them: one test's app warming every universe during the next test only loads
    the machine. (Browser tests also stop them before dash_duo kills its server's threads:
    tests/browser/conftest.py.)"""
    yield
    from server.warmup import stop_all

    stop_all(timeout=60.0)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """../shared/data, read in place; the test is skipped when it is absent."""
    if not (SHARED_DATA / "us_close_2013_2026" / "prices.parquet").exists():
        pytest.skip("../shared/data is absent")
    return SHARED_DATA


@pytest.fixture()
def data_dir(tmp_path: Path) -> Path:
    """An empty store folder."""
    path = tmp_path / "store"
    path.mkdir()
    return path
