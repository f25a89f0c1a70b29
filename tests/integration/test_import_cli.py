"""Issue #11 items 3-4 end to end: `cli.py import` refuses a file it cannot store faithfully
with one `error:` line (file, row, column), exit code 2 and the store byte-for-byte unchanged;
changing stored bars needs --overwrite; the summary counts new tickers, sessions, changed bars.
"""

from __future__ import annotations

import subprocess
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from data.store import Store
from tests.conftest import run_cli as _run_cli


def run_cli(store: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """``python cli.py import ARGS`` on the store ``store``."""
    return _run_cli(store, "import", *args, timeout=300, **env)


BASE = """date,ticker,close
2024-01-02,AAA,10.1
2024-01-03,AAA,10.2
2024-01-04,AAA,10.3
2024-01-02,BBB,20.5
2024-01-03,BBB,20.25
"""


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file of the store folder, by relative path, with its bytes."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}  # fmt: skip


@pytest.fixture()
def filled(tmp_path: Path) -> Path:
    """A store holding BASE (AAA, BBB; 2024-01-02..04), written by the CLI."""
    store = tmp_path / "store"
    base = tmp_path / "base.csv"
    base.write_text(BASE)
    res = run_cli(store, str(base))
    assert res.returncode == 0, res.stderr
    return store


def assert_refused(store: Path, path: Path, expected: str, *args: str, **env: str) -> None:
    """Exit 2, exactly `error: <expected>` on stderr (no warning, no traceback), nothing on
    stdout, and the store's files and manifest version as they were."""
    before, version = snapshot(store), Store(store).version
    res = run_cli(store, *args, str(path), **env)
    assert res.returncode == 2, (res.stdout, res.stderr)
    assert res.stderr == f"error: {expected}\n"
    assert res.stdout == ""
    assert snapshot(store) == before and Store(store).version == version


def parquet(path: Path, **columns: pa.Array | list[object]) -> Path:
    pq.write_table(pa.table(columns), path)
    return path


BAD_CSV = {
    "far-future": ("date,ticker,close\n2024-01-05,AAA,1\n9999-12-31,AAA,2\n",
                   "row 2 (line 3), column 'date': date 9999-12-31 is after the last accepted"),
    "year-one": ("date,ticker,close\n0001-01-01,AAA,1\n",
                 "row 1 (line 2), column 'date': date 0001-01-01 is before the first accepted date "
                 "1900-01-01 (BREADTH_IMPORT_MIN_DATE)"),
    "ns-wrap": ("date,ticker,close\n1677-09-21,AAA,1\n",
                "row 1 (line 2), column 'date': date 1677-09-21 is before the first accepted date "
                "1900-01-01 (BREADTH_IMPORT_MIN_DATE)"),
    "one-row-2200": ("date,ticker,close\n2024-01-05,AAA,1\n2200-01-01,CCC,2\n",
                     "row 2 (line 3), column 'date': date 2200-01-01 is after the last accepted"),
    "ambiguous": ("date,ticker,close\n01/07/2025,AAPL,1\n02/07/2025,AAPL,2\n",
                  "column 'date': every date could be day-first or month-first (e.g. '01/07/2025')"
                  " and no row decides it: pass --date-format %d/%m/%Y (day first) or %m/%d/%Y "
                  "(month first)"),
    "tiny-close": ("date,ticker,close\n2024-01-05,AAA,1e-50\n",
                   "row 1 (line 2), column 'close': too small to store: float32 would round it to "
                   "0 or a subnormal, got 1e-50"),
    "int64-close": ("date,ticker,close\n2024-01-05,AAA,9223372036854775807\n",
                    "row 1 (line 2), column 'close': implausibly large value (over 1e+15), got "
                    "9.22337e+18"),
    "dup-header": ("date,AAPL,aapl\n2024-01-05,1,2\n",
                   "column 'aapl': columns 2 ('AAPL') and 3 ('aapl') have the same name (case is "
                   "ignored): rename or drop one"),
    "mixed-tz": ("date,ticker,close\n2025-06-02T15:30:00Z,AAA,1\n2025-06-03,AAA,2\n",
                 "row 2 (line 3), column 'date': '2025-06-03' has no time zone, unlike row 1 "
                 "('2025-06-02T15:30:00Z'): write every date with the same kind of time zone, or "
                 "none"),
    "typo-header": ("date,tikcer,close\n2024-01-05,AAPL,1\n",
                    "row 1 (line 2), column 'tikcer': 'AAPL' is not a number: the file has no "
                    "'ticker' column (columns seen: date, tikcer, close), so it was read as a wide "
                    "file (date + one close column per ticker)"),
    "bad-kind": ("date,ticker,close,kind\n2024-01-05,AAA,1,stock\n2024-01-05,QQQ,2,fund\n",
                 "row 2 (line 3), column 'kind': kind 'fund' is not one of stock, etf, index"),
}  # fmt: skip


@pytest.mark.parametrize("case", list(BAD_CSV))
def test_ic001_bad_csv_is_one_line_exit_2_store_unchanged(
    filled: Path, tmp_path: Path, case: str
) -> None:
    text, message = BAD_CSV[case]
    path = tmp_path / f"{case}.csv"
    path.write_text(text)
    before, version = snapshot(filled), Store(filled).version
    res = run_cli(filled, str(path))
    assert res.returncode == 2, (res.stdout, res.stderr)
    assert res.stderr.startswith(f"error: {path}, {message}") and res.stderr.count("\n") == 1
    assert "Warning" not in res.stderr and res.stdout == ""
    assert snapshot(filled) == before and Store(filled).version == version


def test_ic002_bad_parquet_is_one_line_exit_2_store_unchanged(filled: Path, tmp_path: Path) -> None:
    one = pa.array([date(2024, 1, 5)], pa.date32())
    cases = {
        "ts2300": (
            parquet(tmp_path / "ts2300.parquet", ticker=["A"], close=[1.0],
                    date=pa.array([datetime(2300, 1, 1)], pa.timestamp("us"))),
            "row 1, column 'date': date 2300-01-01 is after the last accepted date",
        ),
        "d3000": (
            parquet(tmp_path / "d3000.parquet", ticker=["A"], close=[1.0],
                    date=pa.array([date(3000, 1, 1)], pa.date32())),
            "row 1, column 'date': date 3000-01-01 is after the last accepted date",
        ),
        "int64max": (
            parquet(tmp_path / "i64.parquet", date=one, ticker=["A"],
                    close=pa.array([2**63 - 1], pa.int64())),
            "row 1, column 'close': implausibly large value (over 1e+15), got 9.22337e+18",
        ),
        "list": (
            parquet(tmp_path / "list.parquet", date=one, ticker=["A"], close=pa.array([[1.0]])),
            "column 'close': holds list<element: double> values, expected numbers, dates or text",
        ),
        "struct": (
            parquet(tmp_path / "struct.parquet", date=one, ticker=["A"],
                    close=pa.array([{"x": 1.0}])),
            "column 'close': holds struct<x: double> values, expected numbers, dates or text",
        ),
    }  # fmt: skip
    for name, (path, message) in cases.items():
        before, version = snapshot(filled), Store(filled).version
        res = run_cli(filled, str(path))
        assert res.returncode == 2, (name, res.stderr)
        assert res.stderr.startswith(f"error: {path}, {message}"), name
        assert res.stderr.count("\n") == 1 and "Traceback" not in res.stderr, name
        assert snapshot(filled) == before and Store(filled).version == version, name


def test_ic003_date_format_option_and_day_first_files(tmp_path: Path) -> None:
    store = tmp_path / "s"
    amb = tmp_path / "amb.csv"
    amb.write_text("date,ticker,close\n01/07/2025,AAPL,1\n02/07/2025,AAPL,2\n")
    res = run_cli(store, str(amb))
    assert res.returncode == 2 and "--date-format" in res.stderr and not store.exists()
    res = run_cli(store, "--date-format", "%d/%m/%Y", str(amb))
    assert res.returncode == 0, res.stderr
    assert "2 sessions 2025-07-01..2025-07-02" in res.stdout and res.stderr == ""
    day_first = tmp_path / "dmy.csv"
    day_first.write_text("date,ticker,close\n03/07/2025,MSFT,1\n13/07/2025,MSFT,2\n")
    res = run_cli(tmp_path / "t", str(day_first))
    assert res.returncode == 0 and res.stderr == "", res.stderr  # no pandas UserWarning
    close = Store(tmp_path / "t").read_prices().close
    assert list(close.index.strftime("%Y-%m-%d")) == ["2025-07-03", "2025-07-13"]


def test_ic004_bounds_are_settings(filled: Path, tmp_path: Path) -> None:
    path = tmp_path / "old.csv"
    path.write_text("date,ticker,close\n2023-12-29,AAA,9.9\n")
    assert_refused(
        filled, path,
        f"{path}, row 1 (line 2), column 'date': date 2023-12-29 is before the first accepted "
        "date 2024-01-01 (BREADTH_IMPORT_MIN_DATE)",
        BREADTH_IMPORT_MIN_DATE="2024-01-01",
    )  # fmt: skip
    res = run_cli(filled, str(path), BREADTH_IMPORT_MIN_DATE="1600-01-01")
    assert res.returncode == 2 and res.stderr.startswith("error: BREADTH_IMPORT_MIN_DATE")
    assert run_cli(filled, str(path)).returncode == 0


def test_ic010_new_tickers_and_sessions_merge_equal_bars_are_unchanged(
    filled: Path, tmp_path: Path
) -> None:
    """Same values (10.1000001 is 10.1 in float32), one new ticker, one new session."""
    path = tmp_path / "more.csv"
    path.write_text("date,ticker,close\n2024-01-03,AAA,10.2000001\n2024-01-05,AAA,10.5\n"
                    "2024-01-02,CCC,3\n2024-01-04,BBB,20.75\n")  # fmt: skip
    res = run_cli(filled, str(path))
    assert res.returncode == 0, res.stderr
    assert "merged into the store: 1 new ticker(s), 1 new session(s), 0 bar(s) changed" in (
        res.stdout
    )
    close = Store(filled).read_prices().close
    assert close["AAA"].tolist() == [np.float32(v) for v in (10.1, 10.2, 10.3, 10.5)]
    assert close.loc["2024-01-04", "BBB"] == 20.75 and close.loc["2024-01-02", "CCC"] == 3


def test_ic011_changing_stored_bars_needs_overwrite(filled: Path, tmp_path: Path) -> None:
    path = tmp_path / "fix.csv"
    path.write_text("date,ticker,close\n2024-01-03,AAA,11\n2024-01-04,AAA,12\n"
                    "2024-01-02,BBB,20.5\n2024-01-03,BBB,21\n2024-01-05,DDD,1\n")  # fmt: skip
    assert_refused(
        filled, path,
        "fix.csv: would change 3 stored bar(s) of 2 ticker(s) (AAA, BBB) from 2024-01-03 to "
        "2024-01-04; nothing was imported. Pass --overwrite to change them, or --replace to "
        "replace the whole store",
    )  # fmt: skip
    res = run_cli(filled, "--overwrite", str(path))
    assert res.returncode == 0, res.stderr
    assert "1 new ticker(s), 1 new session(s), 3 bar(s) changed" in res.stdout
    close = Store(filled).read_prices().close
    assert close["AAA"].iloc[:3].tolist() == [np.float32(10.1), 11.0, 12.0]
    assert np.isnan(close.loc["2024-01-05", "AAA"])
    assert close.loc["2024-01-03", "BBB"] == 21 and close.loc["2024-01-05", "DDD"] == 1


def test_ic012_replace_still_replaces_the_whole_store(filled: Path, tmp_path: Path) -> None:
    path = tmp_path / "new.csv"
    path.write_text("date,ticker,close\n2024-01-03,AAA,99\n")
    res = run_cli(filled, "--replace", str(path))
    assert res.returncode == 0, res.stderr
    assert "replaced the store: 1 new ticker(s), 1 new session(s), 0 bar(s) changed" in res.stdout
    close = Store(filled).read_prices().close
    assert list(close.columns) == ["AAA"] and close["AAA"].tolist() == [99.0]


def test_ic013_kind_column_is_stored_as_ticker_kind(filled: Path, tmp_path: Path) -> None:
    path = tmp_path / "kinds.csv"
    path.write_text("date,ticker,close,kind\n2024-01-05,SPY,470,etf\n2024-01-05,AAA,10.6,Stock\n"
                    "2024-01-05,^GSPC,4700,index\n2024-01-05,ZZZ,5,\n")  # fmt: skip
    res = run_cli(filled, str(path))
    assert res.returncode == 0, res.stderr
    info = Store(filled).read_ticker_info().set_index("ticker")["kind"]
    assert set(info.index) == {"AAA", "BBB", "SPY", "ZZZ", "^GSPC"}
    assert info.dropna().to_dict() == {"AAA": "stock", "SPY": "etf", "^GSPC": "index"}
