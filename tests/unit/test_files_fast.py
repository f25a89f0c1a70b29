"""The long-file reader's fast path (#16 T6): dates and tickers coded once per distinct value,
cells scattered ticker-major, columns checked by their extremes. Random Parquet files in every
layout the path distinguishes (dictionary or plain tickers; timestamp, zoned timestamp, date32
or text dates; float32 or float64 prices; rows in any order, gaps, repeated rows) read exactly
as a naive pandas pivot reads them, and messages still name a value's first row."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from data.errors import InputError
from data.sources.files import read_import_file

BOUNDS = (date(1900, 1, 1), date(2030, 1, 1))
NAMES = ["AAA", "brk.b", "X", "ZZZZ", "msft"]
SHOWN = {"AAA": "AAA", "brk.b": "BRK-B", "X": "X", "ZZZZ": "ZZZZ", "msft": "MSFT"}
FIELDS = ("open", "high", "low", "close", "volume")


def reference(frame: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Field -> dates × tickers by pandas' pivot: the plain reading of a long file (rows
    repeated with equal values collapse; prices as float32, volume float64)."""
    long = frame.assign(ticker=frame["ticker"].map(SHOWN), date=frame["day"])
    long = long.drop_duplicates(["date", "ticker"])
    out = {}
    for f in FIELDS:
        wide = long.pivot(index="date", columns="ticker", values=f).sort_index()
        wide = wide.reindex(columns=sorted(wide.columns))
        out[f] = wide.astype(np.float64 if f == "volume" else np.float32)
    return out


def make(rng: np.random.Generator, n_rows: int) -> pd.DataFrame:
    """Random long rows: distinct (day, ticker) cells, some NaN prices, then a few rows
    repeated verbatim and everything shuffled."""
    days = pd.to_datetime("2001-01-01") + pd.to_timedelta(rng.integers(0, 400, n_rows), "D")
    tick = rng.choice(NAMES, n_rows)
    frame = pd.DataFrame({"day": days.normalize(), "ticker": tick})
    frame = frame.drop_duplicates(["day", "ticker"]).reset_index(drop=True)
    low = rng.uniform(1.0, 500.0, len(frame))
    high = low * (1 + rng.uniform(0, 0.05, len(frame)))
    frame["open"], frame["high"], frame["low"] = low * 1.01, high, low
    frame["close"] = np.where(rng.random(len(frame)) < 0.1, np.nan, low * 1.02)
    frame["volume"] = rng.integers(0, 10**9, len(frame)).astype(np.float64)
    repeated = frame.sample(n=min(3, len(frame)), random_state=int(rng.integers(1 << 30)))
    frame = pd.concat([frame, repeated], ignore_index=True)
    return frame.sample(frac=1.0, random_state=int(rng.integers(1 << 30))).reset_index(drop=True)


def date_column(days: pd.Series, kind: str) -> pa.Array:
    if kind == "timestamp":
        return pa.array(days.to_numpy().astype("datetime64[us]"), pa.timestamp("us"))
    if kind == "zoned":  # 15:00 New York is the same wall-clock day
        utc = (days + pd.Timedelta(hours=20)).to_numpy().astype("datetime64[s]")
        return pa.array(utc, pa.timestamp("s", tz="UTC")).cast(
            pa.timestamp("s", tz="America/New_York")
        )
    if kind == "date32":
        return pa.array(days.dt.date.to_list(), pa.date32())
    return pa.array(days.dt.strftime("%Y-%m-%d").to_list(), pa.string())


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    seed=st.integers(0, 2**31 - 1),
    n_rows=st.integers(1, 300),
    dates=st.sampled_from(["timestamp", "zoned", "date32", "text"]),
    dictionary=st.booleans(),
    float32=st.booleans(),
    row_group=st.sampled_from([7, 50, 10_000]),
)
def test_ff001_random_long_parquet_equals_pandas_pivot(
    tmp_path: Path, seed: int, n_rows: int, dates: str, dictionary: bool, float32: bool,
    row_group: int,
) -> None:  # fmt: skip
    frame = make(np.random.default_rng(seed), n_rows)
    ticker = pa.array(frame["ticker"].to_list(), pa.string())
    price = pa.float32() if float32 else pa.float64()
    if float32:  # the reference sees the values the file holds
        for f in ("open", "high", "low", "close"):
            frame[f] = frame[f].astype(np.float32).astype(np.float64)
        frame["high"] = np.maximum(frame["high"], frame["low"])
    table = pa.table({
        "date": date_column(frame["day"], dates),
        "ticker": ticker.dictionary_encode() if dictionary else ticker,
        **{f: pa.array(frame[f].to_numpy(), price) for f in ("open", "high", "low", "close")},
        "volume": pa.array(frame["volume"].to_numpy(), pa.float64()),
    })  # fmt: skip
    path = tmp_path / f"r{seed}.parquet"
    pq.write_table(table, path, row_group_size=row_group)  # several chunks per column
    got = read_import_file(path, date_bounds=BOUNDS).prices
    want = reference(frame)
    for f in FIELDS:
        panel = getattr(got, f)
        assert panel.dtypes.eq(want[f].dtypes.iloc[0]).all(), f
        np.testing.assert_array_equal(panel.index.to_numpy(), want[f].index.to_numpy(), f)
        assert list(panel.columns) == list(want[f].columns), f
        np.testing.assert_array_equal(panel.to_numpy(), want[f].to_numpy(), f)


def parquet(tmp_path: Path, columns: dict[str, pa.Array], name: str = "f.parquet") -> Path:
    path = tmp_path / name
    pq.write_table(pa.table(columns), path, row_group_size=2)
    return path


def message(path: Path) -> str:
    with pytest.raises(InputError) as err:
        read_import_file(path, date_bounds=BOUNDS)
    return str(err.value)


def test_ff002_a_typed_date_message_names_the_first_row_of_that_date(tmp_path: Path) -> None:
    stamps = [datetime(2024, 1, 2), datetime(2024, 1, 3), datetime(1850, 1, 1),
              datetime(2024, 1, 2), datetime(1850, 1, 1), datetime(2031, 5, 5)]  # fmt: skip
    path = parquet(tmp_path, {
        "date": pa.array(stamps, pa.timestamp("us")),
        "ticker": pa.array(["A", "B", "A", "C", "D", "E"]),
        "close": pa.array([1.0] * 6),
    })  # fmt: skip
    assert message(path) == (
        f"{path}, row 3, column 'date': date 1850-01-01 is before the first accepted date "
        "1900-01-01 (BREADTH_IMPORT_MIN_DATE)"
    )
    late = parquet(tmp_path, {
        "date": pa.array(stamps[:2] + stamps[3:4] + stamps[5:], pa.timestamp("us")),
        "ticker": pa.array(["A", "B", "C", "E"]), "close": pa.array([1.0] * 4),
    }, "late.parquet")  # fmt: skip
    assert message(late).startswith(f"{late}, row 4, column 'date': date 2031-05-05 is after")
    empty = parquet(tmp_path, {
        "date": pa.array([datetime(2024, 1, 2), datetime(2024, 1, 2), None], pa.timestamp("us")),
        "ticker": pa.array(["A", "B", "C"]), "close": pa.array([1.0] * 3),
    }, "empty.parquet")  # fmt: skip
    assert message(empty) == f"{empty}, row 3, column 'date': empty date"


def test_ff003_dictionary_tickers_unused_entries_pass_used_bad_ones_name_their_row(
    tmp_path: Path,
) -> None:
    day = pa.array([datetime(2024, 1, 2)] * 3, pa.timestamp("us"))
    unused = pa.DictionaryArray.from_arrays(pa.array([0, 2, 0], pa.int32()),
                                            pa.array(["aaa", "bad ticker!", "b"]))  # fmt: skip
    path = parquet(tmp_path, {"date": day, "ticker": unused, "close": pa.array([1.0, 2.0, 1.0])})
    close = read_import_file(path, date_bounds=BOUNDS).prices.close
    assert list(close.columns) == ["AAA", "B"] and close.iloc[0].tolist() == [1.0, 2.0]
    used = pa.DictionaryArray.from_arrays(pa.array([0, 2, 1], pa.int32()),
                                          pa.array(["aaa", "bad ticker!", "b"]))  # fmt: skip
    bad = parquet(
        tmp_path, {"date": day, "ticker": used, "close": pa.array([1.0] * 3)}, "b.parquet"
    )
    assert message(bad).startswith(f"{bad}, row 3, column 'ticker': ")
    aliases = pa.DictionaryArray.from_arrays(
        pa.array([0, 1], pa.int32()), pa.array(["brk.b", "BRK-B"])
    )
    two = parquet(tmp_path, {"date": day[:2], "ticker": aliases, "close": pa.array([5.0, 6.0])},
                  "two.parquet")  # fmt: skip
    assert message(two) == (
        f"{two}, row 2, column 'close': duplicate date and ticker with different values (row 1)"
    )


def test_ff004_extremes_check_agrees_with_the_row_checks(tmp_path: Path) -> None:
    """The two-reduction shortcut passes only columns every per-row check passes; a column it
    does not pass still gets the per-row message."""
    day = pa.array([datetime(2024, 1, d) for d in (2, 3, 4)], pa.timestamp("us"))
    tiny = float(np.finfo(np.float32).tiny)
    for values, why in (
        ([1.0, np.inf, 2.0], "row 2, column 'close': not a finite number"),
        ([1.0, 2.0, -0.0], "row 3, column 'close': price must be positive"),
        ([1.0, 2e15, 2.0], "row 2, column 'close': implausibly large value"),
        ([tiny / 2, 1.0, 1.0], "row 1, column 'close': too small to store"),
    ):
        path = parquet(tmp_path, {"date": day, "ticker": pa.array(["A"] * 3),
                                  "close": pa.array(values)})  # fmt: skip
        assert why in message(path), values
    path = parquet(tmp_path, {"date": day, "ticker": pa.array(["A"] * 3),
                              "close": pa.array([tiny, 1e15, None], pa.float64()),
                              "volume": pa.array([0.0, -0.0, None])})  # fmt: skip
    got = read_import_file(path, date_bounds=BOUNDS).prices
    assert got.close["A"].tolist()[:2] == [np.float32(tiny), np.float32(1e15)]
    assert got.volume["A"].tolist()[:2] == [0.0, 0.0]


def test_ff005_chunked_columns_name_the_file_row(tmp_path: Path) -> None:
    """Columns read as several Arrow chunks (row groups of 2 here) are checked chunk by chunk
    and still name the file's row; a chunk holding only empty cells passes."""
    day = pa.array([datetime(2024, 1, d) for d in range(2, 7)], pa.timestamp("us"))
    cols = {"date": day, "ticker": pa.array(["A"] * 5),
            "high": pa.array([2.0, 2.0, 2.0, 1.0, 2.0], pa.float32()),
            "low": pa.array([1.0, 1.0, 1.0, 2.0, 1.0], pa.float32()),
            "close": pa.array([1.5] * 5, pa.float32())}  # fmt: skip
    path = parquet(tmp_path, cols)
    assert pq.ParquetFile(path).metadata.num_row_groups == 3
    assert message(path) == f"{path}, row 4, column 'high': high 1 < low 2"
    cols["high"] = pa.array([2.0] * 5, pa.float32())
    cols["close"] = pa.array([1.5, 1.5, 1.5, 1.5, 0.0], pa.float32())
    assert message(parquet(tmp_path, cols, "z.parquet")).endswith(
        "row 5, column 'close': price must be positive, got 0"
    )
    cols["close"] = pa.array([None, None, 1.5, 1.5, 1.5], pa.float32())
    got = read_import_file(parquet(tmp_path, cols, "ok.parquet"), date_bounds=BOUNDS).prices
    assert got.close["A"].isna().tolist() == [True, True, False, False, False]
    assert got.high["A"].tolist() == [2.0] * 5
