"""indicators.rotation: ratio lines, rebasing, returns since an anchor and year to date."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from indicators.rotation import (
    base_value,
    ratio,
    rebase,
    rebased_ratio,
    return_since,
    value_at,
    ytd_return,
)


def _series(values: list[float], start: str = "2024-12-27") -> pd.Series:
    return pd.Series(values, index=pd.bdate_range(start, periods=len(values)), dtype="float64")


def test_rot001_ratio_only_where_both_legs_have_a_close() -> None:
    a = _series([10.0, np.nan, 12.0, 13.0])
    b = _series([5.0, 5.0, np.nan, 6.5])
    r = ratio(a, b)
    assert list(r.index) == [a.index[0], a.index[3]]
    assert r.tolist() == [2.0, 2.0]


def test_rot002_ratio_ignores_non_positive_prices() -> None:
    r = ratio(_series([1.0, 2.0, -1.0]), _series([1.0, 0.0, 1.0]))
    assert r.tolist() == [1.0]


def test_rot003_rebase_is_100_at_first_value_on_or_after_anchor() -> None:
    s = _series([np.nan, 50.0, 55.0, 60.0], start="2025-01-06")  # Mon..Thu
    out = rebase(s, pd.Timestamp("2025-01-06"))  # anchor lands on the NaN day
    assert out.iloc[1] == 100.0
    assert out.iloc[2] == pytest.approx(110.0)
    assert out.iloc[3] == pytest.approx(120.0)


def test_rot004_rebase_keeps_values_before_the_anchor() -> None:
    s = _series([40.0, 50.0, 60.0], start="2025-01-06")
    out = rebase(s, pd.Timestamp("2025-01-07"))
    assert out.tolist() == pytest.approx([80.0, 100.0, 120.0])


def test_rot005_rebase_without_base_is_all_nan() -> None:
    s = _series([1.0, 2.0], start="2025-01-06")
    assert rebase(s, pd.Timestamp("2026-01-01")).isna().all()


def test_rot006_rebased_ratio_by_hand() -> None:
    num = _series([10.0, 11.0, 12.1], start="2025-01-06")
    den = _series([20.0, 20.0, 22.0], start="2025-01-06")
    out = rebased_ratio(num, den, pd.Timestamp("2025-01-06"))
    assert out.tolist() == pytest.approx([100.0, 110.0, 110.0])


def test_rot007_return_since_anchor_to_end() -> None:
    s = _series([100.0, 110.0, 99.0, 121.0], start="2025-01-06")
    assert return_since(s, pd.Timestamp("2025-01-06")) == pytest.approx(21.0)
    assert return_since(s, pd.Timestamp("2025-01-07"), pd.Timestamp("2025-01-08")) == (
        pytest.approx(-10.0)
    )


def test_rot008_return_since_undefined_cases() -> None:
    s = _series([100.0, 110.0], start="2025-01-06")
    assert math.isnan(return_since(s, pd.Timestamp("2025-02-01")))
    assert math.isnan(return_since(s, pd.Timestamp("2025-01-07"), pd.Timestamp("2025-01-06")))
    assert math.isnan(return_since(_series([]), pd.Timestamp("2025-01-06")))


def test_rot009_ytd_uses_last_close_of_previous_year() -> None:
    # 2024-12-27 (Fri), 12-30, 12-31, 2025-01-01, 01-02
    s = _series([90.0, 95.0, 100.0, 104.0, 103.0])
    assert ytd_return(s, pd.Timestamp("2025-01-02")) == pytest.approx(3.0)
    assert ytd_return(s, pd.Timestamp("2025-01-01")) == pytest.approx(4.0)


def test_rot010_ytd_of_a_series_listed_this_year_uses_its_first_close() -> None:
    s = _series([50.0, 55.0], start="2025-03-03")
    assert ytd_return(s, pd.Timestamp("2025-03-04")) == pytest.approx(10.0)


def test_rot011_ytd_without_a_close_this_year_is_nan() -> None:
    s = _series([50.0, 55.0], start="2024-03-04")
    assert math.isnan(ytd_return(s, pd.Timestamp("2025-06-30")))


def test_rot012_base_and_value_helpers() -> None:
    s = _series([np.nan, 2.0, np.nan], start="2025-01-06")
    assert base_value(s, pd.Timestamp("2025-01-06")) == (s.index[1], 2.0)
    assert value_at(s, pd.Timestamp("2025-01-08")) == (s.index[1], 2.0)
    assert value_at(s, pd.Timestamp("2025-01-06"))[0] is None


def test_rot013_return_does_not_depend_on_history_before_anchor() -> None:
    rng = np.random.default_rng(3)
    closes = pd.Series(
        100 * np.exp(np.cumsum(rng.normal(0, 0.01, 300))),
        index=pd.bdate_range("2024-01-01", periods=300),
    )
    anchor = closes.index[150]
    full = return_since(closes, anchor)
    cut = return_since(closes.iloc[100:], anchor)
    assert full == pytest.approx(cut)
    assert full == pytest.approx(100 * (closes.iloc[-1] / closes.iloc[150] - 1))
