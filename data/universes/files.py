"""A user's universe file -> intervals, validated with messages naming file, row and column.

Two formats:
- a ticker list: one ticker a line, ``#`` starts a comment, blank lines ignored (today's
  members applied to history: not point in time);
- a membership table ``ticker,start_date[,end_date]`` as CSV or Parquet, dates YYYY-MM-DD,
  an empty end meaning still a member (point in time).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from data.errors import InputError
from data.universes.intervals import normalize_intervals, normalize_ticker

LIST_START = pd.Timestamp("1900-01-01")
"""Start of every interval of a plain ticker list."""


def _check_ticker(raw: str, where: str) -> str:
    """``normalize_ticker`` with the file, row and column in the message."""
    try:
        return normalize_ticker(raw)
    except InputError as exc:
        raise InputError(f"{where}: {exc}") from None


def _read_list(path: Path, text: str) -> pd.DataFrame:
    tickers: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        body = line.split("#", 1)[0].strip()
        if body:
            tickers.append(_check_ticker(body, f"{path.name}, line {number}"))
    if not tickers:
        raise InputError(f"{path.name}: no tickers (one a line, '#' for comments)")
    return pd.DataFrame(
        {"ticker": list(dict.fromkeys(tickers)), "start_date": LIST_START, "end_date": pd.NaT}
    )


def _parse_dates(values: pd.Series, rows: list[str], path: Path, column: str) -> pd.Series:
    text = values.fillna("").astype(str).str.strip()
    parsed = pd.to_datetime(text.where(text != ""), format="%Y-%m-%d", errors="coerce")
    bad = (text != "") & parsed.isna()
    if bad.any():
        i = int(bad.to_numpy().argmax())
        raise InputError(
            f"{path.name}, {rows[i]}, column {column}: {text.iloc[i]!r} is not a date YYYY-MM-DD"
        )
    return parsed


def _read_table(path: Path, raw: pd.DataFrame, rows: list[str]) -> pd.DataFrame:
    raw = raw.reset_index(drop=True).rename(columns=lambda c: str(c).strip().lower())
    missing = [c for c in ("ticker", "start_date") if c not in raw.columns]
    if missing:
        raise InputError(
            f"{path.name}: missing column(s) {', '.join(missing)}; a membership table has "
            f"ticker,start_date,end_date (found {', '.join(map(str, raw.columns))})"
        )
    if raw.empty:
        raise InputError(f"{path.name}: the table has no rows")
    tickers = [
        _check_ticker(str(v) if pd.notna(v) else "", f"{path.name}, {rows[i]}, column ticker")
        for i, v in enumerate(raw["ticker"])
    ]
    start = _parse_dates(raw["start_date"], rows, path, "start_date")
    if start.isna().any():
        i = int(start.isna().to_numpy().argmax())
        raise InputError(f"{path.name}, {rows[i]}, column start_date: empty (a date is required)")
    end = (
        _parse_dates(raw["end_date"], rows, path, "end_date")
        if "end_date" in raw.columns
        else pd.Series(pd.NaT, index=raw.index)
    )
    before = (end < start).to_numpy()
    if before.any():
        i = int(before.argmax())
        raise InputError(
            f"{path.name}, {rows[i]}, column end_date: {end.iloc[i].date()} is before "
            f"start_date {start.iloc[i].date()}"
        )
    return pd.DataFrame(
        {"ticker": tickers, "start_date": start.to_numpy(), "end_date": end.to_numpy()}
    )


def read_universe_file(path: Path) -> tuple[pd.DataFrame, bool]:
    """Read and validate ``path`` -> (intervals, point_in_time). InputError on any problem."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    if path.suffix.lower() in (".parquet", ".pq"):
        try:
            raw = pd.read_parquet(path)
        except Exception as exc:  # pyarrow raises several types for a damaged file
            raise InputError(f"{path.name}: not a readable Parquet file ({exc})") from exc
        for col in ("start_date", "end_date"):
            if col in raw.columns and pd.api.types.is_datetime64_any_dtype(raw[col]):
                raw[col] = raw[col].dt.strftime("%Y-%m-%d")
        return normalize_intervals(
            _read_table(path, raw, [f"row {i + 1}" for i in range(len(raw))])
        ), True
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path.name}: not a UTF-8 text file") from exc
    first = next((ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")), "")
    if "," not in first:
        return normalize_intervals(_read_list(path, text)), False
    lines = text.splitlines()
    header_line = lines.index(first) + 1
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, comment="#")
    except pd.errors.ParserError as exc:
        raise InputError(f"{path.name}: not a valid CSV table ({exc})") from exc
    # Data row i sits on the i-th non-blank, non-comment line after the header.
    data_lines = [
        n
        for n, ln in enumerate(lines, start=1)
        if n > header_line and ln.strip() and not ln.lstrip().startswith("#")
    ]
    if len(data_lines) == len(raw):
        rows = [f"line {n}" for n in data_lines]
    else:
        rows = [f"row {i + 1}" for i in range(len(raw))]
    return normalize_intervals(_read_table(path, raw, rows)), True
