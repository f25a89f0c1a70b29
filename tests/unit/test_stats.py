"""Long-run average and trailing percentiles: hand cases, naive reference, no look-ahead."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators.stats import long_run_average, trailing_percentile, trailing_quantiles


def test_sta001_long_run_average_hand() -> None:
    idx = pd.bdate_range("2020-01-01", periods=5)
    s = pd.Series([np.nan, 40.0, 60.0, np.nan, 80.0], index=idx)
    lra = long_run_average(s)
    assert lra.value == 60.0
    assert (lra.start, lra.end, lra.observations) == (idx[1], idx[4], 3)
    assert long_run_average(pd.Series([np.nan])).observations == 0


def test_sta002_trailing_percentile_hand() -> None:
    s = pd.Series([10.0, 20.0, 20.0, 5.0, np.nan, 30.0])
    got = trailing_percentile(s, min_history=1).tolist()
    # day 0: only itself -> 50; day 1: above 1 of 2 -> (1+0.5)/2; day 2: below 1, equal 2
    # -> (1 + 1)/3; day 3: lowest of 4 -> 0.5/4; NaN stays; day 5: highest of 5 -> 4.5/5
    expected = [50.0, 75.0, 200 / 3, 12.5, np.nan, 90.0]
    np.testing.assert_allclose(got, expected, equal_nan=True)
    assert trailing_percentile(s, min_history=3).isna().tolist() == [
        True,
        True,
        False,
        False,
        True,
        False,
    ]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.integers(0, 20).map(float), st.just(np.nan)), max_size=60))
def test_sta003_percentile_vs_naive_and_no_look_ahead(values: list[float]) -> None:
    s = pd.Series(values, dtype="float64")
    got = trailing_percentile(s, min_history=2).to_numpy()
    seen: list[float] = []
    for i, v in enumerate(values):
        if np.isnan(v):
            assert np.isnan(got[i])
            continue
        seen.append(v)
        arr = np.array(seen)
        ref = 100 * ((arr < v).sum() + 0.5 * (arr == v).sum()) / len(arr)
        if len(arr) < 2:
            assert np.isnan(got[i])
        else:
            assert abs(got[i] - ref) < 1e-9
    if len(values) > 3:  # appending data changes nothing before it
        more = pd.Series([*values, 100.0, -5.0])
        np.testing.assert_array_equal(
            trailing_percentile(more, min_history=2).to_numpy()[: len(values)], got
        )


def test_sta004_trailing_band_uses_past_only() -> None:
    s = pd.Series(np.arange(300, dtype=float))
    band = trailing_quantiles(s, min_history=10)
    assert band["q10"].iloc[:9].isna().all()
    assert band["q90"].iloc[99] == np.quantile(np.arange(100.0), 0.9)
