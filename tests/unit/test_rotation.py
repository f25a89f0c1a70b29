"""indicators.rotation: ratio lines, rebasing, returns since an anchor and year to date."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators.rotation import (
    base_value,
    equal_weight_index,
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


# -- equal_weight_index ------------------------------------------------------------------------


def _naive_equal_weight(close: pd.DataFrame, member: pd.DataFrame | None) -> pd.Series:
    """Reference: per ticker, its returns from its own previous bar; then a mean per session."""
    rets: dict[str, dict[pd.Timestamp, float]] = {}
    for ticker in close.columns:
        prev = math.nan
        out: dict[pd.Timestamp, float] = {}
        for day, px in close[ticker].items():
            if not (isinstance(px, float) and math.isfinite(px) and px > 0):
                continue
            is_member = member is None or bool(member.at[day, ticker])
            if math.isfinite(prev) and is_member:
                out[day] = px / prev - 1.0
            prev = px
        rets[ticker] = out
    level, levels = 100.0, []
    for day in close.index:
        today = [r[day] for r in rets.values() if day in r]
        if today:
            level *= 1.0 + sum(today) / len(today)
        levels.append(level)
    return pd.Series(levels, index=close.index)


def test_rot020_equal_weight_by_hand() -> None:
    days = pd.bdate_range("2025-01-06", periods=5)
    close = pd.DataFrame(
        {
            "A": [10.0, 11.0, np.nan, 12.1, 12.1],  # halted on day 2: day 3 is +10% from day 1
            "B": [20.0, 18.0, 18.0, 19.8, np.nan],  # no bar on day 4
            "C": [np.nan, np.nan, 50.0, 55.0, 44.0],  # lists on day 2, first return on day 3
        },
        index=days,
    )
    out = equal_weight_index(close)
    # day1: (+10% − 10%)/2 = 0; day2: B 0% (A halted, C first bar) = 0;
    # day3: A +10%, B +10%, C +10% = +10%; day4: A 0%, C −20% = −10%
    assert out.tolist() == pytest.approx([100.0, 100.0, 100.0, 110.0, 99.0])
    assert out.name == "equal_weight" and out.dtype == "float64"


def test_rot021_equal_weight_membership_and_no_members() -> None:
    days = pd.bdate_range("2025-01-06", periods=4)
    close = pd.DataFrame({"A": [10.0, 12.0, 12.0, 6.0], "B": [10.0, 11.0, 12.1, 13.31]}, index=days)
    member = pd.DataFrame(
        {"A": [True, True, False, True], "B": [False, False, True, True]}, index=days
    )
    out = equal_weight_index(close, member)
    # day1: only A (+20%); day2: only B (+10%, from its own previous bar);
    # day3: A −50%, B +10% -> −20%
    assert out.tolist() == pytest.approx([100.0, 120.0, 132.0, 105.6])
    none = equal_weight_index(close, member & False)
    assert none.tolist() == [100.0] * 4  # no member: the level carries


def test_rot022_equal_weight_ignores_non_positive_and_needs_no_future() -> None:
    days = pd.bdate_range("2025-01-06", periods=4)
    close = pd.DataFrame({"A": [10.0, 0.0, 11.0, 12.1]}, index=days)
    full = equal_weight_index(close)
    assert full.tolist() == pytest.approx([100.0, 100.0, 110.0, 121.0])
    head = equal_weight_index(close.iloc[:3])  # the past does not move with later bars
    assert head.tolist() == pytest.approx(full.iloc[:3].tolist())


def _random_panel(seed: int, n_days: int, n_tickers: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    days = pd.bdate_range("2020-01-01", periods=n_days)
    rets = rng.normal(0.0, 0.02, (n_days, n_tickers))
    close = 50.0 * np.exp(np.cumsum(rets, axis=0))
    for j in range(n_tickers):  # listings, delistings, halts
        first, last = sorted(rng.integers(0, n_days, 2))
        close[:first, j] = np.nan
        close[last + 1 :, j] = np.nan
    close[rng.random(close.shape) < 0.05] = np.nan
    member = rng.random((n_days, n_tickers)) < 0.7
    cols = [f"T{j}" for j in range(n_tickers)]
    return pd.DataFrame(close, days, cols), pd.DataFrame(member, days, cols)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_rot023_equal_weight_matches_naive_reference_on_random_panels(seed: int) -> None:
    close, member = _random_panel(seed, 120, 25)
    for mem in (member, None):
        fast = equal_weight_index(close, mem)
        ref = _naive_equal_weight(close, mem)
        np.testing.assert_allclose(fast.to_numpy(), ref.to_numpy(), rtol=1e-12)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), cut=st.integers(2, 59))
def test_rot024_equal_weight_no_look_ahead(seed: int, cut: int) -> None:
    """Truncating the panel after any session leaves every earlier level unchanged."""
    close, member = _random_panel(seed, 60, 8)
    full = equal_weight_index(close, member)
    part = equal_weight_index(close.iloc[:cut], member.iloc[:cut])
    np.testing.assert_allclose(part.to_numpy(), full.iloc[:cut].to_numpy(), rtol=1e-12)
    assert full.iloc[0] == 100.0
