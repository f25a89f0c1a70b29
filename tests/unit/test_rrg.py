"""indicators.rrg: hand-computed RS-Ratio/RS-Momentum, clockwise rotation, no look-ahead."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators.rrg import (
    QUADRANTS,
    RrgParams,
    quadrant,
    quadrants,
    relative_rotation,
    rrg_long,
    weekly_last,
)


def _cycle(n: int = 1500, period: int = 250, amp: float = 0.1) -> tuple[pd.DataFrame, pd.Series]:
    idx = pd.bdate_range("2015-01-01", periods=n)
    t = np.arange(n)
    bench = pd.Series(100 * np.exp(0.0003 * t + 0.01 * np.sin(t / 7)), index=idx)
    leader = bench * np.exp(amp * np.sin(2 * np.pi * t / period))
    return pd.DataFrame({"CYC": leader}), bench


def test_rrg001_hand_computed_daily_values() -> None:
    idx = pd.bdate_range("2024-01-01", periods=6)
    bench = pd.Series([10.0] * 6, index=idx)
    px = pd.DataFrame({"A": [10.0, 11.0, 12.0, 12.0, 15.0, 15.0]}, index=idx)
    res = relative_rotation(px, bench, RrgParams(window=3, momentum=1, freq="D"))
    # RS = 100, 110, 120, 120, 150, 150
    # window 3: t2: mean 110, sd 10 -> z = 1; t3: [110,120,120] mean 116.67, sd 5.7735 -> 0.577
    # t4: [120,120,150] mean 130, sd 17.32 -> 1.1547; t5: [120,150,150] mean 140, sd 17.32 -> 0.577
    expected_ratio = [math.nan, math.nan, 101.0, 100.0 + 1 / math.sqrt(3),
                      100.0 + 2 / math.sqrt(3), 100.0 + 1 / math.sqrt(3)]  # fmt: skip
    np.testing.assert_allclose(res.ratio["A"].to_numpy(), expected_ratio, rtol=0, atol=1e-12)
    r = np.array(expected_ratio)
    roc = 100 * (r[1:] / r[:-1] - 1)  # ROC over 1 period, defined from t3
    window = roc[2:5]  # ROC at t3, t4, t5
    z = (window[-1] - window.mean()) / window.std(ddof=1)
    assert res.momentum["A"].iloc[-1] == pytest.approx(100 + z, abs=1e-12)
    assert res.momentum["A"].iloc[:4].isna().all()


def test_rrg002_flat_relative_strength_has_no_ratio() -> None:
    idx = pd.bdate_range("2024-01-01", periods=10)
    bench = pd.Series(np.linspace(10, 20, 10), index=idx)
    res = relative_rotation(pd.DataFrame({"A": bench * 2}), bench, RrgParams(3, 1, "D"))
    assert res.ratio["A"].isna().all()


def test_rrg003_leader_to_laggard_cycle_rotates_clockwise() -> None:
    px, bench = _cycle()
    res = relative_rotation(px, bench, RrgParams(window=250, momentum=20, freq="D"))
    q = quadrants(res)["CYC"]
    q = q[q != ""]
    visits = list(q[q != q.shift()])
    assert len(visits) >= 16  # four full turns at least
    start = QUADRANTS.index(visits[0])
    expected = [QUADRANTS[(start + i) % 4] for i in range(len(visits))]
    assert visits == expected
    # the angle around (100, 100) decreases: clockwise in the (ratio, momentum) plane
    x = res.ratio["CYC"] - 100
    y = res.momentum["CYC"] - 100
    angle = np.unwrap(np.arctan2(y.dropna(), x.loc[y.dropna().index]).to_numpy())
    steps = np.diff(angle)
    assert (steps < 0).all() and angle[-1] - angle[0] < -2 * np.pi * 3.5


def test_rrg004_weekly_cycle_also_clockwise() -> None:
    px, bench = _cycle(n=2600, period=260)
    res = relative_rotation(px, bench, RrgParams(window=52, momentum=4, freq="W"))
    q = quadrants(res)["CYC"]
    q = q[q != ""]
    visits = list(q[q != q.shift()])
    start = QUADRANTS.index(visits[0])
    assert len(visits) >= 12
    assert visits == [QUADRANTS[(start + i) % 4] for i in range(len(visits))]


def test_rrg005_weekly_uses_each_weeks_last_session_only() -> None:
    # Mon 2024-03-25 .. Thu 2024-03-28 (Good Friday closed), then Mon/Tue of the next week
    idx = pd.DatetimeIndex(
        ["2024-03-25", "2024-03-26", "2024-03-27", "2024-03-28", "2024-04-01", "2024-04-02"]
    )
    frame = pd.DataFrame({"A": [1.0, 2.0, 3.0, np.nan, 5.0, 6.0], "B": [1, 2, 3, 4, 5, 6.0]},
                         index=idx)  # fmt: skip
    out = weekly_last(frame)
    assert list(out.index) == [pd.Timestamp("2024-03-28"), pd.Timestamp("2024-04-02")]
    assert out["A"].tolist() == [3.0, 6.0]  # A's last close of the week (Thursday has none)
    assert out["B"].tolist() == [4.0, 6.0]  # the unfinished week: its latest session
    # truncating to Monday 2024-04-01 labels the unfinished week with that Monday
    assert weekly_last(frame.iloc[:5]).index[-1] == pd.Timestamp("2024-04-01")
    assert weekly_last(frame.iloc[:5])["A"].iloc[-1] == 5.0


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    cut=st.integers(40, 299),
    freq=st.sampled_from(["D", "W"]),
)
def test_rrg006_appending_data_after_d_changes_nothing_up_to_d(
    seed: int, cut: int, freq: str
) -> None:
    rng = np.random.default_rng(seed)
    idx = pd.bdate_range("2020-01-01", periods=300)
    bench = pd.Series(100 * np.exp(np.cumsum(rng.normal(0, 0.01, 300))), index=idx)
    px = pd.DataFrame(
        100 * np.exp(np.cumsum(rng.normal(0, 0.012, (300, 3)), axis=0)), index=idx,
        columns=["A", "B", "C"],
    )  # fmt: skip
    px.iloc[rng.integers(0, 300, 15), rng.integers(0, 3, 15)] = np.nan
    params = RrgParams(window=8, momentum=3, freq=freq) if freq == "W" else RrgParams(20, 5, "D")
    full = relative_rotation(px, bench, params)
    part = relative_rotation(px.iloc[:cut], bench.iloc[:cut], params)
    d = idx[cut - 1]
    assert part.ratio.index.max() == d
    common = part.ratio.index.intersection(full.ratio.index)
    # every full-data period labelled up to d exists in the truncated result ...
    assert full.ratio.loc[:d].index.isin(part.ratio.index).all()
    # ... with exactly the same values
    pd.testing.assert_frame_equal(part.ratio.loc[common], full.ratio.loc[common])
    pd.testing.assert_frame_equal(part.momentum.loc[common], full.momentum.loc[common])


def test_rrg007_quadrant_boundaries_and_nan() -> None:
    assert quadrant(101, 101) == "Leading"
    assert quadrant(101, 99) == "Weakening"
    assert quadrant(99, 99) == "Lagging"
    assert quadrant(99, 101) == "Improving"
    assert quadrant(100, 100) == "Leading"
    assert quadrant(math.nan, 101) == ""


def test_rrg008_long_table_and_point() -> None:
    px, bench = _cycle(n=400)
    res = relative_rotation(px, bench, RrgParams(window=50, momentum=5, freq="D"))
    table = rrg_long(res)
    assert list(table.columns) == ["date", "ticker", "rs_ratio", "rs_momentum", "quadrant"]
    assert len(table) == int(res.momentum["CYC"].notna().sum())
    last = table.iloc[-1]
    assert (last["rs_ratio"], last["rs_momentum"]) == res.point("CYC")
    assert last["quadrant"] == quadrant(*res.point("CYC"))


def test_rrg009_params_validated() -> None:
    with pytest.raises(ValueError, match="freq"):
        RrgParams(freq="M")
    with pytest.raises(ValueError, match="window"):
        RrgParams(window=1)
