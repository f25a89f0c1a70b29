"""Building a new store version from a price write (called by Store.write_prices under lock)."""

from __future__ import annotations

import hashlib
import re
from collections import deque
from collections.abc import Callable, Collection, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from data.errors import InputError, StoreError
from data.model import FIELDS, INTERVAL_COLUMNS, Prices, UniverseInfo
from data.store import io
from data.store.io import Block
from data.store.panels import (
    empty_ticker_index,
    first_last,
    merge_year,
    split_years,
    ticker_index,
)

SOURCE_KINDS = ("demo", "yahoo", "files", "mixed")
SECTOR_COLUMNS: tuple[str, ...] = ("ticker", "sector", "source")
"""Columns of the stored sector assignments (``put_sectors``; ``data.sectors``)."""


def _source(old: dict[str, Any], kind: str, label: str, replace_all: bool) -> dict[str, str]:
    """The source after a write: the new one, or "mixed" when merged into another kind."""
    if kind not in SOURCE_KINDS:
        raise StoreError(f"unknown source kind {kind!r}; expected one of {SOURCE_KINDS}")
    prev = old.get("source")
    if replace_all or not prev:
        return {"kind": kind, "label": label}
    labels = list(dict.fromkeys([*prev["label"].split("; "), label]))
    new_kind = kind if prev["kind"] == kind else "mixed"
    return {"kind": new_kind, "label": "; ".join(labels)[-500:]}


@dataclass(frozen=True)
class Changes:
    """What a price write does to the stored bars, found under the writer lock before any file
    is written. A bar is changed when a given value differs from a stored one (same ticker,
    session and field; values equal as float32 are the same); NaN given changes nothing."""

    new_tickers: tuple[str, ...] = ()
    new_sessions: int = 0
    changed_bars: int = 0
    changed_tickers: tuple[str, ...] = ()
    first_changed: pd.Timestamp | None = None
    last_changed: pd.Timestamp | None = None


def _year_changes(
    stored: Mapping[str, Block], given: Mapping[str, Block], drop: Collection[str]
) -> tuple[set[str], int, np.ndarray, list[str]]:
    """One year: tickers and session count given with a close, and the changed bars' dates
    (one per bar) and tickers (one per bar)."""
    close = given["close"]
    has = ~np.isnan(close.values)
    tickers = {t for t, any_ in zip(close.tickers, has.any(axis=0), strict=True) if any_}
    dates = close.dates[has.any(axis=1)]
    old = stored.get("close")
    if old is None:
        return tickers, len(dates), np.array([], "M8[ns]"), []
    new_sessions = int((~np.isin(dates, old.dates)).sum())
    rows_g = np.flatnonzero(np.isin(close.dates, old.dates))
    rows_s = np.searchsorted(old.dates, close.dates[rows_g])
    index = pd.Index(old.tickers)
    cols_s = index.get_indexer(close.tickers)
    keep = (cols_s >= 0) & ~np.isin(np.asarray(close.tickers, dtype=object), list(drop))
    cols_g, cols_s = np.flatnonzero(keep), cols_s[keep]
    changed = np.zeros((len(rows_g), len(cols_g)), dtype=bool)
    for field, block in given.items():
        if field not in stored or not len(cols_g) or not len(rows_g):
            continue
        new = block.values[np.ix_(rows_g, cols_g)].astype(np.float32)
        was = stored[field].values[np.ix_(rows_s, cols_s)].astype(np.float32)
        changed |= ~np.isnan(new) & ~np.isnan(was) & (new != was)
    r, c = np.nonzero(changed)
    return tickers, new_sessions, close.dates[rows_g[r]], [close.tickers[k] for k in cols_g[c]]


def _changes(
    stored: Mapping[int, Mapping[str, Block]],
    given: Mapping[int, Mapping[str, Block]],
    drop: Collection[str],
    known: Collection[str],
) -> Changes:
    tickers: set[str] = set()
    sessions = 0
    dates, names = [], []
    for year, blocks in given.items():
        t, n, d, c = _year_changes(stored.get(year, {}), blocks, drop)
        tickers |= t
        sessions += n
        dates.append(d)
        names += c
    when = np.concatenate(dates) if dates else np.array([], "M8[ns]")
    return Changes(
        new_tickers=tuple(sorted(tickers - set(known))),
        new_sessions=sessions,
        changed_bars=len(names),
        changed_tickers=tuple(sorted(set(names))),
        first_changed=pd.Timestamp(when.min()) if len(when) else None,
        last_changed=pd.Timestamp(when.max()) if len(when) else None,
    )


def _upsert_info(old: pd.DataFrame | None, new: pd.DataFrame | None) -> pd.DataFrame | None:
    """New rows replace a ticker's old row; columns the new frame lacks keep their old value."""
    if new is None:
        return old
    if "ticker" not in new.columns:
        raise StoreError("ticker_info has no 'ticker' column")
    new = new.reset_index(drop=True).assign(ticker=new["ticker"].astype(str).to_numpy())
    lacking = [] if old is None else [c for c in old.columns if c not in new.columns]
    if old is not None and lacking:
        carried = old.drop_duplicates("ticker", keep="last").set_index("ticker")[lacking]
        new = new.join(carried, on="ticker")
    both = new if old is None or old.empty else pd.concat([old, new], ignore_index=True)
    return both.drop_duplicates("ticker", keep="last").sort_values("ticker").reset_index(drop=True)


class _Writer:
    """Year files written on WRITE_THREADS threads while the next year is merged (Arrow
    encodes, compresses and writes without the GIL); at most WRITE_AHEAD files wait, so the
    blocks in flight stay a few years' worth. Leaving the block waits for every write and
    raises the first failure (the caller's ``created`` then names every file to remove)."""

    WRITE_THREADS = 2
    WRITE_AHEAD = 8

    def __enter__(self) -> _Writer:
        self.pool = ThreadPoolExecutor(max_workers=self.WRITE_THREADS)
        self.pending: deque[Future[None]] = deque()
        return self

    def put(self, block: Block, path: Path, created: list[Path]) -> None:
        """Queue one block file (after the oldest finishes when WRITE_AHEAD are queued)."""
        while len(self.pending) >= self.WRITE_AHEAD:
            self.pending.popleft().result()
        self.pending.append(self.pool.submit(_write_block, block, path, created))

    def __exit__(self, exc_type: type[BaseException] | None, *rest: object) -> None:
        if exc_type is not None:  # the body failed: drop queued writes, wait for running ones
            self.pool.shutdown(wait=True, cancel_futures=True)
            return
        try:
            while self.pending:
                self.pending.popleft().result()
        finally:
            self.pool.shutdown(wait=True, cancel_futures=True)


def _write_block(block: Block, path: Path, created: list[Path]) -> None:
    io.write_table(io.encode_block(block), path, created)


def build_prices(
    parts: Path,
    old: dict[str, Any],
    version: str,
    created: list[Path],
    *,
    prices: Prices,
    source_kind: str,
    source_label: str,
    simulated: bool,
    replace_all: bool,
    replace_tickers: Collection[str],
    ticker_info: pd.DataFrame | None,
    universes: Sequence[tuple[UniverseInfo, pd.DataFrame]],
    drop_universes: bool,
    refresh_summary: dict[str, Any] | None,
    on_changes: Callable[[Changes], None] | None = None,
) -> dict[str, Any]:
    """The new manifest after writing the touched year files, ticker index, info, universes.

    ``on_changes`` sees the write's Changes before any file is written and may raise to
    refuse it."""
    old_files = old.get("files", {}) if not replace_all else {}
    old_prices: dict[str, dict[str, str]] = old_files.get("prices", {})
    index = ticker_index(parts, old) if old_files.get("tickers") else empty_ticker_index()
    given = split_years(prices.panels()) if len(prices.close.columns) else {}
    drop = set(replace_tickers) & set(index["ticker"])
    affected = set(given)
    for _, row in index[index["ticker"].isin(drop)].iterrows():
        affected.update(range(row["first_date"].year, row["last_date"].year + 1))
    fields = [f for f in FIELDS if f in old_prices or f in prices.panels()]
    new_prices = {f: dict(old_prices.get(f, {})) for f in fields}
    stored_years = {
        year: {
            f: io.read_block(parts / old_prices[f][str(year)])
            for f in fields
            if str(year) in old_prices.get(f, {})
        }
        for year in affected
    }
    if on_changes is not None:
        on_changes(_changes(stored_years, given, drop, index["ticker"].astype(str)))
    ranges = []
    with _Writer() as writer:
        for year in sorted(affected):
            y = str(year)
            stored = stored_years.pop(year)
            merged = merge_year(stored, given.get(year, {}), drop, fields)
            for f in fields:
                new_prices[f].pop(y, None)
                if merged:
                    name = f"{f}-{y}-{version}.parquet"
                    writer.put(merged[f], parts / name, created)
                    new_prices[f][y] = name
            if merged:
                ranges.append(first_last(merged["close"]))
    new_prices = {f: years for f, years in new_prices.items() if years}
    # ticker index: min/max over untouched history and the rewritten years
    kept = index[~index["ticker"].isin(drop)]
    both = pd.concat([kept, *ranges], ignore_index=True) if ranges else kept
    index = (
        both.groupby("ticker", sort=True)
        .agg(first_date=("first_date", "min"), last_date=("last_date", "max"))
        .reset_index()
    )
    files: dict[str, Any] = {"prices": new_prices, "tickers": None, "info": None, "universes": {}}
    if len(index):
        files["tickers"] = f"tickers-{version}.parquet"
        table = pa.Table.from_pandas(index, preserve_index=False)
        io.write_table(table, parts / files["tickers"], created)
    if ticker_info is None and old_files.get("info"):
        files["info"] = old_files["info"]  # unchanged: carried over by name
    else:
        old_info = None
        if old_files.get("info"):
            old_info = io.read_frame_file(parts / old_files["info"])
        info = _upsert_info(old_info, ticker_info)
        if info is not None and len(info):
            files["info"] = f"info-{version}.parquet"
            table = pa.Table.from_pandas(info, preserve_index=False)
            io.write_table(table, parts / files["info"], created)
    if old.get("files", {}).get("sectors"):  # assignments survive every price write
        files["sectors"] = old["files"]["sectors"]
    if not drop_universes:
        files["universes"] = dict(old.get("files", {}).get("universes", {}))
    for uinfo, intervals in universes:
        put_universe(parts, files, uinfo, intervals, version, created)
    present = [f for f in FIELDS if f in new_prices]
    first = index["first_date"].min() if len(index) else None
    last = index["last_date"].max() if len(index) else None
    refresh = (
        refresh_summary
        if refresh_summary is not None
        else ({} if replace_all else old.get("refresh", {}))
    )
    return {
        "format": 1,
        "source": _source(old, source_kind, source_label, replace_all),
        "simulated": bool(simulated or (not replace_all and old.get("simulated", False))),
        "close_only": not ("high" in present and "low" in present),
        "fields": present,
        "first_date": f"{first:%Y-%m-%d}" if first is not None else "",
        "last_date": f"{last:%Y-%m-%d}" if last is not None else "",
        "n_tickers": len(index),
        "refresh": dict(refresh),
        "files": files,
    }


def _slug(name: str) -> str:
    safe = re.sub(r"[^A-Za-z0-9_-]+", "_", name)[:40]
    return f"{safe}-{hashlib.sha1(name.encode()).hexdigest()[:6]}"


def put_universe(
    parts: Path,
    files: dict[str, Any],
    info: UniverseInfo,
    intervals: pd.DataFrame,
    version: str,
    created: list[Path],
) -> None:
    """Write a universe's intervals file and name it in ``files`` (inside a commit)."""
    missing = [c for c in INTERVAL_COLUMNS if c not in intervals.columns]
    if missing:
        raise InputError(f"universe {info.name!r}: intervals lack columns {missing}")
    frame = intervals.reset_index(drop=True).copy()
    frame["ticker"] = frame["ticker"].astype(str)
    for col in ("start_date", "end_date"):
        frame[col] = pd.to_datetime(frame[col]).astype("datetime64[ns]")
    name = f"universe-{_slug(info.name)}-{version}.parquet"
    table = pa.Table.from_pandas(frame, preserve_index=False)
    io.write_table(table, parts / name, created)
    files["universes"][info.name] = {"file": name, "info": asdict(info)}


def put_sectors(
    parts: Path, files: dict[str, Any], assignments: pd.DataFrame, version: str, created: list[Path]
) -> None:
    """Write the sector assignments file (``SECTOR_COLUMNS``, one row per ticker) and name it
    in ``files`` (inside a commit); no rows removes the file from the version."""
    missing = [c for c in SECTOR_COLUMNS if c not in assignments.columns]
    if missing:
        raise InputError(f"sector assignments lack columns {missing}")
    frame = assignments[list(SECTOR_COLUMNS)].astype(str).reset_index(drop=True)
    if frame["ticker"].duplicated().any():
        raise InputError("sector assignments name a ticker twice")
    if not len(frame):
        files.pop("sectors", None)
        return
    name = f"sectors-{version}.parquet"
    frame = frame.sort_values("ticker", ignore_index=True)
    io.write_table(pa.Table.from_pandas(frame, preserve_index=False), parts / name, created)
    files["sectors"] = name
