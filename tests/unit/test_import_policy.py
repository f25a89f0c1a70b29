"""Issue #11 items 3-4, reader level: the file import refuses what the store cannot keep
faithfully (dates outside the accepted range or wrapped, ambiguous day/month order, prices
float32 cannot hold, duplicate or nested columns, mixed time zones), with one message naming
file, row and column; and reads a ``kind`` column as ticker info."""

from __future__ import annotations

import warnings
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from data.errors import InputError
from data.sources.file_dates import DEFAULT_MAX_DAYS_AHEAD, DEFAULT_MIN_DATE, default_bounds
from data.sources.files import DEFAULT_MAX_BYTES, read_import_file, read_price_file
from settings import Settings as AppSettings
from settings import load_settings

BOUNDS = (date(1900, 1, 1), date(2030, 1, 1))
HEAD = "date,ticker,close\n"


def write(tmp_path: Path, text: str, name: str = "px.csv") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def refused(path: Path, **kwargs: object) -> str:
    """The InputError message of reading ``path``, with every warning turned into an error
    (so a pandas UserWarning on the way fails the test)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(InputError) as err:
            read_import_file(path, date_bounds=BOUNDS, **kwargs)  # type: ignore[arg-type]
    return str(err.value)


def read(path: Path, **kwargs: object) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return read_import_file(path, date_bounds=BOUNDS, **kwargs).prices.close  # type: ignore[arg-type]


def days(close: pd.DataFrame) -> list[str]:
    return list(close.index.strftime("%Y-%m-%d"))


# -- dates: range and wrapping --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("9999-12-31", "after the last accepted date 2030-01-01"),  # was stored as 1816-03-29
        ("2200-01-01", "after the last accepted date 2030-01-01"),  # moved every default view
        ("2030-01-02", "after the last accepted date 2030-01-01"),
        ("0001-01-01", "before the first accepted date 1900-01-01"),  # was 1754-08-30
        ("1677-09-21", "before the first accepted date 1900-01-01"),  # was 2262-04-11
        ("1899-12-31", "before the first accepted date 1900-01-01"),
    ],
)
def test_ip001_text_dates_outside_the_range_are_refused(
    tmp_path: Path, text: str, rule: str
) -> None:
    path = write(tmp_path, f"{HEAD}2025-01-02,AAA,1\n{text},AAA,2\n")
    assert refused(path) == f"{path}, row 2 (line 3), column 'date': date {text} is {rule}" + (
        " (BREADTH_IMPORT_MIN_DATE)" if "before" in rule else
        " (today + BREADTH_IMPORT_MAX_DAYS_AHEAD days)"
    )  # fmt: skip


def test_ip002_the_bounds_themselves_are_accepted(tmp_path: Path) -> None:
    path = write(tmp_path, f"{HEAD}1900-01-01,AAA,1\n2030-01-01,AAA,2\n")
    assert days(read(path)) == ["1900-01-01", "2030-01-01"]


def test_ip003_default_bounds_come_from_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The defaults of data/ are the defaults of settings; the configured bounds reach the
    reader through Settings.import_bounds (what the CLI passes; data/ reads no settings)."""
    ahead = (date.today() + timedelta(days=7)).isoformat()
    beyond = (date.today() + timedelta(days=8)).isoformat()
    path = write(tmp_path, f"{HEAD}{ahead},AAA,1\n{beyond},AAA,2\n")
    with pytest.raises(InputError, match=f"row 2 .*date {beyond} is after the last accepted"):
        read_price_file(path)
    with pytest.raises(InputError, match=f"row 2 .*date {beyond} is after the last accepted"):
        read_price_file(path, date_bounds=load_settings().import_bounds())
    monkeypatch.setenv("BREADTH_IMPORT_MAX_DAYS_AHEAD", "8")
    bounds = load_settings().import_bounds()
    assert days(read_price_file(path, date_bounds=bounds).close) == [ahead, beyond]
    monkeypatch.setenv("BREADTH_IMPORT_MIN_DATE", "2024-06-01")
    old = write(tmp_path, f"{HEAD}2024-06-01,AAA,1\n2024-05-31,AAA,2\n", "old.csv")
    with pytest.raises(InputError, match=r"row 2 .*date 2024-05-31 is before .* 2024-06-01"):
        read_price_file(old, date_bounds=load_settings().import_bounds())


def test_ip003b_data_defaults_match_the_settings_defaults() -> None:
    defaults = AppSettings()
    assert (
        defaults.import_min_date,
        defaults.import_max_days_ahead,
    ) == (DEFAULT_MIN_DATE, DEFAULT_MAX_DAYS_AHEAD)
    assert defaults.max_upload_bytes == DEFAULT_MAX_BYTES
    assert default_bounds() == defaults.import_bounds()


@pytest.mark.parametrize(
    ("array", "shown"),
    [
        (pa.array([date(2024, 1, 2), date(3000, 1, 1)], pa.date32()), "3000-01-01"),
        (pa.array([datetime(2024, 1, 2), datetime(2300, 1, 1)], pa.timestamp("us")), "2300-01-01"),
        (pa.array([datetime(2024, 1, 2), datetime(1500, 6, 1)], pa.timestamp("ms")), "1500-06-01"),
        (pa.array([date(2024, 1, 2), date(2262, 4, 12)], pa.date64()), "2262-04-12"),
    ],
)
def test_ip004_parquet_dates_beyond_nanoseconds_are_refused_not_crashed(
    tmp_path: Path, array: pa.Array, shown: str
) -> None:
    path = tmp_path / "far.parquet"
    pq.write_table(pa.table({"date": array, "ticker": ["A", "A"], "close": [1.0, 2.0]}), path)
    message = refused(path)
    assert message.startswith(f"{path}, row 2, column 'date': date {shown} is ")


def test_ip005_parquet_timestamps_keep_their_wall_clock_date(tmp_path: Path) -> None:
    stamps = pa.array([datetime(2024, 3, 8, 23, 30), datetime(2024, 3, 11, 0, 0)],
                      pa.timestamp("us"))  # fmt: skip
    utc = pa.array([datetime(2024, 3, 9, 4, 30), datetime(2024, 3, 11, 4, 0)],
                   pa.timestamp("s", tz="UTC"))  # fmt: skip
    zoned = utc.cast(pa.timestamp("s", tz="America/New_York"))  # 23:30 on the 8th, 0:00 on the 11th
    for name, col in (("naive", stamps), ("zoned", zoned)):
        path = tmp_path / f"{name}.parquet"
        pq.write_table(pa.table({"date": col, "ticker": ["A", "A"], "close": [1.0, 2.0]}), path)
        assert days(read(path)) == ["2024-03-08", "2024-03-11"], name


# -- dates: day/month order and time zones ----------------------------------------------------


def test_ip010_all_ambiguous_slash_dates_are_refused_naming_the_option(tmp_path: Path) -> None:
    path = write(tmp_path, f"{HEAD}01/07/2025,AAPL,1\n02/07/2025,AAPL,2\n")
    assert refused(path) == (
        f"{path}, column 'date': every date could be day-first or month-first (e.g. "
        "'01/07/2025') and no row decides it: pass --date-format %d/%m/%Y (day first) or "
        "%m/%d/%Y (month first)"
    )
    assert days(read(path, date_format="%d/%m/%Y")) == ["2025-07-01", "2025-07-02"]
    assert days(read(path, date_format="%m/%d/%Y")) == ["2025-01-07", "2025-02-07"]


def test_ip011_one_day_above_12_makes_the_whole_file_day_first(tmp_path: Path) -> None:
    """13/07/2025 decides it: 01/07/2025 in the same file is 1 July, and no warning leaks."""
    path = write(tmp_path, f"{HEAD}01/07/2025,AAPL,1\n02/07/2025,AAPL,2\n13/07/2025,AAPL,3\n")
    close = read(path)
    assert days(close) == ["2025-07-01", "2025-07-02", "2025-07-13"]
    assert close["AAPL"].tolist() == [1.0, 2.0, 3.0]
    us = write(tmp_path, f"{HEAD}07/01/2025,AAPL,1\n07/13/2025,AAPL,2\n", "us.csv")
    assert days(read(us)) == ["2025-07-01", "2025-07-13"]
    dots = write(tmp_path, f"{HEAD}01.07.2025,AAPL,1\n13.07.2025,AAPL,2\n", "dots.csv")
    assert days(read(dots)) == ["2025-07-01", "2025-07-13"]
    ymd = write(tmp_path, f"{HEAD}2025/07/01,AAPL,1\n2025/07/13,AAPL,2\n", "ymd.csv")
    assert days(read(ymd)) == ["2025-07-01", "2025-07-13"]


def test_ip012_day_first_and_month_first_rows_in_one_file_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path, f"{HEAD}07/13/2025,AAPL,1\n01/07/2025,AAPL,2\n13/07/2025,AAPL,3\n")
    assert refused(path) == (
        f"{path}, row 3 (line 4), column 'date': '13/07/2025' can only be day-first but row 1 "
        "('07/13/2025') can only be month-first: pass --date-format %d/%m/%Y (day first) or "
        "%m/%d/%Y (month first)"
    )


def test_ip013_two_digit_years_and_format_mismatches(tmp_path: Path) -> None:
    short = write(tmp_path, f"{HEAD}13/07/25,AAPL,1\n", "short.csv")
    assert refused(short) == (
        f"{short}, row 1 (line 2), column 'date': '13/07/25' has a two-digit year: pass "
        "--date-format %d/%m/%y (day first) or %m/%d/%y (month first)"
    )
    assert days(read(short, date_format="%d/%m/%y")) == ["2025-07-13"]
    path = write(tmp_path, f"{HEAD}01/07/2025,AAPL,1\n13/07/2025,AAPL,2\n")
    assert refused(path, date_format="%m/%d/%Y") == (
        f"{path}, row 2 (line 3), column 'date': cannot read '13/07/2025' as a date with "
        "--date-format %m/%d/%Y"
    )


def test_ip014_mixed_time_zone_strings_are_one_message(tmp_path: Path) -> None:
    path = write(tmp_path, f"{HEAD}2025-06-02T15:30:00Z,AAA,1\n2025-06-03,AAA,2\n")
    assert refused(path) == (
        f"{path}, row 2 (line 3), column 'date': '2025-06-03' has no time zone, unlike row 1 "
        "('2025-06-02T15:30:00Z'): write every date with the same kind of time zone, or none"
    )
    # the same zone style on every row (offsets may differ with daylight saving): wall-clock date
    dst = write(tmp_path, f"{HEAD}2025-03-07 00:00:00-05:00,AAA,1\n"
                          "2025-03-10 00:00:00-04:00,AAA,2\n", "dst.csv")  # fmt: skip
    assert days(read(dst)) == ["2025-03-07", "2025-03-10"]


def test_ip015_iso_and_other_dates_still_read(tmp_path: Path) -> None:
    iso = write(tmp_path, f"{HEAD}2025-07-01,AAPL,1\n2025-07-02T16:00:00,AAPL,2\n")
    assert days(read(iso)) == ["2025-07-01", "2025-07-02"]
    named = write(tmp_path, 'date,ticker,close\n"Jul 1, 2025",AAPL,1\n"Jul 2, 2025",AAPL,2\n',
                  "named.csv")  # fmt: skip
    assert days(read(named)) == ["2025-07-01", "2025-07-02"]


# -- prices ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("1e-50", "too small to store: float32 would round it to 0 or a subnormal, got 1e-50"),
        ("1e-40", "too small to store: float32 would round it to 0 or a subnormal, got 1e-40"),
        ("9223372036854775807", "implausibly large value (over 1e+15), got 9.22337e+18"),
        ("1e300", "implausibly large value (over 1e+15), got 1e+300"),
        ("inf", "not a finite number, got inf"),
        ("-inf", "not a finite number, got -inf"),
        ("0", "price must be positive, got 0"),
    ],
)
def test_ip020_prices_float32_cannot_hold_are_refused(
    tmp_path: Path, cell: str, message: str
) -> None:
    path = write(tmp_path, f"{HEAD}2025-01-02,AAA,1\n2025-01-03,AAA,{cell}\n")
    assert refused(path) == f"{path}, row 2 (line 3), column 'close': {message}"


def test_ip021_smallest_normal_float32_and_big_values_are_kept_exactly(tmp_path: Path) -> None:
    tiny = float(np.finfo(np.float32).tiny)
    path = write(tmp_path, f"{HEAD}2025-01-02,AAA,{tiny!r}\n2025-01-02,BBB,11948800000\n")
    close = read(path)
    assert close.loc["2025-01-02", "AAA"] == np.float32(tiny) > 0
    assert close.loc["2025-01-02", "BBB"] == np.float32(11948800000)


def test_ip022_parquet_int64_max_and_scaled_subnormals(tmp_path: Path) -> None:
    path = tmp_path / "big.parquet"
    pq.write_table(pa.table({"date": pa.array([date(2025, 1, 2)] * 2, pa.date32()),
                             "ticker": ["A", "B"],
                             "close": pa.array([5, 2**63 - 1], pa.int64())}), path)  # fmt: skip
    assert refused(path) == (
        f"{path}, row 2, column 'close': implausibly large value (over 1e+15), got 9.22337e+18"
    )
    scaled = write(tmp_path, "date,ticker,open,close,adj_close\n2025-01-02,A,1e-30,1e10,1\n",
                   "scaled.csv")  # fmt: skip
    assert refused(scaled) == (
        f"{scaled}, row 1 (line 2), column 'open': too small to store: float32 would round it to"
        " 0 or a subnormal, got 1e-40 after scaling by adj_close/close"
    )


# -- columns -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "first", "second"), [("date,AAPL,AAPL", "AAPL", "AAPL"),
                                    ("date,AAPL,aapl", "AAPL", "aapl")]
)  # fmt: skip
def test_ip030_duplicate_header_columns(
    tmp_path: Path, header: str, first: str, second: str
) -> None:
    path = write(tmp_path, f"{header}\n2025-01-02,1,2\n")
    assert refused(path) == (
        f"{path}, column {second!r}: columns 2 ({first!r}) and 3 ({second!r}) have the same "
        "name (case is ignored): rename or drop one"
    )


@pytest.mark.parametrize(
    ("array", "shown"),
    [(pa.array([[1.0]]), "list<element: double>"),
     (pa.array([{"x": 1.0}]), "struct<x: double>")],
)  # fmt: skip
def test_ip031_list_and_struct_columns_are_refused(
    tmp_path: Path, array: pa.Array, shown: str
) -> None:
    path = tmp_path / "nested.parquet"
    table = pa.table({"date": pa.array([date(2025, 1, 2)]), "ticker": ["A"], "close": array})
    pq.write_table(table, path)
    assert refused(path) == (
        f"{path}, column 'close': holds {shown} values, expected numbers, dates or text"
    )


def test_ip032_typo_in_ticker_header_says_there_is_no_ticker_column(tmp_path: Path) -> None:
    path = write(tmp_path, "date,tikcer,close\n2025-01-02,AAPL,1\n")
    assert refused(path) == (
        f"{path}, row 1 (line 2), column 'tikcer': 'AAPL' is not a number: the file has no "
        "'ticker' column (columns seen: date, tikcer, close), so it was read as a wide file "
        "(date + one close column per ticker)"
    )
    # a stray bad cell in a real wide file keeps the short message
    wide = write(tmp_path, "date,SPY,QQQ\n2025-01-02,1,2\n2025-01-03,x,3\n", "wide.csv")
    assert refused(wide) == f"{wide}, row 2 (line 3), column 'spy': 'x' is not a number"


# -- kind --------------------------------------------------------------------------------------


def test_ip040_kind_column_is_ticker_info(tmp_path: Path) -> None:
    path = write(tmp_path, "date,ticker,close,kind\n2025-01-02,AAA,1,stock\n"
                           "2025-01-02,SPY,2, ETF\n2025-01-03,SPY,3,etf\n"
                           "2025-01-02,^GSPC,4000,index\n2025-01-02,ZZZ,5,\n")  # fmt: skip
    got = read_import_file(path, date_bounds=BOUNDS)
    assert got.info is not None
    assert got.info.sort_values("ticker").to_dict("records") == [
        {"ticker": "AAA", "kind": "stock"}, {"ticker": "SPY", "kind": "etf"},
        {"ticker": "^GSPC", "kind": "index"},
    ]  # fmt: skip
    assert read_import_file(write(tmp_path, f"{HEAD}2025-01-02,A,1\n", "n.csv"),
                            date_bounds=BOUNDS).info is None  # fmt: skip


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ("2025-01-02,AAA,1,stock\n2025-01-02,SPY,2,fund\n",
         "row 2 (line 3), column 'kind': kind 'fund' is not one of stock, etf, index"),
        ("2025-01-02,SPY,1,etf\n2025-01-02,AAA,1,stock\n2025-01-03,SPY,2,stock\n",
         "row 3 (line 4), column 'kind': kind 'stock' for SPY, but row 1 says 'etf'"),
    ],
)  # fmt: skip
def test_ip041_bad_kind_names_row_and_value(tmp_path: Path, rows: str, message: str) -> None:
    path = write(tmp_path, f"date,ticker,close,kind\n{rows}")
    assert refused(path) == f"{path}, {message}"


# -- round trip --------------------------------------------------------------------------------

PRICES = st.floats(min_value=float(np.finfo(np.float32).tiny), max_value=1e15,
                   allow_nan=False, allow_infinity=False)  # fmt: skip


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    cells=st.dictionaries(
        st.tuples(st.integers(0, 40_000), st.sampled_from(["AAA", "BRK-B", "X", "ZZZZ"])),
        PRICES, min_size=1, max_size=30,
    ),
    iso=st.booleans(),
)  # fmt: skip
def test_ip050_random_valid_long_files_round_trip_within_float32(
    tmp_path: Path, cells: dict[tuple[int, str], float], iso: bool
) -> None:
    """Any valid long file (dates 1900-01-01 .. 2009-07-08, prices from the smallest normal
    float32 to 1e15) reads back as exactly float32(value) on the right date."""
    start = date(1900, 1, 1)
    lines = []
    for (offset, ticker), value in cells.items():
        day = start + timedelta(days=offset)
        shown = day.isoformat() if iso else f"{day.day:02d}/{day.month:02d}/{day.year}"
        lines.append(f"{shown},{ticker},{value!r}")
    path = write(tmp_path, HEAD + "\n".join(lines) + "\n", "rt.csv")
    fmt = None if iso else "%d/%m/%Y"
    close = read(path, date_format=fmt)
    assert int(close.notna().to_numpy().sum()) == len(cells)
    for (offset, ticker), value in cells.items():
        got = close.loc[pd.Timestamp(start + timedelta(days=offset)), ticker]
        assert got == np.float32(value), (offset, ticker, value)
