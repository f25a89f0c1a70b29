"""Price files: long/wide, CSV/Parquet, adj_close scaling, and messages naming file/row/column."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from data.errors import InputError
from data.sources.files import read_price_file

LONG = """date,ticker,open,high,low,close,adj_close,volume
2024-01-02,AAA,10,12,9,11,5.5,100
2024-01-02,brk.b,400,410,395,405,405,7
2024-01-03,AAA,11,13,10,12,6,200
"""


def write(tmp_path: Path, text: str, name: str = "px.csv") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_files001_long_csv_adj_scaling_by_hand(tmp_path: Path) -> None:
    p = read_price_file(write(tmp_path, LONG))
    assert list(p.close.columns) == ["AAA", "BRK-B"] and p.close.index.name == "date"
    # AAA 2024-01-02: factor = 5.5 / 11 = 0.5 -> open 5, high 6, low 4.5, close 5.5
    row = {
        f: float(getattr(p, f).loc["2024-01-02", "AAA"]) for f in ("open", "high", "low", "close")
    }
    assert row == {"open": 5.0, "high": 6.0, "low": 4.5, "close": 5.5}
    assert float(p.high.loc["2024-01-03", "AAA"]) == pytest.approx(13 * 6 / 12)
    assert np.isnan(p.close.loc["2024-01-03", "BRK-B"])
    assert p.volume.loc["2024-01-03", "AAA"] == 200.0 and p.volume.dtypes.eq(np.float64).all()
    assert p.close.dtypes.eq(np.float32).all() and not p.close_only


def test_files002_long_parquet_close_only(tmp_path: Path) -> None:
    frame = pd.DataFrame({"date": pd.to_datetime(["2024-01-03", "2024-01-02", "2024-01-02"]),
                          "ticker": ["X", "X", "Y"], "adj_close": [2.0, 1.0, 3.0]})  # fmt: skip
    path = tmp_path / "c.parquet"
    frame.to_parquet(path)
    p = read_price_file(path)
    assert p.close_only and p.high is None and p.open is None
    assert p.close.loc["2024-01-02"].tolist() == [1.0, 3.0]
    assert p.close.loc["2024-01-03", "X"] == 2.0 and np.isnan(p.close.loc["2024-01-03", "Y"])


def test_files003_wide_csv_and_parquet(tmp_path: Path) -> None:
    text = "Date,SPY,brk.b\n2024-01-03,471.5,\n2024-01-02,470.25,360\n"
    p = read_price_file(write(tmp_path, text, "w.csv"))
    assert list(p.close.columns) == ["BRK-B", "SPY"] and p.close_only
    assert p.close["SPY"].tolist() == [470.25, 471.5]
    assert np.isnan(p.close.loc["2024-01-03", "BRK-B"])
    wide = pd.DataFrame({"date": pd.to_datetime(["2024-01-02"]), "QQQ": [400.5]})
    wide.to_parquet(tmp_path / "w.parquet")
    assert read_price_file(tmp_path / "w.parquet").close.loc["2024-01-02", "QQQ"] == 400.5


def test_files004_duplicates_same_values_are_merged(tmp_path: Path) -> None:
    p = read_price_file(write(tmp_path, "date,ticker,close\n2024-01-02,A,1\n2024-01-02,A,1\n"))
    assert p.close.shape == (1, 1)


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("ticker,close\nA,1\n", "column 'date'"),
        ("date,ticker,open\n2024-01-02,A,1\n", "column 'close'"),
        ("date,ticker,high,close\n2024-01-02,A,2,1\n", "column 'low'"),
        ("date,ticker,close\n2024-01-02,A,1\n2024-13-45,A,1\n", "row 2 (line 3), column 'date'"),
        ("date,ticker,close\n2024-01-02,A,1\n2024-01-03,A,abc\n", "row 2 (line 3), column 'close'"),
        ("date,ticker,close\n2024-01-02,A,0\n", "row 1 (line 2), column 'close'"),
        ("date,ticker,close\n2024-01-02,A,-3\n", "row 1 (line 2), column 'close'"),
        ("date,ticker,high,low,close\n2024-01-02,A,5,6,5.5\n", "row 1 (line 2), column 'high'"),
        ("date,ticker,close\n2024-01-02,A,1\n2024-01-02,A,2\n", "row 2 (line 3), column 'close'"),
        ("date,ticker,close\n2024-01-02,,1\n", "row 1 (line 2), column 'ticker'"),
        ("date,ticker,close\n", "no data rows"),
        ("", "empty"),
        ("date,SPY\n2024-01-02,x\n", "row 1 (line 2), column 'spy'"),
    ],
)
def test_files005_malformed_messages(tmp_path: Path, text: str, where: str) -> None:
    path = write(tmp_path, text, "bad.csv")
    with pytest.raises(InputError) as err:
        read_price_file(path)
    assert str(path) in str(err.value) and where in str(err.value)


def test_files006_size_limit_and_type(tmp_path: Path) -> None:
    path = write(tmp_path, LONG)
    with pytest.raises(InputError, match=r"over the .* limit"):
        read_price_file(path, max_bytes=10)
    with pytest.raises(InputError, match="unsupported"):
        read_price_file(write(tmp_path, "x", "a.xlsx"))


def test_files007_parquet_row_numbers(tmp_path: Path) -> None:
    frame = pd.DataFrame({"date": pd.to_datetime(["2024-01-02", "2024-01-03"]),
                          "ticker": ["A", "A"], "close": [1.0, -1.0]})  # fmt: skip
    frame.to_parquet(tmp_path / "n.parquet")
    with pytest.raises(
        InputError, match=r"n.parquet, row 2, column 'close': price must be positive"
    ):
        read_price_file(tmp_path / "n.parquet")


def test_files_dates001_one_format_per_file(tmp_path: Path) -> None:
    """Consistent US dates are read in that format (every one could be day-first too, so
    the format is given: test_import_policy covers the refusal without it); a file mixing
    formats is refused at the first row that differs (03/01/2024 is never silently 1 March
    next to ISO dates)."""
    us = tmp_path / "us.csv"
    us.write_text("date,ticker,close\n01/03/2024,AAA,1\n01/04/2024,AAA,2\n01/05/2024,AAA,3\n")
    got = read_price_file(us, date_format="%m/%d/%Y")
    assert list(got.dates.strftime("%Y-%m-%d")) == ["2024-01-03", "2024-01-04", "2024-01-05"]
    mixed = tmp_path / "mixed.csv"
    mixed.write_text("date,ticker,close\n2024-01-02,AAA,1\n2024-01-03,AAA,2\n03/01/2024,AAA,3\n")
    with pytest.raises(InputError) as err:
        read_price_file(mixed)
    assert str(err.value) == (
        f"{mixed}, row 3 (line 4), column 'date': cannot read '03/01/2024' as a date "
        "(the file's dates are written like '2024-01-02')"
    )
