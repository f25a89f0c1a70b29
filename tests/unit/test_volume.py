"""Volume breadth (issue #15 item 4): a hand-computed table, random panels vs the naive
per-ticker reference, point-in-time membership, no look-ahead, and what NaN and zero volume
do."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators.breadth import compute_breadth
from indicators.volume import (
    ARMS_AVERAGE_COLUMN,
    VOLUME_COLUMNS,
    VOLUME_COUNT_COLUMNS,
    arms_average,
    compute_volume_breadth,
    volume_counts,
)
from tests.reference_volume import reference_volume_breadth, reference_volume_counts

NAN = np.nan
DATES = pd.bdate_range("2024-01-01", periods=6, name="date")


def hand_panels() -> tuple[pd.DataFrame, pd.DataFrame]:
    """A, B, C all six sessions; D delists after d3; E lists on d2. B has no volume on d1
    (NaN), C trades 0 shares on d2; D's volume on d4 has no bar (ignored)."""
    close = pd.DataFrame(
        {
            "A": [10, 11, 12, 11, 12, 11],
            "B": [20, 19, 18, 19, 20, 21],
            "C": [30, 30, 31, 32, 33, 32],
            "D": [40, 41, 40, 39, NAN, NAN],
            "E": [NAN, NAN, 50, 51, 52, 51],
        },
        index=DATES,
        dtype="float32",
    )
    volume = pd.DataFrame(
        {
            "A": [100, 110, 120, 130, 140, 150],
            "B": [200, NAN, 220, 230, 240, 250],
            "C": [300, 310, 0, 330, 340, 350],
            "D": [400, 410, 420, 430, 999, NAN],
            "E": [NAN, NAN, 500, 510, 520, 530],
        },
        index=DATES,
        dtype="float64",
    )
    return close, volume


# Session by session (advancers: close above the ticker's previous bar):
# d0: nobody has a previous bar -> no volume figures (NaN).
# d1: A up 110, B down (volume NaN: counts as a decline, adds nothing), C unchanged, D up 410
#     -> up 520, down 0: 100 %, Arms NaN (down volume 0); line 520.
# d2: A up 120, C up 0 shares, B down 220, D down 420, E lists (no previous bar)
#     -> up 120, down 640, 100·120/760 %, Arms (2/2)/(120/640) = 5.333…; line 0.
# d3: B up 230, C up 330, E up 510, A down 130, D down 430
#     -> up 1070, down 560, Arms (3/2)/(1070/560) = 0.78505; line 510.
# d4: A, B, C, E up (D delisted: its 999 shares have no bar) -> no decliners, Arms NaN.
# d5: B up 250; A, C, E down 150 + 350 + 530 -> Arms (1/3)/(250/1030); line 970.
HAND = pd.DataFrame(
    {
        "up_volume": [NAN, 520, 120, 1070, 1240, 250],
        "down_volume": [NAN, 0, 640, 560, 0, 1030],
        "ad_volume_line": [NAN, 520, 0, 510, 1750, 970],
        "up_volume_pct": [NAN, 100, 100 * 120 / 760, 100 * 1070 / 1630, 100, 100 * 250 / 1280],
        "arms_index": [NAN, NAN, 640 / 120, 1.5 * 560 / 1070, NAN, (1 / 3) / (250 / 1030)],
    },
    index=DATES,
)


def test_vol001_hand_table_kernel_reference_and_breadth_advances() -> None:
    close, volume = hand_panels()
    got = compute_volume_breadth(close, volume)
    assert list(got.columns) == [*VOLUME_COLUMNS, ARMS_AVERAGE_COLUMN]
    pd.testing.assert_frame_equal(got[list(VOLUME_COLUMNS)], HAND, check_freq=False)
    pd.testing.assert_frame_equal(reference_volume_breadth(close, volume), HAND, check_freq=False)
    counts = pd.DataFrame(
        volume_counts(close.to_numpy(), volume.to_numpy()),
        index=DATES,
        columns=list(VOLUME_COUNT_COLUMNS),
    )
    assert counts["volume_bars"].tolist() == [0, 3, 4, 5, 4, 4]  # B's NaN on d1 not counted
    # the same advance/decline rule as the breadth pass (unchanged C on d1 in neither)
    breadth = compute_breadth(close)
    assert counts["advances"].tolist() == breadth["advances"].tolist() == [0, 2, 2, 3, 4, 1]
    assert counts["declines"].tolist() == breadth["declines"].tolist() == [0, 1, 2, 2, 0, 3]


def test_vol002_zero_and_missing_volume_rules() -> None:
    """A zero-volume advancer adds 0 shares; a NaN-volume decliner counts as a decline but
    adds nothing; a session where no counted member has a volume has no volume figures."""
    close, volume = hand_panels()
    base = compute_volume_breadth(close, volume)
    # C's 0 shares on d2: replacing it by NaN changes no number on d2 (0 or nothing)
    v2 = volume.copy()
    v2.loc[DATES[2], "C"] = NAN
    pd.testing.assert_frame_equal(compute_volume_breadth(close, v2), base)
    # B's NaN on d1 counts in the Arms index's declines: with a volume it becomes defined
    v3 = volume.copy()
    v3.loc[DATES[1], "B"] = 260.0
    assert compute_volume_breadth(close, v3).loc[DATES[1], "arms_index"] == pytest.approx(
        (2 / 1) / (520 / 260)
    )
    # no volume on d3 for anyone: NaN figures on d3, and the line carries on after it
    v4 = volume.copy()
    v4.loc[DATES[3]] = NAN
    got = compute_volume_breadth(close, v4)
    assert got.loc[DATES[3]].isna().all()
    assert got["ad_volume_line"].tolist()[4:] == [0 + 1240, 0 + 1240 - 780]


def test_vol003_membership_is_point_in_time() -> None:
    """B is not a member on d3 and E joins on d3: on d3 B's 230 up-shares leave, E counts
    from its first day as a member against its previous bar (d2, before it joined)."""
    close, volume = hand_panels()
    member = pd.DataFrame(True, index=DATES, columns=close.columns)
    member.loc[DATES[3], "B"] = False
    member.loc[DATES[:3], "E"] = False
    got = compute_volume_breadth(close, volume, member)
    assert got.loc[DATES[3], "up_volume"] == 330 + 510
    assert got.loc[DATES[3], "arms_index"] == pytest.approx((2 / 2) / (840 / 560))
    pd.testing.assert_frame_equal(got.loc[DATES[:3]], compute_volume_breadth(close, volume)[:3])
    pd.testing.assert_frame_equal(
        got[list(VOLUME_COLUMNS)],
        reference_volume_breadth(close, volume, member),
        check_freq=False,
    )
    breadth = compute_breadth(close, member=member)
    counts = volume_counts(close.to_numpy(), volume.to_numpy(), member.to_numpy())
    assert counts[:, 3].tolist() == breadth["advances"].tolist()
    assert counts[:, 4].tolist() == breadth["declines"].tolist()


@st.composite
def panels(draw: st.DrawFn) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Random cent prices with flat runs (unchanged), gaps, late listings, delistings and
    membership; whole-share volumes with NaNs, zeros and volumes on sessions without a bar."""
    n_dates = draw(st.integers(1, 40))
    n_tickers = draw(st.integers(1, 7))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    steps = rng.integers(-3, 4, (n_dates, n_tickers)) * (rng.random((n_dates, n_tickers)) < 0.8)
    close = (1000 + steps.cumsum(axis=0)) / 100.0
    gaps = rng.random(close.shape) < draw(st.floats(0, 0.5))
    for j in range(n_tickers):
        a, b = sorted(rng.integers(0, n_dates + 1, 2))
        gaps[:a, j] |= draw(st.booleans())
        gaps[b:, j] |= draw(st.booleans())
    close[gaps] = np.nan
    volume = rng.integers(0, 10**9, close.shape).astype("float64")
    volume[rng.random(close.shape) < draw(st.floats(0, 0.4))] = np.nan
    volume[rng.random(close.shape) < 0.1] = 0.0
    member = rng.random(close.shape) < 0.75
    idx = pd.bdate_range("2021-01-01", periods=n_dates, name="date")
    cols = [f"T{j}" for j in range(n_tickers)]
    mk = lambda a: pd.DataFrame(a, index=idx, columns=cols)  # noqa: E731
    return mk(close.astype("float32")), mk(volume), mk(member)


@settings(max_examples=150, deadline=None)
@given(panels(), st.booleans())
def test_vol004_fast_equals_reference_on_random_panels(
    p: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame], use_member: bool
) -> None:
    close, volume, member = p
    mem = member if use_member else None
    got = volume_counts(close.to_numpy(), volume.to_numpy(), None if mem is None else mem.values)
    ref = reference_volume_counts(close, volume, mem)
    np.testing.assert_array_equal(got, ref.to_numpy())  # whole shares: exact sums
    frame = compute_volume_breadth(close, volume, mem)
    pd.testing.assert_frame_equal(
        frame[list(VOLUME_COLUMNS)],
        reference_volume_breadth(close, volume, mem),
        check_freq=False,
        rtol=1e-12,
    )
    breadth = compute_breadth(close, member=mem)
    assert got[:, 3].tolist() == breadth["advances"].tolist()
    assert got[:, 4].tolist() == breadth["declines"].tolist()


@settings(max_examples=60, deadline=None)
@given(panels(), st.data())
def test_vol005_no_look_ahead(
    p: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame], data: st.DataObject
) -> None:
    """Values up to d do not change when later sessions are altered or appended."""
    close, volume, member = p
    cut = data.draw(st.integers(0, len(close)))
    full = compute_volume_breadth(close, volume, member)
    prefix = compute_volume_breadth(close.iloc[:cut], volume.iloc[:cut], member.iloc[:cut])
    pd.testing.assert_frame_equal(full.iloc[:cut], prefix)
    c2, v2, m2 = close.copy(), volume.copy(), member.copy()
    c2.iloc[cut:] = c2.iloc[cut:] * 1.5
    v2.iloc[cut:] = np.nan
    m2.iloc[cut:] = ~m2.iloc[cut:]
    pd.testing.assert_frame_equal(compute_volume_breadth(c2, v2, m2).iloc[:cut], prefix)


def test_vol006_fractional_volumes_and_a_wide_panel() -> None:
    """600 sessions × 70 tickers of float32 prices and fractional volumes (the demo's kind),
    with listings, delistings and gaps: within 1e-12 of the reference."""
    rng = np.random.default_rng(7)
    px = np.exp(np.cumsum(rng.normal(0, 0.02, (600, 70)), axis=0)) * 30
    px[rng.random(px.shape) < 0.03] = np.nan
    px[:250, :15] = np.nan
    px[400:, 15:25] = np.nan
    idx = pd.bdate_range("2019-01-01", periods=600, name="date")
    close = pd.DataFrame(px.astype("float32"), index=idx)
    volume = pd.DataFrame(rng.lognormal(13, 1, px.shape), index=idx)
    got = compute_volume_breadth(close, volume)
    ref = reference_volume_breadth(close, volume)
    pd.testing.assert_frame_equal(got[list(VOLUME_COLUMNS)], ref, check_freq=False, rtol=1e-12)
    assert got["arms_index"].notna().sum() > 550


def test_vol007_arms_average_needs_ten_values() -> None:
    arms = pd.Series([1.0] * 9 + [2.0, NAN] + [0.5] * 10)
    avg = arms_average(arms)
    assert avg.iloc[:9].isna().all()
    assert avg.iloc[9] == pytest.approx(1.1)
    assert avg.iloc[10:20].isna().all()  # the NaN on 10 leaves the next ten undefined
    assert avg.iloc[20] == pytest.approx(0.5)


def test_vol008_shapes_and_empty_panels() -> None:
    close, volume = hand_panels()
    with pytest.raises(ValueError, match="shape"):
        compute_volume_breadth(close, volume.iloc[:3])
    empty = compute_volume_breadth(close.iloc[:0], volume.iloc[:0])
    assert empty.empty and list(empty.columns) == [*VOLUME_COLUMNS, ARMS_AVERAGE_COLUMN]
    assert math.isnan(compute_volume_breadth(close.iloc[:1], volume.iloc[:1])["arms_index"].iloc[0])
