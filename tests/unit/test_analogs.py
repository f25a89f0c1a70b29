"""indicators.analogs: setup by hand, episode merging, forward returns, no look-ahead."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators.analogs import (
    AnalogParams,
    episodes_from,
    find_analogs,
    forward_returns,
    horizon_label,
    setup_frame,
    summarise,
)

SMALL = AnalogParams(near_high_pct=5.0, high_window=3, min_history=2, gap=2, horizons=(1, 2))


def _s(values: list[float]) -> pd.Series:
    return pd.Series(values, index=pd.bdate_range("2024-01-01", periods=len(values)),
                     dtype="float64")  # fmt: skip


def test_ana001_setup_by_hand() -> None:
    breadth = _s([50, 40, 60, 30, 70, 20])
    index = _s([100, 100, 96, 94, 99, 90])
    setup = setup_frame(breadth, index, SMALL)
    # expanding means from 2 values: -, 45, 50, 45, 50, 45
    np.testing.assert_allclose(setup["long_run_average"].to_numpy(),
                               [math.nan, 45, 50, 45, 50, 45])  # fmt: skip
    # off the 3-bar high: -, -, 4, 6, 0 (99 is the high), 100*(1-90/99)
    np.testing.assert_allclose(setup["index_off_high_pct"].to_numpy()[2:],
                               [4.0, 6.0, 0.0, 100 * (1 - 90 / 99)])  # fmt: skip
    # signals need breadth < mean and off-high <= 5: days 3 and 5 are too far off the high
    assert setup["signal"].tolist() == [False, False, False, False, False, False]
    breadth2 = _s([50, 40, 30, 30, 70, 20])
    assert setup_frame(breadth2, index, SMALL)["signal"].tolist() == [
        False, False, True, False, False, False,
    ]  # fmt: skip


def test_ana002_episodes_merge_over_gaps_of_at_most_gap_sessions() -> None:
    signal = [True, False, False, True, False, False, False, True, True, False]
    idx = pd.bdate_range("2024-01-01", periods=len(signal))
    setup = pd.DataFrame({"signal": signal, "b": np.arange(10.0), "long_run_average": 9.0,
                          "index_off_high_pct": 1.0}, index=idx)  # fmt: skip
    eps = episodes_from(setup, gap=3, breadth_column="b")
    # positions 0,3 (gap 3: same episode), 7 (gap 4: new), 8
    assert eps["start"].tolist() == [idx[0], idx[7]]
    assert eps["end"].tolist() == [idx[3], idx[8]]
    assert eps["signal_sessions"].tolist() == [2, 2]
    assert eps["b"].tolist() == [0.0, 7.0]  # the breadth on each signal date
    assert episodes_from(setup, gap=2, breadth_column="b")["start"].tolist() == [
        idx[0], idx[3], idx[7],
    ]  # fmt: skip


def test_ana003_forward_returns_by_hand() -> None:
    sessions = pd.bdate_range("2024-01-01", periods=5)
    num = pd.Series([10, 11, 12, 13, 14.0], index=sessions)
    den = pd.Series([20, 20, 30, 20, 20.0], index=sessions)
    eps = pd.DataFrame({"episode": [1, 2], "signal_date": [sessions[0], sessions[3]]})
    fwd = forward_returns(eps, sessions, {"p": (num, den)}, (1, 2), asof=sessions[2])
    got = fwd.set_index(["episode", "horizon"])
    assert got.loc[(1, 1), "forward_return_pct"] == pytest.approx(10.0)  # 11/10 vs 20/20
    assert got.loc[(1, 2), "forward_return_pct"] == pytest.approx(100 * (1.2 / 1.5 - 1))
    assert got.loc[(1, 2), "numerator_return_pct"] == pytest.approx(20.0)
    assert got.loc[(1, 1), "realised_by_asof"] and got.loc[(1, 2), "realised_by_asof"]
    assert got.loc[(2, 1), "forward_return_pct"] == pytest.approx(100 * (14 / 13 - 1))
    assert not got.loc[(2, 1), "realised_by_asof"]  # ends after asof
    assert math.isnan(got.loc[(2, 2), "forward_return_pct"])  # beyond the data
    summary = summarise(fwd).set_index("horizon")
    assert summary.loc[1, "n"] == 1 and summary.loc[1, "median"] == pytest.approx(10.0)
    assert summary.loc[2, "hit_rate"] == 0.0 and summary.loc[2, "n"] == 1


def test_ana004_median_and_hit_rate_over_episodes() -> None:
    fwd = pd.DataFrame({
        "pair": "p", "horizon": 21, "horizon_label": "1m",
        "forward_return_pct": [3.0, -1.0, 5.0, 2.0, np.nan],
        "realised_by_asof": [True, True, True, True, True],
    })  # fmt: skip
    row = summarise(fwd).iloc[0]
    assert row["median"] == pytest.approx(2.5) and row["hit_rate"] == pytest.approx(75.0)
    assert row["n"] == 4 and row["mean"] == pytest.approx(2.25)
    assert horizon_label(63) == "3m" and horizon_label(40) == "40d"


def _market(seed: int, n: int = 700) -> tuple[pd.Series, pd.Series, pd.Series]:
    rng = np.random.default_rng(seed)
    idx = pd.bdate_range("2015-01-01", periods=n)
    index = pd.Series(100 * np.exp(np.cumsum(rng.normal(0.0004, 0.01, n))), index=idx)
    breadth = pd.Series(50 + 20 * np.sin(np.arange(n) / 40) + rng.normal(0, 5, n), index=idx)
    other = pd.Series(100 * np.exp(np.cumsum(rng.normal(0, 0.01, n))), index=idx)
    return breadth, index, other


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 5000), cut=st.integers(300, 699))
def test_ana005_truncating_after_a_date_keeps_every_selection_up_to_it(seed: int, cut: int) -> None:
    breadth, index, other = _market(seed)
    params = AnalogParams(high_window=100, min_history=100, gap=10, horizons=(21,))
    full = find_analogs(breadth, index, {"p": (other, index)}, params)
    d = breadth.index[cut]
    part = find_analogs(breadth.loc[:d], index.loc[:d], {"p": (other, index)}, params)
    expected = full.episodes.loc[full.episodes["signal_date"] <= d]
    assert part.episodes["signal_date"].tolist() == expected["signal_date"].tolist()
    # ... and asof on the full data selects exactly the same episodes
    same = find_analogs(breadth, index, {"p": (other, index)}, params, asof=d)
    assert same.episodes["signal_date"].tolist() == expected["signal_date"].tolist()
    pd.testing.assert_frame_equal(same.setup, part.setup)


def test_ana006_each_episode_survives_truncation_at_its_signal_date() -> None:
    breadth, index, other = _market(11, n=1200)
    params = AnalogParams(high_window=100, min_history=100, gap=10, horizons=(21, 63))
    full = find_analogs(breadth, index, {"p": (other, index)}, params)
    assert len(full.episodes) >= 3
    for day in full.episodes["signal_date"]:
        part = find_analogs(breadth.loc[:day], index.loc[:day], {"p": (other, index)}, params)
        assert part.episodes["signal_date"].iloc[-1] == day
        assert bool(part.episodes["contains_asof"].iloc[-1])
    # forward returns after asof are listed but left out of the summary
    mid = full.episodes["signal_date"].iloc[-1]
    res = find_analogs(breadth, index, {"p": (other, index)}, params, asof=mid)
    last = res.forward[res.forward["signal_date"] == mid]
    assert not last["realised_by_asof"].any() and last["forward_return_pct"].notna().all()
    n_real = res.forward.groupby("horizon")["realised_by_asof"].sum()
    assert res.summary.set_index("horizon")["n"].to_dict() == n_real.to_dict()


def test_ana007_params_validated() -> None:
    with pytest.raises(ValueError):
        AnalogParams(near_high_pct=-1)
    with pytest.raises(ValueError):
        AnalogParams(horizons=())
