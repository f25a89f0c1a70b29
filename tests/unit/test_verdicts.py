"""indicators.highs and indicators.verdicts: the share at (or near) a 52-week high on chosen
sessions, and the claim check's verdicts against the note (hand-computed cases)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from indicators.breadth import BreadthParams, compute_breadth
from indicators.highs import share_at_high
from indicators.verdicts import (
    DIFFERS,
    MATCHES,
    NO_FIGURE,
    NO_VALUE,
    NOT_STATED,
    NOTE_COLUMNS,
    OTHER_DATE,
    OTHER_SUBJECT,
    Candidate,
    Stated,
    nearest,
    note_columns,
    verdict,
)


def _panel(seed: int, n_dates: int = 90, n_tickers: int = 12) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    px = 50 * np.exp(np.cumsum(rng.normal(0, 0.02, (n_dates, n_tickers)), axis=0))
    px[rng.random(px.shape) < 0.05] = np.nan  # halts
    px[: rng.integers(0, 40), 0] = np.nan  # a late listing
    px[rng.integers(50, 80) :, 1] = np.nan  # a delisting
    px[:, 2] = np.nan  # never trades
    px[30:50, 3] = px[29, 3]  # flat: ties with its old high
    return pd.DataFrame(px, index=pd.bdate_range("2021-01-04", periods=n_dates))


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_vd001_share_at_high_is_the_kernels_count(seed: int) -> None:
    close = _panel(seed)
    rng = np.random.default_rng(seed + 10)
    high = close * (1 + rng.uniform(0, 0.02, close.shape))
    high[rng.random(close.shape) < 0.1] = np.nan  # a missing high falls back to the close
    member = pd.DataFrame(rng.random(close.shape) < 0.8, index=close.index)
    days = list(close.index[[0, 25, 40, 60, 89]])
    for hi, mem in ((None, None), (high, None), (None, member), (high, member)):
        ref = compute_breadth(close, hi, hi, mem, BreadthParams(hl_window=20))
        got = share_at_high(close, days, high=hi, member=mem, window=20)
        np.testing.assert_array_equal(got["eligible"], ref.loc[days, "eligible_52w"])
        np.testing.assert_array_equal(got["at_high"], ref.loc[days, "new_highs_52w"])
        np.testing.assert_allclose(got["pct"], ref.loc[days, "pct_new_highs_52w"], equal_nan=True)


def test_vd002_near_the_high_by_hand_and_a_loop_over_own_bars() -> None:
    idx = pd.bdate_range("2024-01-01", periods=5)
    close = pd.DataFrame(
        {
            "A": [10.0, 12.0, 11.0, 11.9, 11.0],  # day 4: 11.9 ≥ 0.99·12 = 11.88 (near)
            "B": [10.0, np.nan, 9.0, 9.5, 10.5],  # own bars: its window skips the halt
            "C": [np.nan, np.nan, np.nan, 5.0, 5.0],  # too young on day 4 (2 bars < 3)
        },
        index=idx,
    )
    got = share_at_high(close, [idx[3], idx[4], pd.Timestamp("2024-01-06")], window=3)
    # day 4 (idx[3]): A 11.9 vs max(12, 11, 11.9) no; B 9.5 vs max(10, 9, 9.5) no -> 0 of 2
    assert got.loc[idx[3]].tolist() == [0.0, 0, 2]
    # day 5: A 11 vs max(11, 11.9, 11) no; B 10.5 vs max(9, 9.5, 10.5) yes -> 1 of 2
    assert got.loc[idx[4]].tolist() == [50.0, 1, 2]
    assert math.isnan(got.loc[pd.Timestamp("2024-01-06"), "pct"])  # not a session
    near = share_at_high(close, [idx[3], idx[4]], near_pct=1.0, window=3)
    # within 1%: day 4 A 11.9 ≥ 11.88 yes, B 9.5 ≥ 9.9 no; day 5 A 11 ≥ 11.781 no, B yes
    assert near["at_high"].tolist() == [1, 1] and near["eligible"].tolist() == [2, 2]
    # the naive twin: a loop over each ticker's own bars
    panel = _panel(9, n_dates=60, n_tickers=6)
    days = list(panel.index[-8:])
    got = share_at_high(panel, days, near_pct=2.5, window=15)
    for day in days:
        hits = elig = 0
        for col in panel:
            own = panel[col].loc[:day].dropna()
            if day not in own.index or len(own) < 15:
                continue
            elig += 1
            hits += own.iloc[-1] >= own.iloc[-15:].max() * 0.975 * (1 - 1e-6)
        assert (got.loc[day, "at_high"], got.loc[day, "eligible"]) == (hits, elig)


def test_vd003_verdict_and_nearest_by_hand() -> None:
    assert verdict(54.5, 55.0, 1.0) == MATCHES
    assert verdict(56.0, 55.0, 1.0) == MATCHES  # the tolerance is inclusive
    assert verdict(56.01, 55.0, 1.0) == DIFFERS
    assert verdict(4.9, 9.3, 1.0) == DIFFERS
    assert verdict(math.nan, 9.3, 1.0) == NO_VALUE
    assert verdict(4.9, None, 1.0) == NO_FIGURE
    cands = [Candidate("own", 4.9), Candidate("a", 10.3), Candidate("b", 8.3),
             Candidate("c", math.nan), Candidate("d", 11.3)]  # fmt: skip
    assert nearest(cands, 9.3) == Candidate("a", 10.3)  # 10.3 and 8.3 tie: the first listed
    assert nearest(cands, 12.0) == Candidate("d", 11.3)
    assert nearest([Candidate("c", math.nan)], 1.0) is None


NOTE = (
    Stated("pct_above_200dma", "R3K", "~55% (long-run ~57%)", 55.0, 1.0, "rounding",
           universe="russell3000", long_run=57.0),
    Stated("pct_new_highs_52w", "R3K", "3.8%", 3.8, 1.0, "rounding", universe="russell3000"),
    Stated("pct_new_highs_52w", "S&P 500", "9.3%", 9.3, 1.0, "rounding", universe="sp500"),
    Stated("index_gain_from_12m_low", "S&P 500", "+28%", 28.0, 2.0, "dividends",
           series=("SPY", "^GSPC")),
    Stated("small_vs_large_since_low", "small caps", "catch up", None, 2.0, "forecast"),
)  # fmt: skip


def _table(rows: list[tuple[str, str, float, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["claim", "universe", "value", "long_run_average"])


def test_vd004_note_columns_match_rows_to_the_notes_statements() -> None:
    table = _table([
        ("pct_above_200dma", "russell3000", 54.5, 58.3),
        ("pct_new_highs_52w", "russell3000", 3.5, 4.9),
        ("pct_new_highs_52w", "sp500", 4.9, 6.4),
        ("index_gain_from_12m_low", "SPY", 28.7, 23.9),
        ("small_vs_large_since_low", "IWM/SPY", -0.1, -0.3),
        ("small_caps_ytd", "IWM", 1.9, math.nan),
    ])  # fmt: skip
    cands = [Candidate("own", 4.9), Candidate("1%", 11.3), Candidate("Fri", 10.2),
             Candidate("Thu", 6.9)]  # fmt: skip
    alts = {("pct_new_highs_52w", "sp500"): cands}
    out = note_columns(table, NOTE, True, alts)
    assert list(out.columns) == list(NOTE_COLUMNS)
    assert out["verdict"].tolist() == [MATCHES, MATCHES, DIFFERS, MATCHES, NO_FIGURE, NOT_STATED]
    assert out["long_run_verdict"].tolist() == [DIFFERS] + [NOT_STATED] * 5  # 58.3 vs 57 ± 1
    assert out["note_value"].tolist()[:4] == [55.0, 3.8, 9.3, 28.0]
    assert out["tolerance"].tolist()[:4] == [1.0, 1.0, 1.0, 2.0]
    sp = out.iloc[2]
    assert (sp["nearest_definition"], sp["nearest_value"]) == ("Fri", 10.2)
    assert (sp["nearest_verdict"], sp["alternatives_tried"]) == (MATCHES, 3)
    assert out["nearest_definition"].tolist()[:2] == ["", ""]  # only a row that differs
    # another date: every checkable row waits for the note's date; forecasts stay no_figure
    later = note_columns(table, NOTE, False, alts)
    assert later["verdict"].tolist()[:5] == [OTHER_DATE] * 4 + [NO_FIGURE]
    assert later["long_run_verdict"].iloc[0] == OTHER_DATE
    assert (later["nearest_definition"] == "").all()


def test_vd005_other_universes_and_the_stand_in() -> None:
    table = _table([
        ("pct_above_200dma", "all", 54.5, 57.2),
        ("pct_new_highs_52w", "all", 3.5, 4.9),
        ("pct_new_highs_52w", "sim-large", 9.0, 6.4),
        ("index_gain_from_12m_low", "SIM:LARGE", 28.0, 20.0),
    ])  # fmt: skip
    aliases = {"all": "russell3000", "sim-large": "sp500"}
    shown = note_columns(table, NOTE, True, aliases=aliases)
    # shown beside the statement about the universe they stand for, but not checked
    assert shown["note_said"].tolist() == ["~55% (long-run ~57%)", "3.8%", "9.3%", "+28%"]
    assert (shown["verdict"] == OTHER_SUBJECT).all()
    assert shown["long_run_verdict"].iloc[0] == OTHER_SUBJECT
    # the page's stand-in for russell3000 is checked as russell3000; the comparison is not
    stand = note_columns(table, NOTE, True, aliases=aliases, stand_ins=frozenset({"all"}))
    assert stand["verdict"].tolist() == [MATCHES, MATCHES, OTHER_SUBJECT, OTHER_SUBJECT]
    assert stand["long_run_verdict"].iloc[0] == MATCHES  # 57.2 vs 57
    # a row's own universe wins over an alias: sp500 chosen as the broad universe is sp500
    own = note_columns(_table([("pct_new_highs_52w", "sp500", 9.0, 6.0)]), NOTE, True,
                       aliases={"sp500": "russell3000"})  # fmt: skip
    assert (own["note_said"].iloc[0], own["verdict"].iloc[0]) == ("9.3%", MATCHES)
