"""A user's price file (CSV or Parquet, long or wide) as validated wide panels.

Long: ``date,ticker,open,high,low,close[,adj_close],volume`` or ``date,ticker,close|adj_close``.
Wide: ``date`` + one close column per ticker. With ``adj_close``, close := adj_close and
open/high/low are scaled by adj_close/close (split and dividend adjustment). A long file may
carry a ``kind`` column (stock, etf, index), returned as ticker info. Every problem raises
InputError naming the file, the data row (1-based, header not counted; CSV messages also give
the line) and the column. The file is refused rather than stored unfaithfully: dates as in
data/sources/file_dates.py; prices finite, > 0, a normal float32 (the store's type) and at
most MAX_VALUE; column names unique ignoring case; no list or struct cells. Pivoting uses
integer codes (no string pivot), so the 9.4 M-row close file becomes a 3,400 × 3,500 panel
in about a second.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from data.errors import InputError
from data.model import Prices
from data.sources.file_dates import WhereInFile, default_bounds, session_days
from data.tickers import normalize_ticker

PRICE_COLS = ("open", "high", "low", "close", "adj_close")
KINDS = ("stock", "etf", "index")
MAX_VALUE = 1e15
"""Largest price or volume taken: above any real back-adjusted price (the shared close file's
largest is 1.2e10) and below sentinels such as int64 max (9.2e18)."""
FLOAT32_TINY = float(np.finfo(np.float32).tiny)
Dates = tuple[str | None, tuple[date, date]]  # (date format, accepted bounds)
LONG_ONLY = frozenset({*PRICE_COLS, "volume", "kind"})


@dataclass(frozen=True)
class PriceFile:
    """A validated file: its panels and, from a ``kind`` column, ticker info (ticker, kind)."""

    prices: Prices
    info: pd.DataFrame | None = None


DEFAULT_MAX_BYTES = 512 * 2**20  # the default of BREADTH_MAX_UPLOAD_MB, in bytes


Columns = dict[str, pa.ChunkedArray]
"""A read file's columns by lower-case name, in file order. The readers pop a column once
they no longer need it, so its memory goes as the panels grow (nothing else holds it)."""


def _read_table(path: Path, max_bytes: int) -> tuple[Columns, WhereInFile]:
    suffix = "".join(path.suffixes[-2:]).lower()
    is_csv = suffix.endswith((".csv", ".txt"))
    where = WhereInFile(path, is_csv)
    if not is_csv and not suffix.endswith((".parquet", ".pq")):
        raise where.error("unsupported file type (expected .csv or .parquet)")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise where.error(f"cannot read the file: {exc.strerror}") from exc
    if size > max_bytes:
        raise where.error(
            f"file is {size / 2**20:.0f} MiB, over the {max_bytes / 2**20:.0f} MiB limit"
        )
    if size == 0:
        raise where.error("file is empty")
    try:
        if is_csv:
            with open(path, encoding="utf-8-sig", newline="") as fh:
                names = next(csv.reader([fh.readline()]), [])
            table = pacsv.read_csv(
                path,
                convert_options=pacsv.ConvertOptions(
                    column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=True
                ),
            )
        else:
            table = pq.read_table(path, pre_buffer=False)  # local file: 2-4x faster, less memory
    except (pa.ArrowException, OSError, UnicodeDecodeError) as exc:
        raise where.error(f"cannot read the file: {exc}") from exc
    where.header = [str(c).strip() for c in table.column_names]
    lower = [c.lower() for c in where.header]
    for k, name in enumerate(lower):
        if name in lower[:k]:
            j = lower.index(name)
            raise where.error(
                f"columns {j + 1} ({where.header[j]!r}) and {k + 1} ({where.header[k]!r}) have "
                "the same name (case is ignored): rename or drop one",
                None,
                where.header[k],
            )
    table = table.rename_columns(lower)
    if table.num_rows == 0:
        raise where.error("file has no data rows")
    for name, col in zip(lower, table.columns, strict=True):
        if pa.types.is_nested(col.type) or pa.types.is_binary(col.type):
            raise where.error(
                f"holds {col.type} values, expected numbers, dates or text", None, name
            )
    return dict(zip(lower, table.columns, strict=True)), where


def _plainly_valid(values: np.ndarray, name: str) -> bool:
    """True when the smallest and largest value (NaN skipped) already pass every check of
    _check_values: two reductions instead of a mask per check on the whole column. No
    values, or only NaN, pass too (as every check does)."""
    if not values.size:
        return True
    lo, hi = np.fmin.reduce(values), np.fmax.reduce(values)  # NaN only when all are NaN
    if np.isnan(lo):
        return True
    floor = 0.0 if name == "volume" else FLOAT32_TINY  # a float64 >= tiny stays >= as float32
    return bool(lo >= floor and hi <= MAX_VALUE)


Parts = list[np.ndarray]
"""A column as consecutive arrays (its Arrow chunks): row r of part k is file row
sum(len(parts[:k])) + r."""


def _number_parts(col: pa.ChunkedArray, name: str, where: WhereInFile) -> Parts:
    """The column as validated numbers: a float32 or float64 column as its chunks (a chunk
    without nulls is not copied), anything else, or a column whose extremes fail a check, as
    one array from _numbers (which names the first bad row)."""
    if col.type in (pa.float32(), pa.float64()):
        parts = [c.to_numpy(zero_copy_only=False) for c in col.chunks]
        if all(_plainly_valid(p, name) for p in parts):
            return parts
    return [_numbers(col, name, where)]


def _whole(parts: Parts) -> np.ndarray:
    return parts[0] if len(parts) == 1 else np.concatenate(parts)


def _offsets(parts: Parts) -> list[int]:
    return np.cumsum([0, *(len(p) for p in parts)]).tolist()


def _first_bad(mask: np.ndarray) -> int:
    return int(np.flatnonzero(mask)[0])


def _no_ticker_hint(where: WhereInFile) -> str:
    """Added to "is not a number" when a wide file may be a long file whose 'ticker' is lost."""
    seen = ", ".join(where.header)
    return (
        f": the file has no 'ticker' column (columns seen: {seen}), so it was read as a "
        "wide file (date + one close column per ticker)"
    )


def _numbers(col: pa.ChunkedArray, name: str, where: WhereInFile, wide: bool = False) -> np.ndarray:
    """A numeric column as float64, or float32 when it is stored so (empty cells NaN); every
    value finite and at most MAX_VALUE; prices > 0 and a normal float32, volume >= 0."""
    if (
        pa.types.is_integer(col.type)
        or pa.types.is_floating(col.type)
        or (pa.types.is_decimal(col.type) or pa.types.is_boolean(col.type))
    ):
        if col.type == pa.float32():  # kept as is (the store's type): half the memory
            values = col.to_numpy()
        else:
            values = col.cast(pa.float64(), safe=False).to_numpy(zero_copy_only=False)
    else:
        raw = col.cast(pa.string()).to_pandas()
        values = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
        filled = raw.notna().to_numpy() & (raw.str.strip() != "").to_numpy()
        bad = np.isnan(values) & filled
        if bad.any():
            i = _first_bad(bad)
            text_column = (bad == filled).all()  # not one number: not a price column
            long_names = LONG_ONLY & {c.lower() for c in where.header}
            hint = _no_ticker_hint(where) if wide and (text_column or long_names) else ""
            raise where.error(f"{raw.iloc[i]!r} is not a number{hint}", i, name)
    _check_values(values, name, where)
    return values


def _check_values(values: np.ndarray, name: str, where: WhereInFile, note: str = "") -> None:
    """Finite, at most MAX_VALUE; prices > 0 and a normal float32, volume >= 0."""
    if _plainly_valid(values, name):
        return
    nan = np.isnan(values)
    checks = [
        (np.isinf(values), "not a finite number"),
        (
            values < 0 if name == "volume" else values <= 0,
            "negative volume" if name == "volume" else "price must be positive",
        ),
        (values > MAX_VALUE, f"implausibly large value (over {MAX_VALUE:g})"),
    ]
    if name != "volume":
        with np.errstate(over="ignore", under="ignore"):
            stored = values.astype(np.float32)
        tiny = ~nan & (stored < FLOAT32_TINY)
        checks.append((tiny, "too small to store: float32 would round it to 0 or a subnormal"))
    for bad, what in checks:
        if bad.any():
            i = _first_bad(bad)
            raise where.error(f"{what}, got {values[i]:g}{note}", i, name)


def _codes(days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
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
        first = None if row is None else _first_bad(self.codes == row)
        return self.where.error(msg, first, column)


def _day_codes(
    col: pa.ChunkedArray, where: WhereInFile, dates: Dates
) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct session days (int64 days since 1970-01-01) and each row's position
    among them. A date or timestamp column is checked once per distinct value (a 56 M-row
    file has a few thousand), each message pointing at the value's first row."""
    if not (pa.types.is_timestamp(col.type) or pa.types.is_date(col.type)):
        return _codes(session_days(col, where, *dates))
    enc = pc.dictionary_encode(col).unify_dictionaries().combine_chunks()
    if enc.null_count:
        raise where.error("empty date", _first_bad(enc.is_null().to_numpy(False)), "date")
    codes = enc.indices.to_numpy(zero_copy_only=False)
    distinct = session_days(pa.chunked_array([enc.dictionary]), _AtFirstRow(where, codes), *dates)
    days, rank = _codes(distinct)
    return days, rank.astype(np.int32)[codes]


def _tickers(col: pa.ChunkedArray, where: WhereInFile) -> tuple[list[str], np.ndarray]:
    """Normalized sorted ticker names and each row's code (int32). A dictionary column (how
    Parquet writers often store tickers) is used as it is: no string per row is made."""
    if pa.types.is_dictionary(col.type):
        enc = col.unify_dictionaries().combine_chunks()
        raw = enc.dictionary.cast(pa.string()).to_pylist()
    else:
        enc = pc.dictionary_encode(col.cast(pa.string())).combine_chunks()
        raw = enc.dictionary.to_pylist()
    if enc.null_count:
        raise where.error("empty ticker", _first_bad(enc.is_null().to_numpy(False)), "ticker")
    codes = enc.indices.to_numpy(zero_copy_only=False)
    used = np.zeros(len(raw), dtype=bool)
    used[codes] = True  # a dictionary may hold values no row uses
    names: list[str] = []
    for k, text in enumerate(raw):
        if not used[k]:
            names.append("")
            continue
        if text is None:
            raise where.error("empty ticker", _first_bad(codes == k), "ticker")
        try:
            names.append(normalize_ticker(text))
        except InputError as exc:
            raise where.error(str(exc), _first_bad(codes == k), "ticker") from None
    unique = sorted({n for n, u in zip(names, used, strict=True) if u})
    remap = np.searchsorted(np.array(unique, dtype=object), np.array(names, dtype=object))
    return unique, remap.astype(np.int32)[codes]


def _check_duplicates(
    key: np.ndarray, n_keys: int, parts: dict[str, Parts], where: WhereInFile
) -> None:
    """Refuse two rows with one key (0 <= key < n_keys) and different values; the same
    values twice pass. One mark per key finds whether any key repeats at all."""
    seen = np.zeros(n_keys, dtype=bool)
    seen[key] = True
    if np.count_nonzero(seen) == len(key):
        return
    del seen
    cols = {c: _whole(p) for c, p in parts.items()}
    counts = np.bincount(key)
    rows = np.flatnonzero(counts[key] > 1)
    frame = pd.DataFrame({"key": key[rows], "row": rows, **{c: v[rows] for c, v in cols.items()}})
    for _, group in frame.groupby("key", sort=False):
        values = group[list(cols)].to_numpy()
        same = (values == values[0]) | (np.isnan(values) & np.isnan(values[0]))
        if not same.all():
            r0, r1 = (int(r) for r in group["row"].iloc[:2])
            col = list(cols)[int(np.flatnonzero(~same.all(axis=0))[0])]
            raise where.error(
                f"duplicate date and ticker with different values (row {r0 + 1})", r1, col
            )


def _kinds(
    col: pa.ChunkedArray, tickers: list[str], tcode: np.ndarray, where: WhereInFile
) -> pd.DataFrame | None:
    """The optional ``kind`` column as one (ticker, kind) row per ticker that has one."""
    raw = col.cast(pa.string()).to_pandas()
    text = raw.str.strip().str.lower()
    filled = (text.notna() & (text != "")).to_numpy()
    bad = filled & ~text.isin(KINDS).to_numpy()
    if bad.any():
        i = _first_bad(bad)
        raise where.error(f"kind {raw.iloc[i]!r} is not one of {', '.join(KINDS)}", i, "kind")
    if not filled.any():
        return None
    rows = np.flatnonzero(filled)
    frame = pd.DataFrame({"code": tcode[rows], "kind": text.to_numpy()[rows], "row": rows})
    first = frame.groupby("code")[["kind", "row"]].transform("first")
    differs = (frame["kind"] != first["kind"]).to_numpy()
    if differs.any():
        k = _first_bad(differs)
        ticker = tickers[int(frame["code"].iloc[k])]
        raise where.error(
            f"kind {frame['kind'].iloc[k]!r} for {ticker}, but row {first['row'].iloc[k] + 1} "
            f"says {first['kind'].iloc[k]!r}",
            int(frame["row"].iloc[k]),
            "kind",
        )
    once = frame.drop_duplicates("code")
    return pd.DataFrame(
        {"ticker": [tickers[c] for c in once["code"]], "kind": once["kind"].to_list()}
    )


def _long(table: Columns, where: WhereInFile, dates: Dates) -> PriceFile:
    names = set(table)
    if "date" not in names:
        raise where.error("missing column 'date'")
    if not names & {"close", "adj_close"}:
        raise where.error("missing column 'close' (or 'adj_close')")
    if ("high" in names) != ("low" in names):
        raise where.error(f"missing column {'low' if 'high' in names else 'high'!r}")
    has_ohl = names & {"open", "high", "low"}
    if has_ohl and "adj_close" in names and "close" not in names:
        raise where.error("missing column 'close' (needed to scale open/high/low by adj_close)")
    uniq_days, dcode = _day_codes(table.pop("date"), where, dates)
    tickers, tcode = _tickers(table.pop("ticker"), where)
    cols = {c: _number_parts(table.pop(c), c, where) for c in (*PRICE_COLS, "volume") if c in names}
    info = _kinds(table.pop("kind"), tickers, tcode, where) if "kind" in names else None
    if "high" in cols:
        _high_above_low(cols["high"], cols["low"], where)
    if "adj_close" in cols:
        if "close" in cols:
            factor = _whole(cols["adj_close"]).astype(np.float64) / _whole(cols["close"])
            for c in ("open", "high", "low"):
                if c in cols:
                    scaled = _whole(cols[c]) * factor
                    _check_values(scaled, c, where, " after scaling by adj_close/close")
                    cols[c] = [scaled]
        cols["close"] = cols.pop("adj_close")
    n_days, n_tickers = len(uniq_days), len(tickers)
    key = tcode.astype(np.int64)  # ticker-major cells: pandas' block layout, no copy below
    key *= n_days
    key += dcode
    del tcode, dcode
    _check_duplicates(key, n_days * n_tickers, cols, where)
    index = pd.DatetimeIndex(
        uniq_days.astype("datetime64[D]").astype("datetime64[ns]"), name="date"
    )
    panels: dict[str, pd.DataFrame] = {}
    for c in list(cols):
        parts = cols.pop(c)  # dropped once stored: one column and its panel at a time
        dtype = np.float64 if c == "volume" else np.float32
        flat = np.full(n_days * n_tickers, np.nan, dtype=dtype)
        for a, part in zip(_offsets(parts), parts, strict=False):
            flat[key[a : a + len(part)]] = part
        del parts
        panels[c] = pd.DataFrame(
            flat.reshape(n_tickers, n_days).T,
            index=index,
            columns=pd.Index(tickers, name="ticker"),
            copy=False,
        )
    return PriceFile(Prices(**panels), info)


def _high_above_low(high: Parts, low: Parts, where: WhereInFile) -> None:
    """Refuse the first row whose high is below its low (part by part when both columns
    have the same chunks)."""
    if [len(p) for p in high] != [len(p) for p in low]:
        high, low = [_whole(high)], [_whole(low)]
    for a, h, lo in zip(_offsets(high), high, low, strict=False):
        bad = h < lo
        if bad.any():
            i = _first_bad(bad)
            raise where.error(f"high {h[i]:g} < low {lo[i]:g}", a + i, "high")


def _wide(table: Columns, where: WhereInFile, dates: Dates) -> PriceFile:
    if "date" not in table:
        raise where.error("missing column 'date' (or 'date,ticker,close' for a long file)")
    days = session_days(table.pop("date"), where, *dates)
    columns = {}
    for name in list(table):
        try:
            ticker = normalize_ticker(name)
        except InputError as exc:
            raise where.error(str(exc), None, name) from None
        if ticker in columns:
            raise where.error(f"two columns are the ticker {ticker}", None, name)
        columns[ticker] = _numbers(table[name], name, where, wide=True)
    if not columns:
        raise where.error("no ticker columns next to 'date'")
    tickers = sorted(columns)
    values = np.column_stack([columns[t] for t in tickers])
    uniq_days, dcode = _codes(days)
    if len(uniq_days) < len(days):
        _check_duplicates(dcode, len(uniq_days), {t: [columns[t]] for t in tickers}, where)
    close = np.full((len(uniq_days), len(tickers)), np.nan, dtype=np.float32)
    close[dcode] = values
    index = pd.DatetimeIndex(
        uniq_days.astype("datetime64[D]").astype("datetime64[ns]"), name="date"
    )
    frame = pd.DataFrame(close, index=index, columns=pd.Index(tickers, name="ticker"))
    return PriceFile(Prices(close=frame))


def read_import_file(
    path: Path | str,
    *,
    max_bytes: int | None = None,
    date_format: str | None = None,
    date_bounds: tuple[date, date] | None = None,
) -> PriceFile:
    """Read and validate one price file; InputError (file, row, column) on any problem.

    ``max_bytes`` and ``date_bounds`` (first, last accepted date) default to the defaults of
    settings ``max_upload_mb`` and ``import_min_date`` .. today + ``import_max_days_ahead``;
    the CLI passes the configured ones (``Settings.import_limits``: data/ does not read
    settings). ``date_format`` (strptime codes) overrides the date detection.
    """
    path = Path(path)
    limit = DEFAULT_MAX_BYTES if max_bytes is None else max_bytes
    table, where = _read_table(path, limit)  # the only reference: readers pop columns
    dates = (date_format, default_bounds() if date_bounds is None else date_bounds)
    if "ticker" in table:
        return _long(table, where, dates)
    return _wide(table, where, dates)


def read_price_file(
    path: Path | str,
    *,
    max_bytes: int | None = None,
    date_format: str | None = None,
    date_bounds: tuple[date, date] | None = None,
) -> Prices:
    """The panels of read_import_file (ticker info dropped)."""
    return read_import_file(
        path, max_bytes=max_bytes, date_format=date_format, date_bounds=date_bounds
    ).prices
