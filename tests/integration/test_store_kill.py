"""A refresh killed with SIGKILL at random moments leaves exactly the old or the new version."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from data.store import Store
from tests.integration import store_kill_writer as writer

HELPER = Path(writer.__file__)
REPO = HELPER.parents[2]
TRIALS = 24


def content(store: Store) -> dict[str, Any]:
    p = store.read_prices(fields=("open", "high", "low", "close", "volume"))
    unis = {u.name: store.read_universe(u.name)[1] for u in store.list_universes()}
    m = store.manifest()
    return {"prices": p.panels(), "info": store.read_ticker_info(), "universes": unis,
            "refresh": m["refresh"], "source": m["source"]}  # fmt: skip


def same(a: dict[str, Any], b: dict[str, Any]) -> bool:
    if a["prices"].keys() != b["prices"].keys() or a["universes"].keys() != b["universes"].keys():
        return False
    for f in a["prices"]:
        x, y = a["prices"][f], b["prices"][f]
        if not (x.index.equals(y.index) and x.columns.equals(y.columns)):
            return False
        if not np.array_equal(x.to_numpy(), y.to_numpy(), equal_nan=True):
            return False
    return (a["info"].equals(b["info"]) and all(a["universes"][k].equals(b["universes"][k])
            for k in a["universes"]) and a["refresh"] == b["refresh"]
            and a["source"] == b["source"])  # fmt: skip


def test_store_kill001_sigkill_leaves_old_or_new(tmp_path: Path) -> None:
    base_dir = tmp_path / "base"
    Store(base_dir).write_prices(writer.base(), source_kind="files", source_label="base.csv")
    old = content(Store(base_dir))
    new_dir = tmp_path / "new"
    shutil.copytree(base_dir, new_dir)
    t0 = time.perf_counter()
    writer.write_update(Store(new_dir))
    duration = time.perf_counter() - t0
    new = content(Store(new_dir))
    assert not same(old, new)

    rng = random.Random(20240607)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    # the kill window follows the helper's own write time (a loaded machine is slower than
    # the in-process write above, and every kill would land before the commit)
    calib = tmp_path / "calibrate"
    shutil.copytree(base_dir, calib)
    proc = subprocess.Popen([sys.executable, str(HELPER), str(calib)], stdout=subprocess.PIPE,
                            text=True, env=env, cwd=REPO)  # fmt: skip
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    t0 = time.perf_counter()
    proc.wait(timeout=60)
    duration = max(duration, time.perf_counter() - t0)
    outcomes = []
    for trial in range(TRIALS):
        d = tmp_path / f"t{trial}"
        shutil.copytree(base_dir, d)
        proc = subprocess.Popen([sys.executable, str(HELPER), str(d)], stdout=subprocess.PIPE,
                                text=True, env=env, cwd=REPO)  # fmt: skip
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.0, duration * 1.3))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        got = content(Store(d))
        if same(got, old):
            outcomes.append("old")
        elif same(got, new):
            outcomes.append("new")
        else:
            pytest.fail(f"trial {trial}: the store is neither the old nor the new version")
        if trial % 6 == 0:  # the lock died with the writer: a next write goes through
            s = Store(d, lock_wait=0.5)
            s.set_refresh_summary({"after": trial})
            assert s.manifest()["refresh"] == {"after": trial}
    assert outcomes.count("old") and outcomes.count("new"), outcomes
    assert len(outcomes) == TRIALS
    assert pd.Timestamp(new["prices"]["close"].index[-1]) == pd.Timestamp("2024-01-05")
