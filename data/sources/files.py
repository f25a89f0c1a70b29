"""A user's price file (CSV or Parquet, long or wide) as validated wide panels.

Long: ``date,ticker,open,high,low,close[,adj_close],volume`` or ``date,ticker,close|adj_close``.
Wide: ``date`` + one close column per ticker. With ``adj_close``, close := adj_close and
open/high/low are scaled by adj_close/close (split and dividend adjustment). Every problem
raises InputError naming the file, the data row (1-based, header not counted; CSV messages
also give the line) and the column. Pivoting uses integer codes (no string pivot), so the
9.4 M-row close file becomes a 3,400 × 3,500 panel in about a second.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from data.errors import InputError
from data.model import Prices
from data.tickers import normalize_ticker

PRICE_COLS = ("open", "high", "low", "close", "adj_close")
NS_PER_DAY = 86_400 * 10**9


class _File:
    """Where a message points: file name and whether rows have CSV line numbers."""

    def __init__(self, path: Path, csv: bool) -> None:
        self.path, self.csv = path, csv

    def error(self, msg: str, row: int | None = None, column: str | None = None) -> InputError:
        where = [str(self.path)]
        if row is not None:
            where.append(f"row {row + 1}" + (f" (line {row + 2})" if self.csv else ""))
        if column is not None:
            where.append(f"column {column!r}")
        return InputError(f"{', '.join(where)}: {msg}")


def _default_max_bytes() -> int:
    from settings import load_settings

    return load_settings().max_upload_mb * 2**20


def _read_table(path: Path, max_bytes: int) -> tuple[pa.Table, _File]:
    suffix = "".join(path.suffixes[-2:]).lower()
    is_csv = suffix.endswith((".csv", ".txt"))
    where = _File(path, is_csv)
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
            table = pq.read_table(path)
    except (pa.ArrowException, OSError, UnicodeDecodeError) as exc:
        raise where.error(f"cannot read the file: {exc}") from exc
    table = table.rename_columns([str(c).strip().lower() for c in table.column_names])
    if table.num_rows == 0:
        raise where.error("file has no data rows")
    return table, where


def _first_bad(mask: np.ndarray) -> int:
    return int(np.flatnonzero(mask)[0])


def _one_date_format(raw: pd.Series) -> np.ndarray:
    """Dates in ONE format for the whole column: ISO 8601, else the format of the first value
    (so 03/01/2024 is never read as March in one row and January in another); other rows NaT."""
    iso = pd.to_datetime(raw, errors="coerce", format="ISO8601").to_numpy("datetime64[ns]")
    if not np.isnat(iso).any():
        return iso
    inferred = pd.to_datetime(raw, errors="coerce").to_numpy("datetime64[ns]")
    return inferred if np.isnat(inferred).sum() < np.isnat(iso).sum() else iso


def _dates(col: pa.ChunkedArray, where: _File) -> np.ndarray:
    """Session dates as int64 days since 1970 (time of day dropped)."""
    if pa.types.is_timestamp(col.type) or pa.types.is_date(col.type):
        ns = col.cast(pa.timestamp("ns")).to_numpy().astype("datetime64[ns]")
        bad = np.isnat(ns)
        raw: Any = None
    else:
        raw = col.cast(pa.string()).to_pandas()
        ns = _one_date_format(raw)
        bad = np.isnat(ns)
    if bad.any():
        i = _first_bad(bad)
        shown = "empty" if raw is None or raw.iloc[i] is None else repr(raw.iloc[i])
        first = "" if raw is None else f" (the file's dates are written like {raw.iloc[0]!r})"
        raise where.error(f"cannot read {shown} as a date{first}", i, "date")
    return ns.astype(np.int64) // NS_PER_DAY


def _numbers(col: pa.ChunkedArray, name: str, where: _File) -> np.ndarray:
    """A numeric column as float64 (empty cells NaN); positive prices, volume >= 0."""
    if pa.types.is_integer(col.type) or pa.types.is_floating(col.type):
        values = col.cast(pa.float64()).to_numpy(zero_copy_only=False)
    else:
        raw = col.cast(pa.string()).to_pandas()
        values = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
        bad = np.isnan(values) & raw.notna().to_numpy() & (raw.str.strip() != "").to_numpy()
        if bad.any():
            i = _first_bad(bad)
            raise where.error(f"{raw.iloc[i]!r} is not a number", i, name)
    nonpos = values < 0 if name == "volume" else values <= 0
    if nonpos.any():
        i = _first_bad(nonpos)
        what = "negative volume" if name == "volume" else "price must be positive"
        raise where.error(f"{what}, got {values[i]:g}", i, name)
    huge = ~(values <= 1e30) & ~np.isnan(values)  # the store keeps float32 (max 3.4e38)
    if huge.any():
        i = _first_bad(huge)
        raise where.error(f"implausibly large value {values[i]:g} (inf in the store)", i, name)
    return values


def _codes(days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted unique days and each row's position among them, in O(n)."""
    lo = days.min()
    present = np.zeros(int(days.max() - lo) + 1, dtype=bool)
    present[days - lo] = True
    position = np.cumsum(present) - 1
    return np.flatnonzero(present) + lo, position[days - lo]


def _tickers(col: pa.ChunkedArray, where: _File) -> tuple[list[str], np.ndarray]:
    """Normalized sorted ticker names and each row's code."""
    enc = pc.dictionary_encode(col.cast(pa.string())).combine_chunks()
    if enc.null_count:
        raise where.error("empty ticker", _first_bad(enc.is_null().to_numpy(False)), "ticker")
    raw = enc.dictionary.to_pylist()
    codes = enc.indices.to_numpy(zero_copy_only=False)
    names = []
    for k, text in enumerate(raw):
        try:
            names.append(normalize_ticker(text))
        except InputError as exc:
            raise where.error(str(exc), _first_bad(codes == k), "ticker") from None
    unique = sorted(set(names))
    remap = np.searchsorted(np.array(unique, dtype=object), np.array(names, dtype=object))
    return unique, remap[codes]


def _check_duplicates(key: np.ndarray, cols: dict[str, np.ndarray], where: _File) -> None:
    counts = np.bincount(key)
    if not (counts > 1).any():
        return
    rows = np.flatnonzero(counts[key] > 1)
    frame = pd.DataFrame({"key": key[rows], "row": rows, **{c: v[rows] for c, v in cols.items()}})
    for _, group in frame.groupby("key", sort=False):
        values = group[list(cols)].to_numpy()
        same = (values == values[0]) | (np.isnan(values) & np.isnan(values[0]))
        if not same.all():
            r0, r1 = (int(r) for r in group["row"].iloc[:2])
            col = list(cols)[int(np.flatnonzero(~same.all(axis=0))[0])]
            raise where.error(f"duplicate date and ticker with different values (row {r0 + 1})",
                              r1, col)  # fmt: skip


def _long(table: pa.Table, where: _File) -> Prices:
    names = set(table.column_names)
    if "date" not in names:
        raise where.error("missing column 'date'")
    if not names & {"close", "adj_close"}:
        raise where.error("missing column 'close' (or 'adj_close')")
    if ("high" in names) != ("low" in names):
        raise where.error(f"missing column {'low' if 'high' in names else 'high'!r}")
    has_ohl = names & {"open", "high", "low"}
    if has_ohl and "adj_close" in names and "close" not in names:
        raise where.error("missing column 'close' (needed to scale open/high/low by adj_close)")
    days = _dates(table.column("date"), where)
    tickers, tcode = _tickers(table.column("ticker"), where)
    cols = {c: _numbers(table.column(c), c, where) for c in (*PRICE_COLS, "volume") if c in names}
    if "high" in cols:
        bad = cols["high"] < cols["low"]
        if bad.any():
            i = _first_bad(bad)
            raise where.error(f"high {cols['high'][i]:g} < low {cols['low'][i]:g}", i, "high")
    if "adj_close" in cols:
        if "close" in cols:
            factor = cols["adj_close"] / cols["close"]
            for c in ("open", "high", "low"):
                if c in cols:
                    cols[c] = cols[c] * factor
        cols["close"] = cols.pop("adj_close")
    uniq_days, dcode = _codes(days)
    key = dcode.astype(np.int64) * len(tickers) + tcode
    _check_duplicates(key, cols, where)
    index = pd.DatetimeIndex(
        uniq_days.astype("datetime64[D]").astype("datetime64[ns]"), name="date"
    )
    panels: dict[str, pd.DataFrame] = {}
    for c, values in cols.items():
        dtype = np.float64 if c == "volume" else np.float32
        flat = np.full(len(uniq_days) * len(tickers), np.nan, dtype=dtype)
        flat[key] = values
        panels[c] = pd.DataFrame(flat.reshape(len(uniq_days), len(tickers)), index=index,
                                 columns=pd.Index(tickers, name="ticker"))  # fmt: skip
    return Prices(**panels)


def _wide(table: pa.Table, where: _File) -> Prices:
    if "date" not in table.column_names:
        raise where.error("missing column 'date' (or 'date,ticker,close' for a long file)")
    days = _dates(table.column("date"), where)
    columns = {}
    for name in table.column_names:
        if name == "date":
            continue
        try:
            ticker = normalize_ticker(name)
        except InputError as exc:
            raise where.error(str(exc), None, name) from None
        if ticker in columns:
            raise where.error(f"two columns are the ticker {ticker}", None, name)
        columns[ticker] = _numbers(table.column(name), name, where)
    if not columns:
        raise where.error("no ticker columns next to 'date'")
    tickers = sorted(columns)
    values = np.column_stack([columns[t] for t in tickers])
    uniq_days, dcode = _codes(days)
    if len(uniq_days) < len(days):
        _check_duplicates(dcode, {t: columns[t] for t in tickers}, where)
    close = np.full((len(uniq_days), len(tickers)), np.nan, dtype=np.float32)
    close[dcode] = values
    index = pd.DatetimeIndex(
        uniq_days.astype("datetime64[D]").astype("datetime64[ns]"), name="date"
    )
    return Prices(close=pd.DataFrame(close, index=index, columns=pd.Index(tickers, name="ticker")))


def read_price_file(path: Path | str, *, max_bytes: int | None = None) -> Prices:
    """Read and validate one price file; InputError (file, row, column) on any problem.

    ``max_bytes`` defaults to settings ``max_upload_mb`` MiB.
    """
    path = Path(path)
    limit = _default_max_bytes() if max_bytes is None else max_bytes
    table, where = _read_table(path, limit)
    if "ticker" in table.column_names:
        return _long(table, where)
    return _wide(table, where)
