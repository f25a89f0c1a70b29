"""bench/bench_all.py: which groups run, a crashing or missing group becomes a row, and
``--code`` puts this bench code ahead of the measured checkout."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

import bench.bench_all as ba
from bench.targets import Opts


def test_ball001_only_picks_the_groups_of_the_targets() -> None:
    assert ba.groups_for("") == list(ba.GROUPS)
    assert ba.groups_for("t1, T5") == ["kernel", "views"]
    assert ba.groups_for("T7") == ["page"]
    with pytest.raises(SystemExit, match="T9"):
        ba.groups_for("T1,T9")


def _fake_group(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, body: str) -> Opts:
    pkg = tmp_path / "code" / "fakebench"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "mod.py").write_text(body)
    monkeypatch.setitem(ba.GROUPS, "fake", ("fakebench.mod", ("T1",)))
    monkeypatch.setattr(ba, "GROUPS", ba.GROUPS)
    return Opts(store=tmp_path, real=False, work=tmp_path, quick=True)


def test_ball002_rows_come_back_from_the_subprocess(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    body = (
        "from bench.targets import Row\n"
        "def measure(opts):\n"
        "    return [Row('T1', 'x', 2.5 if opts.quick else 0.0, 's', 3.0)]\n"
    )
    opts = _fake_group(monkeypatch, tmp_path, body)
    rows = ba.run_group("fake", opts, [str(ba.ROOT), str(tmp_path / "code")], timeout=120)
    assert [(r.metric, r.value, r.verdict) for r in rows] == [("x", 2.5, "pass")]


def test_ball003_a_crash_is_a_row_saying_why(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    opts = _fake_group(
        monkeypatch, tmp_path, "def measure(opts):\n    raise OSError('disk full')\n"
    )
    (row,) = ba.run_group("fake", opts, [str(ba.ROOT), str(tmp_path / "code")], timeout=120)
    assert row.verdict == "skipped" and math.isnan(row.value)
    assert "crashed" in row.metric and "disk full" in row.note


def test_ball004_code_path_puts_a_copy_of_this_bench_first(tmp_path: Path) -> None:
    other = tmp_path / "before"
    other.mkdir()
    path = ba.child_path(other, tmp_path / "work")
    assert path[1] == str(other.resolve())
    assert (Path(path[0]) / "bench" / "targets.py").read_text() == (
        ba.HERE / "targets.py"
    ).read_text()
    assert ba.child_path(None, tmp_path / "w2") == [str(ba.ROOT)]
