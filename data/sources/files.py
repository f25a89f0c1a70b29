"""A user's price file (CSV or Parquet, long or wide) as validated wide panels.

Long: ``date,ticker,open,high,low,close[,adj_close],volume`` or ``date,ticker,close|adj_close``.
Wide: ``date`` + one close column per ticker. With ``adj_close``, close := adj_close and
open/high/low are scaled by adj_close/close (split and dividend adjustment). A long file may
carry a ``kind`` column (stock, etf, index), returned as ticker info. Every problem raises
InputError naming the file, the data row (1-based, header not counted; CSV messages also give
the line) and the column. The file is refused rather than stored unfaithfully: dates as in
data/sources/file_dates.py, numbers as in data/sources/file_values.py; column names unique
ignoring case; no list or struct cells. Pivoting uses
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
from data.sources.file_dates import (
    Dates,
    WhereInFile,
    default_bounds,
    distinct_days,
    session_codes,
    session_days,
)
from data.sources.file_values import (
    PRICE_COLS,
    check_duplicates,
    check_values,
    first_bad,
    high_above_low,
    number_parts,
    numbers,
    offsets,
    whole,
)
from data.tickers import normalize_ticker

KINDS = ("stock", "etf", "index")


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
        raise where.error("empty ticker", first_bad(enc.is_null().to_numpy(False)), "ticker")
    codes = enc.indices.to_numpy(zero_copy_only=False)
    used = np.zeros(len(raw), dtype=bool)
    used[codes] = True  # a dictionary may hold values no row uses
    names: list[str] = []
    for k, text in enumerate(raw):
        if not used[k]:
            names.append("")
            continue
        if text is None:
            raise where.error("empty ticker", first_bad(codes == k), "ticker")
        try:
            names.append(normalize_ticker(text))
        except InputError as exc:
            raise where.error(str(exc), first_bad(codes == k), "ticker") from None
    unique = sorted({n for n, u in zip(names, used, strict=True) if u})
    remap = np.searchsorted(np.array(unique, dtype=object), np.array(names, dtype=object))
    return unique, remap.astype(np.int32)[codes]


def _kinds(
    col: pa.ChunkedArray, tickers: list[str], tcode: np.ndarray, where: WhereInFile
) -> pd.DataFrame | None:
    """The optional ``kind`` column as one (ticker, kind) row per ticker that has one."""
    raw = col.cast(pa.string()).to_pandas()
    text = raw.str.strip().str.lower()
    filled = (text.notna() & (text != "")).to_numpy()
    bad = filled & ~text.isin(KINDS).to_numpy()
    if bad.any():
        i = first_bad(bad)
        raise where.error(f"kind {raw.iloc[i]!r} is not one of {', '.join(KINDS)}", i, "kind")
    if not filled.any():
        return None
    rows = np.flatnonzero(filled)
    frame = pd.DataFrame({"code": tcode[rows], "kind": text.to_numpy()[rows], "row": rows})
    first = frame.groupby("code")[["kind", "row"]].transform("first")
    differs = (frame["kind"] != first["kind"]).to_numpy()
    if differs.any():
        k = first_bad(differs)
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
    uniq_days, dcode = session_codes(table.pop("date"), where, dates)
    tickers, tcode = _tickers(table.pop("ticker"), where)
    cols = {c: number_parts(table.pop(c), c, where) for c in (*PRICE_COLS, "volume") if c in names}
    info = _kinds(table.pop("kind"), tickers, tcode, where) if "kind" in names else None
    if "high" in cols:
        high_above_low(cols["high"], cols["low"], where)
    if "adj_close" in cols:
        if "close" in cols:
            factor = whole(cols["adj_close"]).astype(np.float64) / whole(cols["close"])
            for c in ("open", "high", "low"):
                if c in cols:
                    scaled = whole(cols[c]) * factor
                    check_values(scaled, c, where, " after scaling by adj_close/close")
                    cols[c] = [scaled]
        cols["close"] = cols.pop("adj_close")
    n_days, n_tickers = len(uniq_days), len(tickers)
    key = tcode.astype(np.int64)  # ticker-major cells: pandas' block layout, no copy below
    key *= n_days
    key += dcode
    del tcode, dcode
    check_duplicates(key, n_days * n_tickers, cols, where)
    index = pd.DatetimeIndex(
        uniq_days.astype("datetime64[D]").astype("datetime64[ns]"), name="date"
    )
    panels: dict[str, pd.DataFrame] = {}
    for c in list(cols):
        parts = cols.pop(c)  # dropped once stored: one column and its panel at a time
        dtype = np.float64 if c == "volume" else np.float32
        flat = np.full(n_days * n_tickers, np.nan, dtype=dtype)
        for a, part in zip(offsets(parts), parts, strict=False):
            flat[key[a : a + len(part)]] = part
        del parts
        panels[c] = pd.DataFrame(
            flat.reshape(n_tickers, n_days).T,
            index=index,
            columns=pd.Index(tickers, name="ticker"),
            copy=False,
        )
    return PriceFile(Prices(**panels), info)


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
        columns[ticker] = numbers(table[name], name, where, wide=True)
    if not columns:
        raise where.error("no ticker columns next to 'date'")
    tickers = sorted(columns)
    values = np.column_stack([columns[t] for t in tickers])
    uniq_days, dcode = distinct_days(days)
    if len(uniq_days) < len(days):
        check_duplicates(dcode, len(uniq_days), {t: [columns[t]] for t in tickers}, where)
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
