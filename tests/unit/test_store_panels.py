"""The store's year blocks (data.store.panels): stacking them into a read panel and merging
a write into a stored year, each against a cell-by-cell reference on random blocks with
missing tickers, missing sessions and row ranges."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from data.store.io import Block
from data.store.panels import assemble

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
