"""Session dates of an imported price file: one reading per file, never wrapped, in range.

Text dates: ISO 8601 (``2025-07-01``, a time of day is dropped; a time zone must be on every
row or on none, and the wall-clock date is kept). Else ``d/m/yyyy`` or ``m/d/yyyy`` (also with
``.`` or ``-``): a first field above 12 makes the whole file day-first, a second field above 12
month-first; when no row decides, the file is ambiguous and needs ``--date-format``, and so does
a two-digit year. ``yyyy/mm/dd`` is read as such. Any other text (``Jan 2, 2024``) is read in
the format of the file's first value. ``--date-format`` (strptime codes) overrides all this.
Typed Parquet dates and timestamps are converted from their own unit, so year 2300 or 3000 is
seen as such, never wrapped through nanoseconds. Every date must lie in ``bounds`` (the
caller's; the CLI passes settings ``import_min_date`` .. today + ``import_max_days_ahead``).
"""

from __future__ import annotations

import warnings
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from data.errors import InputError

EPOCH = date(1970, 1, 1)
Dates = tuple[str | None, tuple[date, date]]  # (date format, accepted bounds)
# defaults of BREADTH_IMPORT_MIN_DATE / BREADTH_IMPORT_MAX_DAYS_AHEAD (tests/unit/test_files.py
# checks they match settings.py)
DEFAULT_MIN_DATE = date(1900, 1, 1)
DEFAULT_MAX_DAYS_AHEAD = 7
_ZONE = (
    r"^(?P<body>.*\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)\s*(?P<zone>[Zz]|UTC|[+-]\d{2}(?::?\d{2})?)$"
)
_DMY = r"^(?P<a>\d{1,2})(?P<sep>[/.-])(?P<b>\d{1,2})(?P=sep)(?P<year>\d{4}|\d{2})(?:[ T].*)?$"
_YMD = r"^(?P<year>\d{4})(?P<sep>[/.])(?P<a>\d{1,2})(?P=sep)(?P<b>\d{1,2})(?:[ T].*)?$"
_PER_DAY = {"s": 86_400, "ms": 86_400 * 10**3, "us": 86_400 * 10**6, "ns": 86_400 * 10**9}


class WhereInFile:
    """Where a message about an imported file points: the file, and whether rows have CSV
    line numbers."""

    def __init__(self, path: Path, csv: bool) -> None:
        self.path, self.csv = path, csv
        self.header: list[str] = []

    def error(self, msg: str, row: int | None = None, column: str | None = None) -> InputError:
        where = [str(self.path)]
        if row is not None:
            where.append(f"row {row + 1}" + (f" (line {row + 2})" if self.csv else ""))
        if column is not None:
            where.append(f"column {column!r}")
        return InputError(f"{', '.join(where)}: {msg}")


def accepted_range(
    min_date: date, max_days_ahead: int, today: date | None = None
) -> tuple[date, date]:
    """The first and last date an import accepts."""
    return min_date, (today or date.today()) + timedelta(days=max_days_ahead)


def default_bounds() -> tuple[date, date]:
    """accepted_range with the defaults of settings (a caller holding settings passes its own
    bounds: data/ does not read settings)."""
    return accepted_range(DEFAULT_MIN_DATE, DEFAULT_MAX_DAYS_AHEAD)


def session_days(
    col: pa.ChunkedArray, where: WhereInFile, date_format: str | None, bounds: tuple[date, date]
) -> np.ndarray:
    """The ``date`` column as int64 days since 1970-01-01; InputError naming row and value."""
    if pa.types.is_timestamp(col.type) or pa.types.is_date(col.type):
        days, raw = _typed_days(col), None
        if (missing := np.flatnonzero(days == np.iinfo(np.int64).min)).size:
            raise where.error("empty date", int(missing[0]), "date")
    elif (
        pa.types.is_string(col.type)
        or pa.types.is_large_string(col.type)
        or (pa.types.is_integer(col.type) or pa.types.is_dictionary(col.type))
    ):
        raw = col.cast(pa.string()).to_pandas()
        days = _text_days(raw, where, date_format)
    else:
        raise where.error(f"holds {col.type} values, expected dates", None, "date")
    lo, hi = ((d - EPOCH).days for d in bounds)
    rules = (
        (days < lo, f"before the first accepted date {bounds[0]} (BREADTH_IMPORT_MIN_DATE)"),
        (
            days > hi,
            f"after the last accepted date {bounds[1]} (today + "
            "BREADTH_IMPORT_MAX_DAYS_AHEAD days)",
        ),
    )
    for bad, rule in rules:
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            day = str(np.datetime64(int(days[i]), "D"))
            text = "" if raw is None else str(raw.iloc[i]).strip()
            shown = day if text in ("", day) else f"{text!r} ({day})"
            raise where.error(f"date {shown} is {rule}", i, "date")
    return days


def _typed_days(col: pa.ChunkedArray) -> np.ndarray:
    """Days of a date32/date64/timestamp column from its own unit; nulls as int64 min."""
    arr = col.combine_chunks()
    if pa.types.is_timestamp(arr.type) and arr.type.tz is not None:
        try:  # the wall-clock date where the bar was stamped
            arr = pc.local_timestamp(arr)
        except pa.ArrowException:
            arr = arr.cast(pa.timestamp(arr.type.unit))
    nulls = arr.is_null().to_numpy(zero_copy_only=False)
    if pa.types.is_date32(arr.type):
        days = arr.cast(pa.int32()).fill_null(0).to_numpy().astype(np.int64)
    else:
        per_day = _PER_DAY["ms"] if pa.types.is_date64(arr.type) else _PER_DAY[arr.type.unit]
        days = arr.cast(pa.int64()).fill_null(0).to_numpy() // per_day
    days[nulls] = np.iinfo(np.int64).min
    return days


def _parse(text: pd.Series, fmt: str | None) -> np.ndarray:
    """datetime64[D] (NaT where unreadable); pandas' inference warnings stay quiet."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            got = pd.to_datetime(text, errors="coerce", format=fmt)
        except (ValueError, TypeError, OverflowError):
            return np.full(len(text), np.datetime64("NaT"), dtype="datetime64[D]")
    idx = pd.DatetimeIndex(got)
    if idx.tz is not None:
        idx = idx.tz_localize(None)  # wall-clock date
    return idx.to_numpy().astype("datetime64[D]")


def _from_parts(parts: pd.DataFrame, day: str, month: str) -> np.ndarray:
    frame = pd.DataFrame(
        {
            "year": parts["year"].astype(int),
            "month": parts[month].astype(int),
            "day": parts[day].astype(int),
        }
    )
    return pd.to_datetime(frame, errors="coerce").to_numpy().astype("datetime64[D]")


def _numeric_dates(text: pd.Series, rows: np.ndarray, where: WhereInFile) -> np.ndarray | None:
    """d/m/y or m/d/y decided for the whole file (or y/m/d); None when the file is not so."""
    ymd = text.str.extract(_YMD)
    if ymd["year"].notna().all() and ymd["sep"].nunique() == 1:
        return _from_parts(ymd, "b", "a")
    parts = text.str.extract(_DMY)
    if parts["a"].isna().any() or parts["sep"].nunique() != 1:
        return None
    sep = parts["sep"].iloc[0]
    short = (parts["year"].str.len() == 2).to_numpy()
    y = "%y" if short.any() else "%Y"
    options = f"--date-format %d{sep}%m{sep}{y} (day first) or %m{sep}%d{sep}{y} (month first)"
    if short.any():
        i = int(np.flatnonzero(short)[0])
        raise where.error(f"{text.iloc[i]!r} has a two-digit year: pass {options}", rows[i], "date")
    a, b = parts["a"].astype(int).to_numpy(), parts["b"].astype(int).to_numpy()
    day_first, month_first = a > 12, b > 12
    if day_first.any() and month_first.any():
        i, j = (int(np.flatnonzero(m)[0]) for m in (day_first, month_first))
        kinds = {i: "day-first", j: "month-first"}
        first, other = sorted((i, j))
        raise where.error(
            f"{text.iloc[other]!r} can only be {kinds[other]} but row {rows[first] + 1} "
            f"({text.iloc[first]!r}) can only be {kinds[first]}: pass {options}",
            rows[other],
            "date",
        )
    if not (day_first.any() or month_first.any()):
        raise where.error(
            f"every date could be day-first or month-first (e.g. {text.iloc[0]!r}) and no row "
            f"decides it: pass {options}",
            None,
            "date",
        )
    return _from_parts(parts, "a", "b") if day_first.any() else _from_parts(parts, "b", "a")


def _without_zone(text: pd.Series, rows: np.ndarray, where: WhereInFile) -> pd.Series:
    """The text without a trailing time zone, refused when only some rows have one."""
    zoned = text.str.match(_ZONE).to_numpy(dtype=bool)
    if not zoned.any():
        return text
    if not zoned.all():
        i = int(np.flatnonzero(zoned != zoned[0])[0])
        has = "has no time zone" if zoned[0] else "has a time zone"
        raise where.error(
            f"{text.iloc[i]!r} {has}, unlike row {rows[0] + 1} ({text.iloc[0]!r}): write every "
            "date with the same kind of time zone, or none",
            rows[i],
            "date",
        )
    return text.str.replace(_ZONE, r"\g<body>", regex=True)


def _text_days(raw: pd.Series, where: WhereInFile, date_format: str | None) -> np.ndarray:
    """Each distinct text is parsed once (a 9 M-row file has a few thousand); ``rows`` maps a
    distinct text to its first row, in file order, for messages."""
    codes, uniques = pd.factorize(raw)
    text = pd.Series(uniques, dtype=object).str.strip()
    rows = np.unique(codes[codes >= 0], return_index=True)[1]
    empty = (codes < 0) | (text == "").to_numpy()[codes]
    if empty.any():
        raise where.error("empty date", int(np.flatnonzero(empty)[0]), "date")
    if date_format is not None:
        if "%" not in date_format:
            raise InputError(f"--date-format {date_format!r} has no strptime codes (%d/%m/%Y)")
        parsed, how = _parse(text, date_format), f" with --date-format {date_format}"
    else:
        text = _without_zone(text, rows, where)
        parsed, how = _parse(text, "ISO8601"), ""
        if np.isnat(parsed).any():
            numeric = _numeric_dates(text, rows, where)
            inferred = numeric if numeric is not None else _parse(text, None)
            if np.isnat(inferred).sum() < np.isnat(parsed).sum():
                parsed = inferred
    bad = np.isnat(parsed)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        first = "" if how else f" (the file's dates are written like {raw.iloc[0]!r})"
        raise where.error(f"cannot read {uniques[i]!r} as a date{how}{first}", rows[i], "date")
    return parsed.astype(np.int64)[codes]


def distinct_days(days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted unique days and each row's position among them, in O(n)."""
    lo = days.min()
    present = np.zeros(int(days.max() - lo) + 1, dtype=bool)
    present[days - lo] = True
    position = np.cumsum(present) - 1
    return np.flatnonzero(present) + lo, position[days - lo]


class _AtFirstRow(WhereInFile):
    """Where a message about one distinct value points: its first row in the file."""

    def __init__(self, where: WhereInFile, codes: np.ndarray) -> None:
        super().__init__(where.path, where.csv)
        self.header, self.where, self.codes = where.header, where, codes

    def error(self, msg: str, row: int | None = None, column: str | None = None) -> InputError:
        first = None if row is None else int(np.flatnonzero(self.codes == row)[0])
        return self.where.error(msg, first, column)


def session_codes(
    col: pa.ChunkedArray, where: WhereInFile, dates: Dates
) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct session days (int64 days since 1970-01-01) and each row's position
    among them. A date or timestamp column is checked once per distinct value (a 56 M-row
    file has a few thousand), each message pointing at the value's first row."""
    if not (pa.types.is_timestamp(col.type) or pa.types.is_date(col.type)):
        return distinct_days(session_days(col, where, *dates))
    enc = pc.dictionary_encode(col).unify_dictionaries().combine_chunks()
    if enc.null_count:
        raise where.error(
            "empty date", int(np.flatnonzero(enc.is_null().to_numpy(False))[0]), "date"
        )
    codes = enc.indices.to_numpy(zero_copy_only=False)
    distinct = session_days(pa.chunked_array([enc.dictionary]), _AtFirstRow(where, codes), *dates)
    days, rank = distinct_days(distinct)
    return days, rank.astype(np.int32)[codes]
