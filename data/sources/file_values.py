"""A price file's numeric columns as validated arrays: every value finite and at most
MAX_VALUE; prices > 0 and a normal float32 (the store's type); volume >= 0; high >= low; a
(date, ticker) twice only with the same values. Messages name the file, row and column
(data.sources.file_dates.WhereInFile); a float column is checked chunk by chunk (Parts) and
the per-row masks run only where a chunk's extremes fail."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from data.sources.file_dates import WhereInFile

PRICE_COLS = ("open", "high", "low", "close", "adj_close")
LONG_ONLY = frozenset({*PRICE_COLS, "volume", "kind"})
MAX_VALUE = 1e15
"""Largest price or volume taken: above any real back-adjusted price (the shared close file's
largest is 1.2e10) and below sentinels such as int64 max (9.2e18)."""
FLOAT32_TINY = float(np.finfo(np.float32).tiny)


def _plainly_valid(values: np.ndarray, name: str) -> bool:
    """True when the smallest and largest value (NaN skipped) already pass every check of
    check_values: two reductions instead of a mask per check on the whole column. No
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


def number_parts(col: pa.ChunkedArray, name: str, where: WhereInFile) -> Parts:
    """The column as validated numbers: a float32 or float64 column as its chunks (a chunk
    without nulls is not copied), anything else, or a column whose extremes fail a check, as
    one array from numbers (which names the first bad row)."""
    if col.type in (pa.float32(), pa.float64()):
        parts = [c.to_numpy(zero_copy_only=False) for c in col.chunks]
        if all(_plainly_valid(p, name) for p in parts):
            return parts
    return [numbers(col, name, where)]


def whole(parts: Parts) -> np.ndarray:
    """The parts as one array (no copy for a single part)."""
    return parts[0] if len(parts) == 1 else np.concatenate(parts)


def offsets(parts: Parts) -> list[int]:
    """The file row of each part's first value, then the row count."""
    return np.cumsum([0, *(len(p) for p in parts)]).tolist()


def first_bad(mask: np.ndarray) -> int:
    """Position of the first True."""
    return int(np.flatnonzero(mask)[0])


def _no_ticker_hint(where: WhereInFile) -> str:
    """Added to "is not a number" when a wide file may be a long file whose 'ticker' is lost."""
    seen = ", ".join(where.header)
    return (
        f": the file has no 'ticker' column (columns seen: {seen}), so it was read as a "
        "wide file (date + one close column per ticker)"
    )


def numbers(col: pa.ChunkedArray, name: str, where: WhereInFile, wide: bool = False) -> np.ndarray:
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
            i = first_bad(bad)
            text_column = (bad == filled).all()  # not one number: not a price column
            long_names = LONG_ONLY & {c.lower() for c in where.header}
            hint = _no_ticker_hint(where) if wide and (text_column or long_names) else ""
            raise where.error(f"{raw.iloc[i]!r} is not a number{hint}", i, name)
    check_values(values, name, where)
    return values


def check_values(values: np.ndarray, name: str, where: WhereInFile, note: str = "") -> None:
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
            i = first_bad(bad)
            raise where.error(f"{what}, got {values[i]:g}{note}", i, name)


def check_duplicates(
    key: np.ndarray, n_keys: int, parts: dict[str, Parts], where: WhereInFile
) -> None:
    """Refuse two rows with one key (0 <= key < n_keys) and different values; the same
    values twice pass. One mark per key finds whether any key repeats at all."""
    seen = np.zeros(n_keys, dtype=bool)
    seen[key] = True
    if np.count_nonzero(seen) == len(key):
        return
    del seen
    cols = {c: whole(p) for c, p in parts.items()}
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


def high_above_low(high: Parts, low: Parts, where: WhereInFile) -> None:
    """Refuse the first row whose high is below its low (part by part when both columns
    have the same chunks)."""
    if [len(p) for p in high] != [len(p) for p in low]:
        high, low = [whole(high)], [whole(low)]
    for a, h, lo in zip(offsets(high), high, low, strict=False):
        bad = h < lo
        if bad.any():
            i = first_bad(bad)
            raise where.error(f"high {h[i]:g} < low {lo[i]:g}", a + i, "high")
