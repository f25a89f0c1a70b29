"""indicators.divergences: a hand-computed table, NaN handling, a naive per-session loop vs
the vectorised version (hypothesis), and no look-ahead (truncating/altering later data)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators.divergences import (
    COLUMNS,
    EXTREME_TOLERANCE,
    TRAIL_MARGIN,
    DivergenceParams,
    divergences,
)

SMALL = DivergenceParams(near_pct=2.0, trail=3)
PX = [100, 101, 102, 103, 101, 104, 103, 102.5, 98, 97, 96, 97, 95.5, 96]
BR = [60, 62, 64, 66, 63, 61, 58, 57, 55, 50, 52, 54, 56, 57]


def _s(values: list[float], start: str = "2024-01-01") -> pd.Series:
    return pd.Series(values, index=pd.bdate_range(start, periods=len(values)), dtype="float64")


def _where(flags: pd.Series) -> list[int]:
    return [int(i) for i in np.flatnonzero(flags.to_numpy())]


def test_div001_hand_computed_table() -> None:
    out = divergences(_s(PX), _s(BR), SMALL, lookback=3)
    assert list(out.columns) == list(COLUMNS)
    # 3-close highs from session 2: 102 103 103 104 104 104 103 102.5 98 97 97 97
    highs = [102, 103, 103, 104, 104, 104, 103, 102.5, 98, 97, 97, 97]
    np.testing.assert_allclose(out["benchmark_high"].to_numpy()[2:], highs)
    assert math.isnan(out["benchmark_high"].iloc[1])
    assert _where(out["at_high"]) == [2, 3, 5, 11]
    assert _where(out["at_low"]) == [4, 7, 8, 9, 10, 12]
    assert out["pct_from_high"].iloc[4] == pytest.approx(100 * (1 - 101 / 103))
    assert out["pct_from_low"].iloc[11] == pytest.approx(100 * (97 / 96 - 1))
    # trailing 3-value means of breadth
    np.testing.assert_allclose(out["breadth_trail"].to_numpy()[2:],
                               [62, 64, 193 / 3, 190 / 3, 182 / 3, 176 / 3, 170 / 3, 54,
                                157 / 3, 52, 54, 167 / 3])  # fmt: skip
    idx = out.index
    # previous high strictly before d: session 4 -> 3, 5 -> 3, 6..11 -> 5, 12 -> 11
    assert out["prev_high_date"].iloc[4] == idx[3]
    assert out["prev_high_date"].iloc[5] == idx[3]
    assert out["prev_high_date"].iloc[11] == idx[5]
    assert out["prev_high_date"].iloc[12] == idx[11]
    assert pd.isna(out["prev_high_date"].iloc[2])  # session 2 is the first high
    assert out["breadth_at_prev_high"].iloc[6] == 61
    # bearish: 4 (63 < 64.33, < 66 at the high on 3), 5, 6, 7; 3 is at its high but 66 > 64
    assert _where(out["bearish"]) == [4, 5, 6, 7]
    assert _where(out["bearish_start"]) == [4]
    # bullish: 11 (1.04% off the low, 54 > 52 trail, > 52 at the low on 10), 12, 13;
    # 6 is 1.98% off the low but 58 < 60.67; 4 is at the first low (no previous one)
    assert _where(out["bullish"]) == [11, 12, 13]
    assert _where(out["bullish_start"]) == [11]
    assert out["breadth_at_prev_low"].iloc[13] == 56
    # near_pct is inclusive and binds: 1.5% excludes 4 (1.94%) but keeps 5 (0%)
    tight = divergences(_s(PX), _s(BR), DivergenceParams(near_pct=1.5, trail=3), lookback=3)
    assert _where(tight["bearish"]) == [5, 6, 7]
    exact = divergences(_s(PX), _s(BR), DivergenceParams(near_pct=100 * (1 - 101 / 103),
                        trail=3), lookback=3)  # fmt: skip
    assert 4 in _where(exact["bearish"])


def test_div002_nan_breadth_and_benchmark_gaps() -> None:
    br = BR.copy()
    br[6] = math.nan
    out = divergences(_s(PX), _s(br), SMALL, lookback=3)
    # no breadth on 6 -> no flag; the trailing mean on 7 skips it: (63 + 61 + 57) / 3
    assert _where(out["bearish"]) == [4, 5, 7]
    assert _where(out["bearish_start"]) == [4, 7]
    assert out["breadth_trail"].iloc[7] == pytest.approx(181 / 3)
    # breadth missing on the previous high (5) -> no flag until the next high
    br2 = BR.copy()
    br2[5] = math.nan
    out2 = divergences(_s(PX), _s(br2), SMALL, lookback=3)
    assert math.isnan(out2["breadth_at_prev_high"].iloc[6])
    assert _where(out2["bearish"]) == [4]
    # a benchmark gap is skipped: the 3-close window on 7 is 101, 104, 102.5 (4, 5, 7)
    px = [float(v) for v in PX]
    px[6] = math.nan
    out3 = divergences(_s(px), _s(BR), SMALL, lookback=3)
    assert not out3["bearish"].iloc[6] and not out3["at_high"].iloc[6]
    assert out3["benchmark_high"].iloc[7] == 104
    assert math.isnan(out3["benchmark_close"].iloc[6])
    # output index = the benchmark's sessions; breadth on other dates is ignored
    wide = _s([*BR, 70.0, 71.0])
    assert divergences(_s(PX), wide, SMALL, lookback=3).index.equals(_s(PX).index)
    # too short a history: nothing defined, nothing flagged
    short = divergences(_s(PX[:5]), _s(BR[:5]), DivergenceParams(trail=50), lookback=252)
    assert not short["bearish"].any() and not short["bullish"].any()
    assert short["benchmark_high"].isna().all()
    # empty and all-NaN inputs: the columns, nothing flagged
    empty = pd.Series([], dtype="float64", index=pd.DatetimeIndex([]))
    assert divergences(empty, empty).shape == (0, len(COLUMNS))
    blank = divergences(_s([math.nan] * 5), _s(BR[:5]), SMALL, lookback=2)
    assert not blank[["bearish", "bullish", "at_high", "at_low"]].to_numpy().any()


def test_div003_flat_breadth_ties_are_not_below_the_average() -> None:
    px = _s([100.0] * 12)  # at its high (and low) every session
    out = divergences(px, _s([0.1 * 3] * 12), SMALL, lookback=3)
    assert not out["bearish"].any() and not out["bullish"].any()
    assert out["at_high"].iloc[2:].all()


def test_div004_params_are_checked() -> None:
    for bad in ({"near_pct": -1}, {"near_pct": 100}, {"trail": 0}, {"window": 0}):
        with pytest.raises(ValueError):
            DivergenceParams(**bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        divergences(_s(PX), _s(BR), lookback=0)


def naive_divergences(
    benchmark: pd.Series, breadth: pd.Series, params: DivergenceParams, lookback: int
) -> pd.DataFrame:
    """One session at a time, straight from the definition (module docstring)."""
    rows = []
    own_px: list[tuple[pd.Timestamp, float]] = []
    highs: list[pd.Timestamp] = []
    lows: list[pd.Timestamp] = []
    b_all = breadth.astype("float64")
    for d, p in benchmark.astype("float64").items():
        b_upto = b_all[b_all.index <= d].dropna()
        b_d = float(b_all.get(d, math.nan)) if d in b_all.index else math.nan
        trail = math.nan
        if len(b_upto) >= params.trail:
            trail = float(np.mean(b_upto.to_numpy()[-params.trail :]))
        if math.isnan(p):
            rows.append({"bearish": False, "bullish": False, "breadth": b_d,
                         "breadth_trail": trail, "benchmark_high": math.nan,
                         "benchmark_low": math.nan, "prev_high_date": pd.NaT,
                         "prev_low_date": pd.NaT})  # fmt: skip
            continue
        own_px.append((d, p))
        window = [v for _, v in own_px[-lookback:]]
        hi = max(window) if len(own_px) >= lookback else math.nan
        lo = min(window) if len(own_px) >= lookback else math.nan
        prev_hi = highs[-1] if highs else pd.NaT
        prev_lo = lows[-1] if lows else pd.NaT

        def at(day: pd.Timestamp) -> float:
            if pd.isna(day) or day not in b_all.index:
                return math.nan
            return float(b_all[day])

        bear = (
            not math.isnan(hi)
            and 100 * (1 - p / hi) <= params.near_pct
            and b_d < trail * (1 - TRAIL_MARGIN)
            and b_d < at(prev_hi)
        )
        bull = (
            not math.isnan(lo)
            and 100 * (p / lo - 1) <= params.near_pct
            and b_d > trail * (1 + TRAIL_MARGIN)
            and b_d > at(prev_lo)
        )
        rows.append({"bearish": bool(bear), "bullish": bool(bull), "breadth": b_d,
                     "breadth_trail": trail, "benchmark_high": hi, "benchmark_low": lo,
                     "prev_high_date": prev_hi, "prev_low_date": prev_lo})  # fmt: skip
        if not math.isnan(hi) and p >= hi * (1 - EXTREME_TOLERANCE):
            highs.append(d)
        if not math.isnan(lo) and p <= lo * (1 + EXTREME_TOLERANCE):
            lows.append(d)
    return pd.DataFrame(rows, index=benchmark.index)


@st.composite
def _case(draw: st.DrawFn) -> tuple[pd.Series, pd.Series, DivergenceParams, int]:
    n = draw(st.integers(1, 60))
    idx = pd.bdate_range("2020-01-01", periods=n + 5)
    px = [draw(st.one_of(st.just(math.nan), st.integers(95, 105).map(float)))
          for _ in range(n)]  # fmt: skip
    br = [draw(st.one_of(st.just(math.nan), st.integers(0, 20).map(lambda v: v * 2.5)))
          for _ in range(n + 5)]  # fmt: skip
    shift = draw(st.integers(0, 5))  # breadth may start before the benchmark
    bench = pd.Series(px, index=idx[shift : shift + n], dtype="float64")
    breadth = pd.Series(br, index=idx, dtype="float64")
    params = DivergenceParams(near_pct=draw(st.sampled_from([0.0, 0.5, 2.0, 5.0])),
                              trail=draw(st.integers(1, 8)))  # fmt: skip
    return bench, breadth, params, draw(st.integers(1, 10))


@settings(max_examples=150, deadline=None)
@given(_case())
def test_div005_vectorised_matches_naive_loop(case: tuple) -> None:
    bench, breadth, params, lookback = case
    fast = divergences(bench, breadth, params, lookback=lookback)
    slow = naive_divergences(bench, breadth, params, lookback)
    for col in ("bearish", "bullish"):
        assert fast[col].tolist() == slow[col].tolist(), col
    for col in ("breadth", "breadth_trail", "benchmark_high", "benchmark_low"):
        np.testing.assert_allclose(fast[col].to_numpy(), slow[col].to_numpy(), rtol=1e-12)
    for col in ("prev_high_date", "prev_low_date"):
        assert fast[col].isna().tolist() == slow[col].isna().tolist()
        ok = fast[col].notna()
        assert (fast[col][ok] == pd.DatetimeIndex(slow[col][ok])).all()


@settings(max_examples=100, deadline=None)
@given(_case(), st.data())
def test_div006_no_look_ahead(case: tuple, data: st.DataObject) -> None:
    bench, breadth, params, lookback = case
    cut = bench.index[data.draw(st.integers(0, len(bench) - 1))]
    full = divergences(bench, breadth, params, lookback=lookback)
    later_b, later_p = breadth.index > cut, bench.index > cut
    altered_b = breadth.copy()
    altered_b[later_b] = 100.0 - altered_b[later_b].fillna(1.0)
    altered_p = bench.copy()
    altered_p[later_p] = 200.0
    for b, p in ((breadth.loc[:cut], bench.loc[:cut]), (altered_b, altered_p)):
        part = divergences(p, b, params, lookback=lookback).loc[:cut]
        pd.testing.assert_frame_equal(part, full.loc[:cut])
