"""Shared fixtures: the real data folder (skipped when absent) and a temporary store dir."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"


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
