"""indicators.claims: hand-computed claim figures, as-of discipline and the table's shape."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from indicators.claims import (
    CLAIM_COLUMNS,
    Leg,
    UniverseBreadth,
    claim_table,
    context,
    gain_from_low,
    relative_since_low,
    trailing_low_index,
)


def _s(values: list[float], start: str = "2024-12-30") -> pd.Series:
    return pd.Series(values, index=pd.bdate_range(start, periods=len(values)), dtype="float64")


def test_clm001_gain_from_low_and_low_date_by_hand() -> None:
    close = _s([10, 8, 9, 12, 11, 6, 9])
    gain = gain_from_low(close, window=3)
    # windows: [10,8,9]->9/8, [8,9,12]->12/8, [9,12,11]->11/9, [12,11,6]->6/6, [11,6,9]->9/6
    expected = [math.nan, math.nan, 12.5, 50.0, 100 * (11 / 9 - 1), 0.0, 50.0]
    np.testing.assert_allclose(gain.to_numpy(), expected, atol=1e-12)
    lows = trailing_low_index(close, window=3)
    idx = close.index
    assert lows.iloc[:2].isna().all()
    assert list(lows.iloc[2:]) == [idx[1], idx[1], idx[2], idx[5], idx[5]]


def test_clm002_low_date_skips_missing_bars_and_naive_agrees() -> None:
    rng = np.random.default_rng(7)
    close = pd.Series(100 * np.exp(np.cumsum(rng.normal(0, 0.02, 400))),
                      index=pd.bdate_range("2020-01-01", periods=400))  # fmt: skip
    close.iloc[[30, 31, 200]] = np.nan
    lows = trailing_low_index(close, window=50)
    own = close.dropna()
    for i in range(49, len(own)):  # naive twin: a loop over the ticker's own bars
        window = own.iloc[i - 49 : i + 1]
        assert lows.loc[own.index[i]] == window.idxmin()
        assert gain_from_low(close, 50).loc[own.index[i]] == pytest.approx(
            100 * (own.iloc[i] / window.min() - 1)
        )


def test_clm003_relative_since_low_by_hand() -> None:
    num = _s([10, 10, 12, 11])
    den = _s([20, 10, 12, 10])
    lows = pd.Series(pd.DatetimeIndex([num.index[1]] * 2), index=num.index[2:])
    got = relative_since_low(num, den, lows)
    # R = 0.5, 1.0, 1.0, 1.1 ; from the low day (R=1.0): 0%, +10%
    np.testing.assert_allclose(got.to_numpy(), [0.0, 10.0], atol=1e-12)


def test_clm004_context_uses_values_up_to_asof_only() -> None:
    series = pd.Series(np.arange(300, dtype="float64"), index=pd.bdate_range("2020-01-01",
                       periods=300))  # fmt: skip
    day = series.index[259]
    value, lra, pct = context(series, day)
    assert value == 259.0 and lra == pytest.approx(129.5)  # mean of 0..259, not of 0..299
    assert pct == pytest.approx(100 * 259.5 / 260)  # the highest so far: (259 + ½)/260
    value, lra, pct = context(series, series.index[100])
    assert value == 100 and math.isnan(pct)  # fewer than 252 values: no percentile
    assert math.isnan(context(series, pd.Timestamp("2030-01-01"))[0])  # not a session


def _table(asof: pd.Timestamp, legs: dict[str, Leg]) -> pd.DataFrame:
    idx = pd.bdate_range("2024-01-01", "2025-03-31")
    frame = pd.DataFrame(
        {
            "pct_above_200dma": np.linspace(40, 60, len(idx)),
            "eligible_200dma": 80,
            "pct_new_highs_52w": 5.0,
            "eligible_52w": 70,
        },
        index=idx,
    )
    other = frame.assign(pct_new_highs_52w=2.0, eligible_52w=450)
    return claim_table(
        UniverseBreadth("mine", frame, "survivorship bias"), UniverseBreadth("sp500", other),
        legs, asof,
    )  # fmt: skip


def test_clm005_claim_table_rows_and_values() -> None:
    idx = pd.bdate_range("2024-01-01", "2025-03-31")
    n = len(idx)
    large = pd.Series(np.r_[np.full(n - 40, 100.0), np.full(40, 90.0)], index=idx)
    large.iloc[-1] = 99.0  # low 90, gain +10%
    small = pd.Series(50.0, index=idx)
    small.loc["2024-12-31"] = 40.0
    small.iloc[-1] = 45.0  # YTD: 45/40 - 1 = +12.5%
    value = pd.Series(10.0, index=idx)
    value.iloc[-1] = 11.0
    growth = pd.Series(20.0, index=idx)
    legs = {"large": Leg("large", "SPY", large), "small": Leg("small", "IWM", small),
            "value": Leg("value", "IWD", value),
            "growth": Leg("growth", "IWF", growth)}  # fmt: skip
    asof = idx[-1]
    table = _table(asof, legs)
    assert list(table.columns) == list(CLAIM_COLUMNS)
    assert table["claim"].tolist() == [
        "pct_above_200dma", "pct_new_highs_52w", "pct_new_highs_52w", "index_gain_from_12m_low",
        "small_caps_ytd", "value_vs_growth_since_low", "small_vs_large_since_low",
    ]  # fmt: skip
    by = table.set_index(["claim", "universe"])
    assert by.loc[("pct_above_200dma", "mine"), "value"] == pytest.approx(60.0)
    assert by.loc[("pct_above_200dma", "mine"), "long_run_average"] == pytest.approx(50.0)
    assert by.loc[("pct_above_200dma", "mine"), "members_with_data"] == 80
    assert by.loc[("pct_above_200dma", "mine"), "note"] == "survivorship bias"
    assert by.loc[("pct_new_highs_52w", "sp500"), "value"] == 2.0
    assert by.loc[("pct_new_highs_52w", "sp500"), "members_with_data"] == 450
    assert by.loc[("index_gain_from_12m_low", "SPY"), "value"] == pytest.approx(10.0)
    assert by.loc[("index_gain_from_12m_low", "SPY"), "note"] == f"low on {idx[n - 40].date()}"
    assert by.loc[("small_caps_ytd", "IWM"), "value"] == pytest.approx(12.5)
    assert by.loc[("value_vs_growth_since_low", "IWD/IWF"), "value"] == pytest.approx(10.0)
    assert by.loc[("value_vs_growth_since_low", "IWD/IWF"), "members_with_data"] == 2
    # small since the low day: 50 -> 45 while large 90 -> 99: (45/99)/(50/90) - 1
    assert by.loc[("small_vs_large_since_low", "IWM/SPY"), "value"] == pytest.approx(
        100 * ((45 / 99) / (50 / 90) - 1)
    )
    assert (table["asof"] == asof.date().isoformat()).all()
    assert table["definition"].str.len().min() > 40


def test_clm006_missing_roles_give_nan_rows_with_a_note() -> None:
    idx = pd.bdate_range("2024-01-01", "2025-03-31")
    large = pd.Series(np.linspace(100, 120, len(idx)), index=idx)
    legs = {"large": Leg("large", "SPY", large), "small": Leg("small", None, None),
            "value": Leg("value", None, None), "growth": Leg("growth", "IWF", large)}  # fmt: skip
    table = _table(idx[-1], legs).set_index("claim")
    assert math.isnan(table.loc["small_caps_ytd", "value"])
    assert "small" in table.loc["small_caps_ytd", "note"]
    assert math.isnan(table.loc["value_vs_growth_since_low", "value"])
    assert table.loc["index_gain_from_12m_low", "value"] == pytest.approx(
        100 * (120 / large.iloc[-252] - 1)
    )
