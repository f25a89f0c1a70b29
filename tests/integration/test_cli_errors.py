"""Every CLI command's user errors: one ``error:`` line on stderr, exit code 2, no traceback
(issue #11 item 5). Commands run in-process through ``cli.main`` (fast); a few run as real
subprocesses to prove the same on the terminal."""

from __future__ import annotations

from pathlib import Path

import pytest

import cli
from tests.conftest import run_cli


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo-store")
    res = run_cli(path, "demo", "--tickers", "200", "--years", "3", "--seed", "5")
    assert res.returncode == 0, res.stderr
    return path


@pytest.fixture(scope="module")
def sessions(demo_dir: Path) -> tuple[str, str]:
    from data.store import Store

    manifest = Store(demo_dir).manifest()
    return str(manifest["first_date"])[:10], str(manifest["last_date"])[:10]


@pytest.fixture()
def paths(tmp_path: Path) -> dict[str, Path]:
    """A file, a folder, a bad ticker list and a missing path."""
    afile = tmp_path / "afile.txt"
    afile.write_text("x\n")
    adir = tmp_path / "adir"
    adir.mkdir()
    bad = tmp_path / "bad.txt"
    bad.write_text("AAPL\n$$$ not a ticker\n")
    return {"file": afile, "dir": adir, "bad": bad, "missing": tmp_path / "nope" / "x.csv"}


class Runner:
    """``cli.main(argv)`` in-process: (exit code, stdout, stderr)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
        self.monkeypatch, self.capsys = monkeypatch, capsys

    def __call__(self, data_dir: Path, *args: str) -> tuple[int, str, str]:
        self.monkeypatch.setenv("BREADTH_DATA_DIR", str(data_dir))
        self.capsys.readouterr()
        try:
            code = cli.main(list(args))
        except SystemExit as exc:
            code = int(exc.code or 0)
        out, err = self.capsys.readouterr()
        return code, out, err


@pytest.fixture()
def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Runner:
    return Runner(monkeypatch, capsys)


def assert_user_error(result: tuple[int, str, str], *needles: str) -> None:
    code, _, err = result
    lines = [line for line in err.strip().splitlines() if not line.startswith("note: ")]
    assert code == 2, (code, err)
    assert "Traceback" not in err
    assert len(lines) == 1 and lines[0].startswith("error: "), err  # notes may come first
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])


EXPORTS = (
    ("export", "breadth"),
    ("export", "rotation"),
    ("export", "rrg"),
    ("export", "claims"),
    ("export", "analogs"),
)


def test_clierr001_every_export_bad_out_is_one_line_exit2(
    run: Runner, demo_dir: Path, paths: dict[str, Path]
) -> None:
    """--out is checked in one place for every export: missing folder, a folder, a file used
    as a folder, an empty path (breadth raised FileNotFoundError & co. before)."""
    bad_outs = {
        str(paths["missing"]): "does not exist",
        str(paths["dir"]): "is a folder",
        str(paths["file"] / "b.csv"): "is a file, not a folder",
        "": "empty path",
    }
    for command in EXPORTS:
        for out, needle in bad_outs.items():
            assert_user_error(run(demo_dir, *command, "--out", out), "--out", needle)
    assert not paths["missing"].parent.exists()


def test_clierr002_out_checked_before_any_work(
    run: Runner, data_dir: Path, paths: dict[str, Path]
) -> None:
    """On an empty store the --out error is the one reported: options fail before work."""
    for command in EXPORTS:
        assert_user_error(run(data_dir, *command, "--out", str(paths["missing"])), "--out")
    code, _, err = run(data_dir, "export", "breadth")
    assert code == 2 and "store is empty" in err


def test_clierr003_report_out_errors(run: Runner, demo_dir: Path, paths: dict[str, Path]) -> None:
    """report --out: an existing file, a file as a parent folder, an unwritable place."""
    assert_user_error(run(demo_dir, "report", "--no-png", "--out", str(paths["file"])), "file")
    sub = paths["file"] / "sub"
    assert_user_error(run(demo_dir, "report", "--no-png", "--out", str(sub)), "not a folder")
    assert_user_error(
        run(demo_dir, "report", "--no-png", "--out", "/proc/breadth-report"), "cannot write"
    )
    assert paths["file"].read_text() == "x\n"


def test_clierr004_dates_one_rule_for_start_end_asof(
    run: Runner, demo_dir: Path, sessions: tuple[str, str]
) -> None:
    """Beyond the stored sessions: clamped with a note naming the session used; leaving
    nothing to export: an error (breadth/rotation/rrg exported an empty table with exit 0)."""
    first, last = sessions
    for command in EXPORTS[:3]:
        assert_user_error(run(demo_dir, *command, "--start", "2099-01-01"), "--start", last)
        assert_user_error(run(demo_dir, *command, "--end", "1990-01-01"), "--end", first)
        assert_user_error(
            run(demo_dir, *command, "--start", "2025-01-01", "--end", "2024-01-01"), "after"
        )
    for command in EXPORTS[3:]:
        assert_user_error(run(demo_dir, *command, "--asof", "1990-01-01"), "--asof", first)
        code, out, err = run(demo_dir, *command, "--asof", "2099-01-01")
        assert code == 0 and out, err
        note = f"note: --asof 2099-01-01 is after the last stored session; using {last}"
        assert note in err.splitlines() and "Traceback" not in err
    code, out, err = run(demo_dir, "export", "breadth", "--end", "2099-01-01")
    assert code == 0 and out.strip().splitlines()[-1].startswith(last)
    assert f"note: --end 2099-01-01 is after the last stored session; using {last}" in err


def test_clierr005_every_command_bad_input(
    run: Runner, demo_dir: Path, data_dir: Path, paths: dict[str, Path]
) -> None:
    """Unknown universe, bad ticker lists and files, bad dates and options, empty store,
    for every command: exit 2 and one line (export breadth --out was a traceback)."""
    bad, missing, adir = str(paths["bad"]), str(paths["missing"]), str(paths["dir"])
    cases: list[tuple[Path, tuple[str, ...]]] = [
        (demo_dir, ("export", "breadth", "--out", missing)),
        (demo_dir, ("demo", "--tickers", "10")),
        (demo_dir, ("import",)),
        (demo_dir, ("refresh", "--universe", "nosuch", "--no-progress")),
        (demo_dir, ("refresh", "--tickers", "$$bad", "--no-progress")),
        (demo_dir, ("universe", "add", "foo", missing)),
        (demo_dir, ("universe", "add", "foo", bad)),
        (demo_dir, ("universe", "add", "", bad)),
        (demo_dir, ("universe", "update", "nosuch")),
        (demo_dir, ("universe", "nosuch")),
        (demo_dir, ("export", "breadth", "--universe", "nosuch")),
        (demo_dir, ("export", "breadth", "--tickers-file", missing)),
        (demo_dir, ("export", "breadth", "--tickers-file", adir)),
        (demo_dir, ("export", "breadth", "--tickers-file", bad)),
        (demo_dir, ("export", "breadth", "--start", "2025-13-01")),
        (demo_dir, ("export", "breadth", "--windows", "20,4")),
        (demo_dir, ("export", "breadth", "--windows", "20,401")),
        (demo_dir, ("export", "breadth", "--windows", "20,,50")),
        (demo_dir, ("export", "breadth", "--windows", "20.5")),
        (demo_dir, ("export", "breadth", "--windows", "")),
        (demo_dir, ("export", "breadth", "--hl-weeks", "4,5")),
        (demo_dir, ("export", "breadth", "--hl-weeks", "fifty-two")),
        (demo_dir, ("export", "rrg", "--tickers", "XLK,$$bad")),
        (demo_dir, ("export", "rrg", "--tickers", "NOPE")),
        (demo_dir, ("export", "rrg", "--benchmark", "NOPE")),
        (demo_dir, ("export", "claims", "--universe", "nosuch")),
        (demo_dir, ("export", "claims", "--compare", "nosuch")),
        (demo_dir, ("export", "analogs", "--universe", "nosuch")),
        (demo_dir, ("export", "analogs", "--table", "nosuch")),
        (demo_dir, ("report", "--no-png")),
        (data_dir, ("report", "--no-png", "--out", adir)),
        *((data_dir, command) for command in EXPORTS),
    ]
    for store, args in cases:
        assert_user_error(run(store, *args))


def test_clierr007_window_lists_name_the_option_and_the_rule(run: Runner, demo_dir: Path) -> None:
    assert_user_error(
        run(demo_dir, "export", "breadth", "--windows", "20,3"),
        "--windows",
        "'3'",
        "whole numbers from 5 to 400",
    )
    assert_user_error(
        run(demo_dir, "export", "breadth", "--hl-weeks", "4,12"), "--hl-weeks", "4, 13, 26, 52"
    )


def test_clierr006_terminal_one_line_no_traceback(demo_dir: Path, tmp_path: Path) -> None:
    """The two reported tracebacks, as a user sees them (real processes)."""
    afile = tmp_path / "existing.html"
    afile.write_text("keep")
    for args in (
        ("export", "breadth", "--out", str(tmp_path / "nonexistent" / "b.csv")),
        ("report", "--no-png", "--out", str(afile)),
    ):
        res = run_cli(demo_dir, *args)
        assert res.returncode == 2 and "Traceback" not in res.stderr, res.stderr
        assert len(res.stderr.strip().splitlines()) == 1 and res.stderr.startswith("error: ")
    assert afile.read_text() == "keep"
