"""Several windows in one kernel pass (issue #15 items 1–2): hand-computed tables, random
panels vs the naive per-ticker reference for random window sets, the derived columns."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators.breadth import HL_WEEKS, BreadthParams, breadth_from_counts, compute_breadth
from indicators.kernels import (
    COUNT_COLUMNS,
    breadth_counts,
    window_count_columns,
    window_counts,
)
from service.breadth import BreadthQuery
from tests.reference import reference_window_counts
from tests.unit.test_breadth import DATES, hand_panel, panels

NAN = np.nan
SMA, HL = (1, 2, 3, 4), (1, 2, 3, 4)

# The hand panel of test_breadth (A: gap on d2; B lists on d2; C delists after d3), closing
# highs and lows. Window 1: every bar is eligible, never above its own mean, always at its
# own high and low. Window 4: A's 4th bar is d4 (9 vs mean 10.5, the 4-bar low), B's is d5
# (6 = its mean 6: a tie, not above), C's is d3 (17 vs 18.5, a low). Window 2 per bar: A d1
# 11 (high), d3 12 (high), d4 9 (low), d5 9 (9, 9: both); B d3, d4 highs, d5 low; C d1–d3
# lows. Windows 2 and 3 (SMA) are the fast and slow of test_breadth's HAND_EXPECTED.
HAND_WINDOWS = {
    "members": [2, 2, 3, 3, 2, 2],
    "members_with_data": [2, 2, 2, 3, 2, 2],
    "eligible_sma1": [2, 2, 2, 3, 2, 2],
    "above_sma1": [0, 0, 0, 0, 0, 0],
    "eligible_sma2": [0, 2, 1, 3, 2, 2],
    "above_sma2": [0, 1, 0, 2, 1, 0],
    "eligible_sma3": [0, 0, 1, 2, 2, 2],
    "above_sma3": [0, 0, 0, 1, 1, 0],
    "eligible_sma4": [0, 0, 0, 1, 1, 2],
    "above_sma4": [0, 0, 0, 0, 0, 0],
    "eligible_hl1": [2, 2, 2, 3, 2, 2],
    "highs_hl1": [2, 2, 2, 3, 2, 2],
    "lows_hl1": [2, 2, 2, 3, 2, 2],
    "eligible_hl2": [0, 2, 1, 3, 2, 2],
    "highs_hl2": [0, 1, 0, 2, 1, 1],
    "lows_hl2": [0, 1, 1, 1, 1, 2],
    "eligible_hl3": [0, 0, 1, 2, 2, 2],
    "highs_hl3": [0, 0, 0, 1, 1, 0],
    "lows_hl3": [0, 0, 1, 1, 1, 2],
    "eligible_hl4": [0, 0, 0, 1, 1, 2],
    "highs_hl4": [0, 0, 0, 0, 0, 0],
    "lows_hl4": [0, 0, 0, 1, 1, 1],
    "advances": [0, 1, 0, 2, 1, 0],
    "declines": [0, 1, 1, 1, 1, 1],
    "unchanged": [0, 0, 0, 0, 0, 1],
}


def test_brw001_hand_counts_four_windows_each_kernel_and_reference() -> None:
    px = hand_panel()
    cols = window_count_columns(SMA, HL)
    expected = pd.DataFrame(HAND_WINDOWS, index=DATES)
    assert tuple(expected.columns) == cols
    got = pd.DataFrame(
        window_counts(px.to_numpy(), sma_windows=SMA, hl_windows=HL), index=DATES, columns=cols
    )
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)
    ref = reference_window_counts(px, sma_windows=SMA, hl_windows=HL)
    pd.testing.assert_frame_equal(ref, expected, check_dtype=False)


def test_brw002_hand_membership_on_extra_windows() -> None:
    """C is not a member on d3; B is a member (without data) on d0 and d1."""
    px = hand_panel()
    member = (px.notna() | True).to_numpy(copy=True)
    member[3, 2] = False
    cols = window_count_columns(SMA, HL)
    got = pd.DataFrame(
        window_counts(px.to_numpy(), member=member, sma_windows=SMA, hl_windows=HL),
        index=DATES,
        columns=cols,
    )
    d3 = got.loc[DATES[3]]
    assert (d3["eligible_sma4"], d3["eligible_hl4"], d3["lows_hl4"]) == (0, 0, 0)
    assert (d3["eligible_hl2"], d3["highs_hl2"], d3["lows_hl2"]) == (2, 2, 0)
    assert (d3["eligible_sma1"], d3["highs_hl1"]) == (2, 2)
    assert got["members"].tolist() == [3, 3, 3, 2, 3, 3]
    # other sessions are those of the hand table (C still counts on d0–d2)
    others = [0, 1, 2, 4, 5]
    expected = pd.DataFrame(HAND_WINDOWS, index=DATES).drop(columns="members")
    pd.testing.assert_frame_equal(
        got.drop(columns="members").iloc[others], expected.iloc[others], check_dtype=False
    )


def test_brw003_two_window_case_is_count_columns() -> None:
    """breadth_counts is window_counts with ((fast, slow), (hl,)): same positions and values."""
    assert window_count_columns((50, 200), (252,)) == (
        "members",
        "members_with_data",
        "eligible_sma50",
        "above_sma50",
        "eligible_sma200",
        "above_sma200",
        "eligible_hl252",
        "highs_hl252",
        "lows_hl252",
        "advances",
        "declines",
        "unchanged",
    )
    assert len(COUNT_COLUMNS) == 12
    px = hand_panel().to_numpy()
    np.testing.assert_array_equal(
        breadth_counts(px, fast=2, slow=3, hl_window=3),
        window_counts(px, sma_windows=(2, 3), hl_windows=(3,)),
    )
    with pytest.raises(ValueError, match="at least one bar"):
        window_counts(px, sma_windows=(5, 0))
    with pytest.raises(ValueError, match="at least one bar"):
        window_counts(px, hl_windows=(0,))
    assert window_counts(np.empty((0, 2)), sma_windows=(1, 2, 3), hl_windows=()).shape == (0, 11)


@settings(max_examples=150, deadline=None)
@given(
    panels(),
    st.lists(st.integers(1, 25), min_size=0, max_size=7),
    st.lists(st.integers(1, 30), min_size=0, max_size=5),
    st.booleans(),
    st.booleans(),
)
def test_brw004_window_sets_equal_reference_on_random_panels(
    p: tuple[pd.DataFrame, ...],
    sma: list[int],
    hl: list[int],
    use_member: bool,
    use_hl: bool,
) -> None:
    """Random sets of SMA and high/low windows (repeats allowed, empty allowed) over panels
    with gaps, listings, delistings, near-ties and membership: every count is exact."""
    close, high, low, member = p
    hi, lo = (high, low) if use_hl else (None, None)
    mem = member if use_member else None
    got = window_counts(
        close.to_numpy(),
        None if hi is None else hi.to_numpy(),
        None if lo is None else lo.to_numpy(),
        None if mem is None else mem.to_numpy(),
        sma_windows=tuple(sma),
        hl_windows=tuple(hl),
    )
    ref = reference_window_counts(close, hi, lo, mem, sma_windows=tuple(sma), hl_windows=tuple(hl))
    np.testing.assert_array_equal(got, ref.to_numpy())


def ramp_panel() -> pd.DataFrame:
    """30 sessions. UP rises 1..30 but is halted on session 5 (its 20th bar is session 20);
    DOWN falls 30..1; FLAT is 10 throughout (a matched high and low every session); LATE
    lists on session 12 and rises."""
    idx = pd.bdate_range("2024-01-01", periods=30, name="date")
    up = np.arange(1.0, 31.0)
    up[5] = NAN
    late = np.full(30, NAN)
    late[12:] = np.arange(50.0, 68.0)
    return pd.DataFrame(
        {"UP": up, "DOWN": np.arange(30.0, 0.0, -1.0), "FLAT": np.full(30, 10.0), "LATE": late},
        index=idx,
    )


def test_brw005_hand_four_week_highs_and_extra_windows() -> None:
    """4-week = 20 bars. Eligible: DOWN and FLAT from session 19, UP from 20 (the halt),
    LATE never (18 bars). New highs: UP from 20, FLAT from 19 (matched); lows: DOWN and FLAT
    from 19. The 5-bar SMA: UP and LATE are above once they have 5 bars; FLAT is a tie."""
    px = ramp_panel()
    out = compute_breadth(px, params=BreadthParams(windows=(5,), hl_weeks=(4,)))
    s = np.arange(30)
    elig = np.where(s >= 20, 3, np.where(s == 19, 2, 0))
    highs = np.where(s >= 20, 2, np.where(s == 19, 1, 0))
    lows = np.where(s >= 19, 2, 0)
    assert out["new_highs_4w"].tolist() == highs.tolist()
    assert out["new_lows_4w"].tolist() == lows.tolist()
    pct_hi = np.where(elig > 0, 100.0 * highs / np.maximum(elig, 1), NAN)
    pct_lo = np.where(elig > 0, 100.0 * lows / np.maximum(elig, 1), NAN)
    np.testing.assert_allclose(out["pct_new_highs_4w"].to_numpy(), pct_hi, equal_nan=True)
    np.testing.assert_allclose(out["pct_new_lows_4w"].to_numpy(), pct_lo, equal_nan=True)
    # 5-bar SMA: UP's 5th bar is session 4, its 6th session 6 (halt on 5); LATE's is 16
    up_ok = (s >= 4) & (s != 5)
    elig5 = up_ok.astype(int) + (s >= 4) * 2 + (s >= 16)
    above5 = up_ok.astype(int) + (s >= 16)
    assert out["eligible_5dma"].tolist() == elig5.tolist()
    np.testing.assert_allclose(
        out["pct_above_5dma"].to_numpy(),
        np.where(elig5 > 0, 100.0 * above5 / np.maximum(elig5, 1), NAN),
        equal_nan=True,
    )
    # the 52-week window (252 bars) is never reached: no highs, lows or running sum
    assert (out["cum_net_new_highs"] == 0).all() and out["eligible_52w"].eq(0).all()


def test_brw006_cum_net_new_highs_hand() -> None:
    """Running sum of new_highs_52w − new_lows_52w from the first session; with hl_window 3
    the hand panel's net new highs are 0, 0, −1, 0, 0, −2."""
    out = compute_breadth(hand_panel(), params=BreadthParams(fast=2, slow=3, hl_window=3))
    assert out["net_new_highs"].tolist() == [0, 0, -1, 0, 0, -2]
    assert out["cum_net_new_highs"].tolist() == [0, 0, -1, -1, -1, -3]
    assert out.columns[-1] == "cum_net_new_highs"  # no extra windows: the last column


def test_brw007_extra_columns_equal_their_single_window_runs() -> None:
    """Each extra window's columns equal those of a run where it is the fast window (SMA) or
    the 52-week window (bars of HL_WEEKS); the default columns do not move at all."""
    rng = np.random.default_rng(7)
    px = pd.DataFrame(
        np.exp(np.cumsum(rng.normal(0, 0.02, (400, 40)), axis=0)).astype("float32"),
        index=pd.bdate_range("2019-01-01", periods=400, name="date"),
    )
    px.iloc[rng.random(px.shape) < 0.05] = NAN
    px.iloc[:150, :8] = NAN
    px.iloc[300:, 8:14] = NAN
    member = pd.DataFrame(rng.random(px.shape) < 0.8, index=px.index, columns=px.columns)
    params = BreadthParams(windows=(200, 5, 10, 20, 100, 150), hl_weeks=(52, 26, 4, 13))
    assert params.windows == (5, 10, 20, 100, 150, 200) and params.hl_weeks == (4, 13, 26, 52)
    for mem in (None, member):
        base = compute_breadth(px, member=mem)
        many = compute_breadth(px, member=mem, params=params)
        pd.testing.assert_frame_equal(many[list(base.columns)], base)
        extra = [c for c in many.columns if c not in base.columns]
        assert extra == [
            *(f"{k}_{n}dma" for n in (5, 10, 20, 100, 150) for k in ("pct_above", "eligible")),
            *(
                f"{k}_{w}w"
                for w in (4, 13, 26)
                for k in ("new_highs", "new_lows", "pct_new_highs", "pct_new_lows")
            ),
        ]
        for n in (5, 10, 20, 100, 150):
            one = compute_breadth(px, member=mem, params=BreadthParams(fast=n))
            for k in ("pct_above", "eligible"):
                pd.testing.assert_series_equal(many[f"{k}_{n}dma"], one[f"{k}_{n}dma"])
        for w in (4, 13, 26):
            one = compute_breadth(px, member=mem, params=BreadthParams(hl_window=HL_WEEKS[w]))
            for k in ("new_highs", "new_lows", "pct_new_highs", "pct_new_lows"):
                got = many[f"{k}_{w}w"].rename(None)
                pd.testing.assert_series_equal(got, one[f"{k}_52w"].rename(None))
        assert many["new_highs_4w"].sum() > many["new_highs_13w"].sum() > 0


def test_brw008_no_look_ahead_with_extra_windows() -> None:
    rng = np.random.default_rng(12)
    px = pd.DataFrame(
        np.exp(np.cumsum(rng.normal(0, 0.02, (420, 25)), axis=0)),
        index=pd.bdate_range("2018-01-01", periods=420, name="date"),
    )
    px.iloc[::13, 2] = NAN
    params = BreadthParams(windows=(5, 20, 100, 150), hl_weeks=(4, 13, 26, 52))
    full = compute_breadth(px, params=params)
    cut = 333
    prefix = compute_breadth(px.iloc[:cut], params=params)
    pd.testing.assert_frame_equal(full.iloc[:cut], prefix)
    future = px.copy()
    future.iloc[cut:] *= 0.3  # a crash after the cut changes nothing before it
    pd.testing.assert_frame_equal(compute_breadth(future, params=params).iloc[:cut], prefix)
    assert full["new_lows_4w"].iloc[cut:].sum() > 0


def test_brw009_params_and_query_validate_and_normalise() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        BreadthParams(windows=(20, 0))
    with pytest.raises(ValueError, match="weeks"):
        BreadthParams(hl_weeks=(4, 5))
    with pytest.raises(ValueError, match="hl_window"):
        BreadthParams(hl_window=10, hl_weeks=(52,))
    assert BreadthParams(windows=(50, 20, 20)).extra_windows() == (20,)
    assert BreadthParams(hl_weeks=(52, 4, 4)).extra_hl_weeks() == (4,)
    assert HL_WEEKS == {4: 20, 13: 63, 26: 126, 52: 252}
    a = BreadthQuery(windows=(50, 20), hl_weeks=(13, 4))
    b = BreadthQuery(windows=(20, 50, 20), hl_weeks=(4, 13))
    assert a.key() == b.key() != BreadthQuery().key()
    assert BreadthQuery(hl_weeks=(4,)).key() != BreadthQuery(windows=(4,)).key()


def test_brw010_derived_from_hand_counts() -> None:
    """breadth_from_counts reads the extra windows' counts by name: 4 weeks = highs_hl20."""
    idx = pd.bdate_range("2024-01-01", periods=3, name="date")
    counts = pd.DataFrame(0, index=idx, columns=list(COUNT_COLUMNS), dtype="int64")
    counts["new_highs_52w"], counts["new_lows_52w"] = [3, 0, 1], [1, 4, 0]
    counts["eligible_sma20"], counts["above_sma20"] = [0, 8, 5], [0, 2, 5]
    counts["eligible_hl20"] = [0, 10, 4]
    counts["highs_hl20"], counts["lows_hl20"] = [0, 3, 1], [0, 1, 2]
    out = breadth_from_counts(counts, BreadthParams(windows=(20,), hl_weeks=(4,)))
    assert out["cum_net_new_highs"].tolist() == [2, -2, -1]
    np.testing.assert_allclose(out["pct_above_20dma"], [NAN, 25.0, 100.0])
    assert out["eligible_20dma"].tolist() == [0, 8, 5]
    assert out["new_highs_4w"].tolist() == [0, 3, 1]
    np.testing.assert_allclose(out["pct_new_highs_4w"], [NAN, 30.0, 25.0])
    np.testing.assert_allclose(out["pct_new_lows_4w"], [NAN, 10.0, 50.0])
