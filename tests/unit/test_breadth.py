"""Breadth engine: hand-computed tables, random panels vs the naive reference, no look-ahead."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators.breadth import (
    BreadthParams,
    breadth_from_counts,
    compute_breadth,
    ema,
    zweig_signal,
)
from indicators.kernels import COUNT_COLUMNS, EXTREME_TOLERANCE, breadth_counts
from tests.reference import reference_counts

NAN = np.nan
DATES = pd.bdate_range("2024-01-01", periods=6, name="date")


def hand_panel() -> pd.DataFrame:
    """A: gap on d2; B: lists on d2; C: delists after d3."""
    return pd.DataFrame(
        {
            "A": [10, 11, NAN, 12, 9, 9],
            "B": [NAN, NAN, 5, 6, 7, 6],
            "C": [20, 19, 18, 17, NAN, NAN],
        },
        index=DATES,
        dtype="float64",
    )


# Worked out by hand in the docstring of each column; windows fast=2, slow=3, 52w=3 bars.
HAND_EXPECTED = {
    "members": [2, 2, 3, 3, 2, 2],
    "members_with_data": [2, 2, 2, 3, 2, 2],
    "eligible_fast": [0, 2, 1, 3, 2, 2],
    "above_fast": [0, 1, 0, 2, 1, 0],
    "eligible_slow": [0, 0, 1, 2, 2, 2],
    "above_slow": [0, 0, 0, 1, 1, 0],
    "eligible_52w": [0, 0, 1, 2, 2, 2],
    "new_highs_52w": [0, 0, 0, 1, 1, 0],
    "new_lows_52w": [0, 0, 1, 1, 1, 2],
    "advances": [0, 1, 0, 2, 1, 0],
    "declines": [0, 1, 1, 1, 1, 1],
    "unchanged": [0, 0, 0, 0, 0, 1],
}


def test_bre001_hand_counts_kernel_and_reference() -> None:
    px = hand_panel()
    expected = pd.DataFrame(HAND_EXPECTED, index=DATES)[list(COUNT_COLUMNS)]
    fast = breadth_counts(px.to_numpy(), fast=2, slow=3, hl_window=3)
    pd.testing.assert_frame_equal(
        pd.DataFrame(fast, index=DATES, columns=COUNT_COLUMNS), expected, check_dtype=False
    )
    ref = reference_counts(px, fast=2, slow=3, hl_window=3)
    pd.testing.assert_frame_equal(ref, expected, check_dtype=False)


def test_bre002_hand_membership_excludes_but_keeps_history() -> None:
    px = hand_panel()
    member = px.notna() | True
    member.loc[DATES[3], "C"] = False  # C is not a member on d3
    got = pd.DataFrame(
        breadth_counts(px.to_numpy(), member=member.to_numpy(), fast=2, slow=3, hl_window=3),
        index=DATES,
        columns=COUNT_COLUMNS,
    )
    d3 = got.loc[DATES[3]]
    assert d3["members"] == 2  # A and B; C is excluded on d3
    assert d3["members_with_data"] == 2
    assert (d3["eligible_fast"], d3["above_fast"]) == (2, 2)
    assert (d3["eligible_slow"], d3["above_slow"]) == (1, 1)
    assert (d3["new_highs_52w"], d3["new_lows_52w"]) == (1, 0)
    assert (d3["advances"], d3["declines"]) == (2, 0)
    # membership panel True everywhere: d0 and d1 count B as a member without data
    assert got["members"].tolist() == [3, 3, 3, 2, 3, 3]


def test_bre003_hand_derived_columns() -> None:
    out = compute_breadth(hand_panel(), params=BreadthParams(fast=2, slow=3, hl_window=3))
    np.testing.assert_allclose(
        out["pct_above_3dma"].to_numpy(), [NAN, NAN, 0.0, 50.0, 50.0, 0.0], equal_nan=True
    )
    np.testing.assert_allclose(
        out["pct_above_2dma"].to_numpy(), [NAN, 50.0, 0.0, 200 / 3, 50.0, 0.0], equal_nan=True
    )
    assert out["ad_line"].tolist() == [0, 0, -1, 0, 0, -1]
    assert out["net_new_highs"].tolist() == [0, 0, -1, 0, 0, -2]
    np.testing.assert_allclose(
        out["pct_new_lows_52w"].to_numpy(), [NAN, NAN, 100.0, 50.0, 50.0, 100.0], equal_nan=True
    )
    np.testing.assert_allclose(out["coverage_pct"].to_numpy(), [100, 100, 200 / 3, 100, 100, 100])


def _ema_loop(values: list[float], span: int) -> list[float]:
    alpha = 2.0 / (span + 1)
    out = [values[0]]
    for v in values[1:]:
        out.append(alpha * v + (1 - alpha) * out[-1])
    return out


def test_bre004_mcclellan_matches_explicit_ema_loop() -> None:
    rng = np.random.default_rng(3)
    px = pd.DataFrame(
        np.exp(np.cumsum(rng.normal(0, 0.02, (120, 40)), axis=0)),
        index=pd.bdate_range("2020-01-01", periods=120, name="date"),
    )
    out = compute_breadth(px)
    net = (out["advances"] - out["declines"]).astype(float).tolist()
    osc = np.array(_ema_loop(net, 19)) - np.array(_ema_loop(net, 39))
    np.testing.assert_allclose(out["mcclellan_osc"].to_numpy(), osc, rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(out["mcclellan_sum"].to_numpy(), np.cumsum(osc), atol=1e-8)
    assert out["mcclellan_osc"].iloc[0] == 0.0
    adj = compute_breadth(px, params=BreadthParams(ratio_adjusted=True))
    tot = (out["advances"] + out["declines"]).astype(float)
    basis = [1000 * n / t if t else 0.0 for n, t in zip(net, tot, strict=True)]
    osc_adj = np.array(_ema_loop(basis, 19)) - np.array(_ema_loop(basis, 39))
    np.testing.assert_allclose(adj["mcclellan_osc"].to_numpy(), osc_adj, atol=1e-9)


def test_bre005_zweig_signal_hand_series() -> None:
    idx = pd.RangeIndex(8)
    thrust = pd.Series([50, 39, 45, 55, 62, 63, 60, 62], index=idx, dtype=float)
    sig = zweig_signal(thrust)
    # first close above 61.5 at 4 with 39 (<40) three sessions earlier; 7 re-crosses, 39
    # is still within the previous 10 sessions, so it fires again.
    assert sig.tolist() == [False, False, False, False, True, False, False, True]
    late = pd.Series([39] + [50] * 10 + [62], dtype=float)
    assert not zweig_signal(late).iloc[-1]  # the low was 11 sessions before


def test_bre006_ema_is_pandas_adjust_false() -> None:
    s = pd.Series([1.0, 5.0, 2.0, 8.0])
    np.testing.assert_allclose(ema(s, 3).to_numpy(), _ema_loop(s.tolist(), 3))


@st.composite
def panels(draw: st.DrawFn) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Random panels of cent prices with gaps, late listings, delistings, membership; in
    half of them some prices are nudged by a few 1e-7 (52-week extremes near the tolerance)."""
    n_dates = draw(st.integers(1, 45))
    n_tickers = draw(st.integers(1, 7))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    cents = rng.integers(1, 8, (n_dates, n_tickers)).cumsum(axis=0) * draw(st.sampled_from([1, 0]))
    cents = cents + rng.integers(100, 120, (n_dates, n_tickers))  # ties happen (flat runs)
    close = cents / 100.0
    high = close + rng.integers(0, 3, close.shape) / 100.0
    low = close - rng.integers(0, 3, close.shape) / 100.0
    if draw(st.booleans()):  # near-ties: k·2.5e-7 relative, inside and outside the 1e-6 band
        for a in (close, high, low):
            a *= 1 + rng.integers(-8, 9, a.shape) * 2.5e-7 * (rng.random(a.shape) < 0.4)
    gaps = rng.random(close.shape) < draw(st.floats(0, 0.5))
    for j in range(n_tickers):  # listing and delisting
        a, b = sorted(rng.integers(0, n_dates + 1, 2))
        gaps[:a, j] |= draw(st.booleans())
        gaps[b:, j] |= draw(st.booleans())
    close[gaps] = np.nan
    high[rng.random(close.shape) < 0.1] = np.nan  # a missing high falls back to the close
    member = rng.random(close.shape) < 0.7
    idx = pd.bdate_range("2021-01-01", periods=n_dates, name="date")
    cols = [f"T{j}" for j in range(n_tickers)]
    mk = lambda a: pd.DataFrame(a, index=idx, columns=cols)  # noqa: E731
    return mk(close), mk(high), mk(low), mk(member)


@settings(max_examples=150, deadline=None)
@given(
    panels(),
    st.integers(1, 12),
    st.integers(1, 20),
    st.integers(1, 25),
    st.booleans(),
    st.booleans(),
)
def test_bre007_fast_equals_reference_on_random_panels(
    p: tuple[pd.DataFrame, ...], fast: int, slow: int, hl: int, use_member: bool, use_hl: bool
) -> None:
    close, high, low, member = p
    hi, lo = (high, low) if use_hl else (None, None)
    mem = member if use_member else None
    got = breadth_counts(
        close.to_numpy(),
        None if hi is None else hi.to_numpy(),
        None if lo is None else lo.to_numpy(),
        None if mem is None else mem.to_numpy(),
        fast=fast,
        slow=slow,
        hl_window=hl,
    )
    ref = reference_counts(close, hi, lo, mem, fast=fast, slow=slow, hl_window=hl)
    np.testing.assert_array_equal(got, ref.to_numpy())


@pytest.mark.parametrize("fast,slow,hl", [(5, 20, 30), (50, 200, 252), (1, 400, 1)])
def test_bre008_grid_float32_wide_panel(fast: int, slow: int, hl: int) -> None:
    rng = np.random.default_rng(fast + slow)
    n_dates, n_tickers = 600, 70
    px = np.exp(np.cumsum(rng.normal(0, 0.02, (n_dates, n_tickers)), axis=0)) * 30
    px[rng.random(px.shape) < 0.03] = np.nan
    px[:250, :15] = np.nan  # late listings
    px[400:, 15:25] = np.nan  # delistings
    frame = pd.DataFrame(px.astype("float32"), index=pd.bdate_range("2019-01-01", periods=600))
    got = breadth_counts(frame.to_numpy(), fast=fast, slow=slow, hl_window=hl)
    ref = reference_counts(frame, fast=fast, slow=slow, hl_window=hl)
    np.testing.assert_array_equal(got, ref.to_numpy())
    assert ref["above_slow"].sum() > 0 or slow > 300


def test_bre009_no_look_ahead_and_start_independent() -> None:
    rng = np.random.default_rng(11)
    px = pd.DataFrame(
        np.exp(np.cumsum(rng.normal(0, 0.02, (500, 30)), axis=0)),
        index=pd.bdate_range("2018-01-01", periods=500, name="date"),
    )
    px.iloc[::17, 3] = np.nan
    full = compute_breadth(px)
    cut = 321
    prefix = compute_breadth(px.iloc[:cut])
    pd.testing.assert_frame_equal(full.iloc[:cut], prefix)
    future = px.copy()
    future.iloc[cut:] *= 3.0  # changing the future changes nothing before it
    pd.testing.assert_frame_equal(compute_breadth(future).iloc[:cut], prefix)


def test_bre010_bad_arguments() -> None:
    px = hand_panel()
    with pytest.raises(ValueError, match="shape"):
        compute_breadth(px, high=px.iloc[:3])
    with pytest.raises(ValueError, match="at least"):
        BreadthParams(fast=0)
    empty = breadth_counts(np.empty((0, 3)))
    assert empty.shape == (0, len(COUNT_COLUMNS))


def test_bre011_matched_extreme_within_tolerance() -> None:
    """52-week window 3 bars. On d2: A closes at 0.9999995 × its max (a matched high: within
    1e-6), B at 0.999998 × (not a high); C at 1.0000005 × its min (a matched low), D at
    1.000002 × (not a low). Exact comparison (the old rule) counted none of the four."""
    assert EXTREME_TOLERANCE == 1e-6
    px = pd.DataFrame(
        {
            "A": [99.0, 100.0, 100.0 * 0.9999995],
            "B": [99.0, 100.0, 100.0 * 0.999998],
            "C": [101.0, 100.0, 100.0 * 1.0000005],
            "D": [101.0, 100.0, 100.0 * 1.000002],
        },
        index=DATES[:3],
    )
    expected = {"eligible_52w": [0, 0, 4], "new_highs_52w": [0, 0, 1], "new_lows_52w": [0, 0, 1]}
    for dtype in ("float64", "float32"):
        panel = px.astype(dtype)
        fast = pd.DataFrame(
            breadth_counts(panel.to_numpy(), fast=1, slow=1, hl_window=3),
            index=panel.index,
            columns=COUNT_COLUMNS,
        )
        ref = reference_counts(panel, fast=1, slow=1, hl_window=3)
        for col, values in expected.items():
            assert fast[col].tolist() == values, (dtype, col)
            assert ref[col].tolist() == values, (dtype, col)
    # OHLC: the high and low columns carry the test; the close stays inside the range
    close = pd.DataFrame({"A": [99.0, 99.5, 99.5]}, index=DATES[:3])
    high = pd.DataFrame({"A": [99.5, 100.0, 100.0 * 0.9999995]}, index=DATES[:3])
    low = pd.DataFrame({"A": [99.2, 99.0, 99.0 * 1.0000005]}, index=DATES[:3])
    got = breadth_counts(close.to_numpy(), high.to_numpy(), low.to_numpy(), hl_window=3)
    ref = reference_counts(close, high, low, hl_window=3)
    nh, nl = COUNT_COLUMNS.index("new_highs_52w"), COUNT_COLUMNS.index("new_lows_52w")
    assert got[:, nh].tolist() == ref["new_highs_52w"].tolist() == [0, 0, 1]
    assert got[:, nl].tolist() == ref["new_lows_52w"].tolist() == [0, 0, 1]


def test_bre012_high_low_index_undefined_until_ten_values() -> None:
    """record_high_pct = 100·NH/(NH+NL); its 10-session SMA is NaN on sessions 0–8."""
    idx = pd.bdate_range("2024-01-01", periods=13, name="date")
    nh = [1, 3, 0, 2, 4, 1, 1, 0, 3, 2, 5, 0, 1]
    nl = [1, 1, 2, 2, 0, 3, 1, 4, 1, 2, 0, 0, 1]
    counts = pd.DataFrame(0, index=idx, columns=list(COUNT_COLUMNS), dtype="int64")
    counts["new_highs_52w"], counts["new_lows_52w"] = nh, nl
    out = breadth_from_counts(counts, BreadthParams())
    rhp = [50.0, 75.0, 0.0, 50.0, 100.0, 25.0, 50.0, 0.0, 75.0, 50.0, 100.0, NAN, 50.0]
    np.testing.assert_allclose(out["record_high_pct"].to_numpy(), rhp, equal_nan=True)
    hli = out["high_low_index"]
    assert hli.iloc[:9].isna().all()
    assert hli.iloc[9] == pytest.approx(47.5)  # (50+75+0+50+100+25+50+0+75+50) / 10
    assert hli.iloc[10] == pytest.approx(52.5)  # drops 50, adds 100
    # a session without highs or lows (NH+NL = 0) leaves the next 10 sessions undefined
    assert hli.iloc[11:].isna().all()
