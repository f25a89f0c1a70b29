"""Pure NumPy helpers of the store: wide panels <-> year blocks, merging, assembling.

Panels are ``DataFrame[dates × tickers]``; blocks (data.store.io.Block) hold one calendar year of
one field. All fields of a year share the dates and tickers of that year's close block: a ticker
is stored in a year when it has at least one close there, a session when any ticker has a close.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from data.store import io
from data.store.io import Block

PRICE_DTYPE = np.float32
VOLUME_DTYPE = np.float64


def dtype_of(field: str) -> type[np.floating]:
    """Storage dtype of a field: float32 prices, float64 volume."""
    return VOLUME_DTYPE if field == "volume" else PRICE_DTYPE


def _dates_ns(index: pd.Index) -> np.ndarray:
    idx = pd.DatetimeIndex(index)
    if idx.tz is not None:
        idx = idx.tz_localize(None)
    return np.asarray(idx.normalize().values, dtype="datetime64[ns]")


def split_years(panels: Mapping[str, pd.DataFrame]) -> dict[int, dict[str, Block]]:
    """Cut aligned panels (field -> dates × tickers) into year -> field -> Block."""
    close = panels["close"]
    tickers = [str(c) for c in close.columns]
    dates = _dates_ns(close.index)
    if len(np.unique(dates)) != len(dates):
        raise ValueError("prices have duplicate dates")
    years = dates.astype("datetime64[Y]").astype(int) + 1970
    values = {f: _aligned(frame, close, dtype_of(f)) for f, frame in panels.items()}
    out: dict[int, dict[str, Block]] = {}
    for year in np.unique(years):
        at = np.flatnonzero(years == year)
        rows: slice | np.ndarray = at
        if at[-1] - at[0] + 1 == len(at):  # sorted dates: a view, not a copy
            rows = slice(int(at[0]), int(at[-1]) + 1)
        out[int(year)] = {f: Block(dates[rows], tickers, v[rows]) for f, v in values.items()}
    return out


def _aligned(frame: pd.DataFrame, close: pd.DataFrame, dtype: type) -> np.ndarray:
    """``frame``'s values on close's dates and tickers as ``dtype``, once per field (no copy
    when the frame already is so)."""
    if not (frame.index.equals(close.index) and frame.columns.equals(close.columns)):
        frame = frame.reindex(index=close.index, columns=close.columns)
    return frame.to_numpy(dtype=dtype, na_value=np.nan)


def merge_year(
    stored: Mapping[str, Block],
    given: Mapping[str, Block],
    drop: Collection[str],
    fields: Sequence[str],
) -> dict[str, Block]:
    """One year after a write: stored cells, minus ``drop`` tickers, overlaid by given non-NaN.

    Returns field -> Block on common dates/tickers, {} when no close is left in the year.
    """
    if not any(b.tickers for b in stored.values()) and _one_grid(given):
        # a year new to the store: the given cells as they are
        close = given["close"]
        return _trimmed(close.dates, close.tickers, {f: b.values for f, b in given.items()}, fields)
    dates = np.unique(np.concatenate([b.dates for b in (*stored.values(), *given.values())]))
    names: set[str] = set()
    for b in stored.values():
        names.update(t for t in b.tickers if t not in drop)
    for b in given.values():
        names.update(b.tickers)
    tickers = pd.Index(sorted(names))
    merged: dict[str, np.ndarray] = {}
    for field in fields:
        out = np.full((len(dates), len(tickers)), np.nan, dtype=dtype_of(field))
        for block, overlay in ((stored.get(field), False), (given.get(field), True)):
            if block is None or not block.tickers:
                continue
            cols = tickers.get_indexer(block.tickers)
            rows = np.searchsorted(dates, block.dates)
            keep = cols >= 0
            if not overlay and drop:
                keep &= ~np.isin(np.asarray(block.tickers, dtype=object), list(drop))
            vals = block.values[:, keep].astype(out.dtype, copy=False)
            cols = cols[keep]
            if overlay:
                current = out[np.ix_(rows, cols)]
                mask = ~np.isnan(vals)
                current[mask] = vals[mask]
                vals = current
            out[np.ix_(rows, cols)] = vals
        merged[field] = out
    return _trimmed(dates, [str(t) for t in tickers], merged, fields)


def _one_grid(given: Mapping[str, Block]) -> bool:
    """True when every given block shares the close block's sorted, distinct dates and
    tickers (what split_years makes): merging onto nothing then changes no cell."""
    close = given.get("close")
    if close is None:
        return False
    dates, tickers = close.dates, close.tickers
    if (np.diff(dates) <= np.timedelta64(0)).any() or any(
        a >= b for a, b in itertools.pairwise(tickers)
    ):
        return False
    return all(b.tickers == tickers and np.array_equal(b.dates, dates) for b in given.values())


def _trimmed(
    dates: np.ndarray,
    tickers: Sequence[str],
    values: Mapping[str, np.ndarray],
    fields: Sequence[str],
) -> dict[str, Block]:
    """Blocks of a year's ``values`` (field -> [dates × tickers]) without the tickers and
    sessions that have no close; a field without values is all NaN; {} when no close is
    left. The end of every merge_year."""
    has = ~np.isnan(values["close"])
    col_keep = has.any(axis=0)
    row_keep = has[:, col_keep].any(axis=1)
    if not row_keep.any():
        return {}
    kept = [t for t, k in zip(tickers, col_keep, strict=True) if k]
    every = bool(col_keep.all() and row_keep.all())
    out = {}
    for f in fields:
        v = values.get(f)
        if v is None:
            cut = np.full((int(row_keep.sum()), len(kept)), np.nan, dtype=dtype_of(f))
        else:
            v = v.astype(dtype_of(f), copy=False)
            cut = v if every else v[np.ix_(row_keep, col_keep)]
        out[f] = Block(dates[row_keep], kept, cut)
    return out


def first_last(close: Block) -> pd.DataFrame:
    """Per ticker of a close block, the first and last session with a close."""
    has = ~np.isnan(close.values)
    first = has.argmax(axis=0)
    last = len(close.dates) - 1 - has[::-1].argmax(axis=0)
    return pd.DataFrame(
        {
            "ticker": close.tickers,
            "first_date": close.dates[first],
            "last_date": close.dates[last],
        }
    )


def assemble(
    blocks: Sequence[Block | None],
    frames: Sequence[Block],
    keep: pd.Index,
    dtype: type,
    rows: tuple[int, int] | None = None,
) -> np.ndarray:
    """Stack year blocks of one field onto the rows of the year ``frames`` (the close blocks).

    ``blocks[i]`` is that field's block for ``frames[i]`` (None when absent: NaN rows);
    ``rows`` (first, end) picks a range of the stacked rows (default all). The result is
    [rows × len(keep)] with NaN where a ticker has no value, F-ordered: ticker-major memory,
    pandas' own block layout and the kernels' (``pd.DataFrame(..., copy=False)`` keeps it
    without a copy). Each cell is written once (no NaN fill under a full year).
    """
    n_rows = sum(len(f.dates) for f in frames)
    lo, hi = rows if rows is not None else (0, n_rows)
    out: np.ndarray = np.empty((len(keep), max(hi - lo, 0)), dtype=dtype)
    r0 = 0
    for frame, block in zip(frames, blocks, strict=True):
        r1 = r0 + len(frame.dates)
        a, b = max(r0, lo), min(r1, hi)  # this year's rows inside the range
        if a < b:
            _fill_year(out[:, a - lo : b - lo], frame, block, keep, (a - r0, b - r0))
        r0 = r1
    return out.T


def _fill_year(
    dest: np.ndarray, frame: Block, block: Block | None, keep: pd.Index, rows: tuple[int, int]
) -> None:
    """Write rows ``rows`` of one year (positions among ``frame.dates``) into ``dest``
    [len(keep) × rows], NaN where ``block`` has no value."""
    if block is None or not block.tickers:
        dest[:] = np.nan
        return
    cols = keep.get_indexer(block.tickers)
    pos = np.searchsorted(frame.dates, block.dates)
    sel = cols >= 0
    values = block.values if sel.all() else block.values[:, sel]
    cols = cols[sel]
    if len(pos) == len(frame.dates):  # the block has every session of the year
        if len(cols) == len(keep) and (cols == np.arange(len(keep))).all():  # in order
            dest[:] = values[rows[0] : rows[1]].T
            return
        absent = np.ones(len(keep), dtype=bool)
        absent[cols] = False
        dest[absent] = np.nan
        dest[cols] = values[rows[0] : rows[1]].T
        return
    dest[:] = np.nan
    inside = (pos >= rows[0]) & (pos < rows[1])
    dest[np.ix_(cols, pos[inside] - rows[0])] = values[inside].T


def empty_ticker_index() -> pd.DataFrame:
    """The ticker index of an empty store, typed as a stored one (dates datetime64[ns]): a
    concat with year ranges then stays datetime, not object (groupby min/max on objects took
    1.9 s for 290,000 ranges)."""
    empty = np.array([], dtype="datetime64[ns]")
    return pd.DataFrame(
        {"ticker": pd.Series([], dtype=str), "first_date": empty, "last_date": empty.copy()}
    )


def ticker_index(parts: Path, manifest: dict[str, Any]) -> pd.DataFrame:
    """The stored ticker index (ticker, first_date, last_date) that ``manifest`` names."""
    name = manifest.get("files", {}).get("tickers")
    if not name:
        return empty_ticker_index()
    frame: pd.DataFrame = io.read_frame_file(parts / name)
    return frame
