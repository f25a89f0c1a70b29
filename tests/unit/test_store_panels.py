"""The store's year blocks (data.store.panels): stacking them into a read panel and merging
a write into a stored year, each against a cell-by-cell reference on random blocks with
missing tickers, missing sessions and row ranges."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from data.store.io import Block
from data.store.panels import assemble, merge_year, split_years

NAMES = [f"T{k}" for k in range(8)]


def random_year(rng: np.random.Generator, year: int) -> tuple[Block, Block | None]:
    """A close block (the year's frame) and one other field's block on a subset of its
    sessions and tickers (None when the field is absent that year)."""
    days = np.sort(rng.choice(np.arange(200), int(rng.integers(1, 12)), replace=False))
    dates = (np.datetime64(f"{year}-01-01") + days).astype("datetime64[ns]")
    names = sorted(rng.choice(NAMES, int(rng.integers(1, 8)), replace=False).tolist())
    frame = Block(dates, names, rng.random((len(dates), len(names))).astype(np.float32))
    if rng.random() < 0.2:
        return frame, None
    rows = np.sort(rng.choice(len(dates), int(rng.integers(1, len(dates) + 1)), replace=False))
    cols = np.sort(rng.choice(len(names), int(rng.integers(1, len(names) + 1)), replace=False))
    if rng.random() < 0.3:  # blocks are stored sorted; assemble does not rely on it
        cols = rng.permutation(cols)
    values = rng.random((len(rows), len(cols))).astype(np.float32)
    return frame, Block(dates[rows], [names[c] for c in cols], values)


@settings(max_examples=80, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), n_years=st.integers(1, 4), data=st.data())
def test_sp001_assemble_equals_cell_by_cell(seed: int, n_years: int, data: st.DataObject) -> None:
    rng = np.random.default_rng(seed)
    years = [random_year(rng, 2000 + y) for y in range(n_years)]
    frames = [f for f, _ in years]
    keep = pd.Index(sorted(rng.choice(NAMES, int(rng.integers(1, 9)), replace=False).tolist()))
    n = sum(len(f.dates) for f in frames)
    lo = data.draw(st.integers(0, n))
    hi = data.draw(st.integers(lo, n))
    want = np.full((n, len(keep)), np.nan, dtype=np.float32)
    r0 = 0
    for frame, block in years:
        for i, day in enumerate(frame.dates):
            for j, name in enumerate(keep):
                if block is not None and name in block.tickers and day in block.dates:
                    r = int(np.flatnonzero(block.dates == day)[0])
                    want[r0 + i, j] = block.values[r, block.tickers.index(name)]
        r0 += len(frame.dates)
    got = assemble([b for _, b in years], frames, keep, np.float32, (lo, hi))
    np.testing.assert_array_equal(got, want[lo:hi])
    assert got.flags.f_contiguous and got.dtype == np.float32
    np.testing.assert_array_equal(assemble([b for _, b in years], frames, keep, np.float32), want)


def cells(blocks: dict[str, Block]) -> dict[tuple[str, np.datetime64, str], float]:
    """Every non-NaN cell of field blocks as (field, date, ticker) -> value."""
    out = {}
    for f, b in blocks.items():
        for i, day in enumerate(b.dates):
            for j, name in enumerate(b.tickers):
                if not np.isnan(b.values[i, j]):
                    out[(f, day, name)] = float(b.values[i, j])
    return out


@settings(max_examples=80, deadline=None)
@given(
    seed=st.integers(0, 2**31 - 1), stored_too=st.booleans(), drop=st.sets(st.sampled_from(NAMES))
)
def test_sp002_merge_year_equals_cell_by_cell(seed: int, stored_too: bool, drop: set[str]) -> None:
    """Stored cells minus the dropped tickers, overlaid by the given non-NaN cells, on the
    sessions and tickers that still have a close (any field's cell there is kept). A year new
    to the store (nothing stored) takes merge_year's shortcut; a field not given is NaN."""
    rng = np.random.default_rng(seed)
    dates = pd.DatetimeIndex(np.datetime64("2021-01-04") + np.sort(
        rng.choice(300, int(rng.integers(1, 9)), replace=False)))  # fmt: skip
    names = sorted(rng.choice(NAMES, int(rng.integers(1, 8)), replace=False).tolist())
    panels = {}
    for f in ("close", "high"):
        v = rng.random((len(dates), len(names))).astype(np.float32)
        v[rng.random(v.shape) < 0.3] = np.nan
        panels[f] = pd.DataFrame(v, index=dates, columns=names)
    given = split_years(panels)[2021]
    stored: dict[str, Block] = {}
    if stored_too:
        other = random_year(rng, 2021)[0]
        stored = {"close": other, "high": Block(other.dates, other.tickers, other.values * 2),
                  "low": Block(other.dates, other.tickers, other.values / 2)}  # fmt: skip
    fields = ["close", "high", "low"]
    got = merge_year(stored, given, drop, fields)
    want = {k: v for k, v in cells(stored).items() if k[2] not in drop}
    want.update(cells(given))
    days = {d for f, d, _ in want if f == "close"}  # sessions and tickers with a close
    names = {t for f, _, t in want if f == "close"}
    want = {k: v for k, v in want.items() if k[1] in days and k[2] in names}
    assert cells(got) == want
    if not want:
        assert got == {}
        return
    assert set(got) == set(fields)
    for b in got.values():
        assert list(b.dates) == sorted(days) and b.tickers == sorted(names)
        assert b.values.shape == (len(days), len(names))


def test_sp003_a_block_in_another_ticker_order_lands_by_name() -> None:
    dates = np.array(["2024-01-02", "2024-01-03"], dtype="datetime64[ns]")
    frame = Block(dates, ["A", "B", "C"], np.ones((2, 3), dtype=np.float32))
    block = Block(dates, ["C", "A", "B"], np.array([[3, 1, 2], [30, 10, 20]], dtype=np.float32))
    got = assemble([block], [frame], pd.Index(["A", "B", "C"]), np.float32)
    np.testing.assert_array_equal(got, [[1, 2, 3], [10, 20, 30]])
