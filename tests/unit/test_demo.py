"""The simulated (demo) market: determinism, contracts, invariants, universes, benchmarks.

Most tests use a small market (300 stocks × 5 years); one test builds the full default size
and checks that breadth (percent above the 200-day average, on each ticker's own bars)
swings from below 15% to above 85%.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from data.benchmarks import ROLES, SECTORS, demo_sector_ticker
from data.model import FIELDS, INTERVAL_COLUMNS, TICKER_INFO_COLUMNS
from data.sources.demo import INFO_COLUMNS, DemoMarket, generate_demo
from data.sources.demo.names import FAMOUS_TICKERS

SMALL = {"seed": 3, "n_tickers": 300, "years": 5}
BENCHMARKS = (
    "SIM:LARGE", "SIM:SMALL", "SIM:MID", "SIM:EQUAL", "SIM:VALUE", "SIM:GROWTH", "SIM:TOTAL",
    *(demo_sector_ticker(etf) for etf in SECTORS.values()),
)  # fmt: skip


@pytest.fixture(scope="module")
def small() -> DemoMarket:
    return generate_demo(**SMALL)


def stock_close(m: DemoMarket) -> pd.DataFrame:
    stocks = m.info.loc[m.info["kind"] == "stock", "ticker"]
    return m.prices.close[stocks]


def universe(m: DemoMarket, name: str) -> pd.DataFrame:
    found = [df for info, df in m.universes if info.name == name]
    assert len(found) == 1, name
    return found[0]


def member_panel(spans: pd.DataFrame, dates: pd.DatetimeIndex, columns: pd.Index) -> pd.DataFrame:
    """Naive reference: boolean membership panel from intervals, one interval at a time."""
    out = np.zeros((len(dates), len(columns)), bool)
    for row in spans.itertuples():
        end = dates[-1] if pd.isna(row.end_date) else row.end_date
        j = columns.get_loc(row.ticker)
        out[dates.get_loc(row.start_date) : dates.get_loc(end) + 1, j] = True
    return pd.DataFrame(out, index=dates, columns=columns)


def pct_above_sma(close: pd.DataFrame, window: int = 200) -> pd.Series:
    """Percent of stocks above their own ``window``-bar simple average (own bars, NaN skipped)."""
    arr = close.to_numpy(np.float64)
    above = np.zeros(arr.shape)
    counted = np.zeros(arr.shape)
    for j in range(arr.shape[1]):
        rows = np.flatnonzero(np.isfinite(arr[:, j]))
        x = pd.Series(arr[rows, j])
        sma = x.rolling(window).mean().to_numpy()
        ok = ~np.isnan(sma)
        above[rows[ok], j] = x.to_numpy()[ok] > sma[ok]
        counted[rows[ok], j] = 1.0
    n = counted.sum(axis=1)
    pct = pd.Series(100.0 * above.sum(axis=1) / np.where(n > 0, n, np.nan), index=close.index)
    return pct[n >= 0.5 * arr.shape[1]]


def test_demo001_deterministic(small: DemoMarket) -> None:
    again = generate_demo(**SMALL)
    for name, frame in small.prices.panels().items():
        pd.testing.assert_frame_equal(frame, again.prices.panels()[name])
    pd.testing.assert_frame_equal(small.info, again.info)
    for (ua, da), (ub, db) in zip(small.universes, again.universes, strict=True):
        assert ua == ub
        pd.testing.assert_frame_equal(da, db)
    other = generate_demo(**{**SMALL, "seed": 4})
    assert not other.prices.close.equals(small.prices.close)
    assert other.info["ticker"].tolist() != small.info["ticker"].tolist()


def test_demo002_shapes_dtypes_and_labels(small: DemoMarket) -> None:
    px = small.prices
    idx = px.dates
    assert idx.name == "date" and idx.is_unique and idx.is_monotonic_increasing
    assert idx.tz is None and idx[-1] == pd.Timestamp(2026, 10, 30)
    assert (idx.day_of_week < 5).all()
    assert 5 * 250 < len(idx) < 5 * 262
    assert list(px.close.columns) == sorted(px.close.columns)
    assert len(px.close.columns) == 300 + len(BENCHMARKS)
    for name in FIELDS:
        frame = getattr(px, name)
        assert frame.shape == px.close.shape
        assert frame.index.equals(idx) and frame.columns.equals(px.close.columns)
        want = np.float64 if name == "volume" else np.float32
        assert (frame.dtypes == want).all(), name
    info = small.info
    assert list(info.columns) == list(INFO_COLUMNS)
    assert list(info.columns[:4]) == list(TICKER_INFO_COLUMNS)
    assert info["ticker"].tolist() == list(px.close.columns)
    assert set(info["kind"]) == {"stock", "benchmark"}
    stocks = info[info["kind"] == "stock"]
    assert stocks["name"].str.fullmatch(r"Simulated Co \d{4}").all()
    assert stocks["ticker"].str.fullmatch(r"[A-Z]{3,4}").all()
    assert not set(stocks["ticker"]) & FAMOUS_TICKERS
    assert not stocks["ticker"].str.startswith(("XL", "SIM")).any()
    assert set(stocks["sector"]) <= set(SECTORS)
    assert set(stocks["style"]) == {"value", "growth", "blend"}
    assert set(stocks["size_bucket"]) <= {"mega", "large", "mid", "small", "micro"}
    bench = info[info["kind"] == "benchmark"]
    assert set(bench["ticker"]) == set(BENCHMARKS)
    assert bench["name"].str.startswith("Simulated").all()
    role_tickers = {t for cands in ROLES.values() for t in cands}
    assert set(BENCHMARKS) - {"SIM:MID"} <= role_tickers
    for uinfo, spans in small.universes:
        assert uinfo.point_in_time and uinfo.source == "simulated"
        assert uinfo.label.startswith("Simulated") and "Simulated data" in uinfo.note
        assert list(spans.columns) == list(INTERVAL_COLUMNS)
    names = {u.name for u, _ in small.universes}
    assert {"sim-large", "sim-small", "sim-all"} <= names
    assert {f"sim-sector-{etf}" for etf in SECTORS.values()} <= names
    labels = {u.name: u.label for u, _ in small.universes}
    assert labels["sim-large"] == "Simulated large caps (100)"


def assert_bars_valid(m: DemoMarket) -> None:
    """OHLC invariants on every bar; stock fields share one NaN pattern; volume > 0."""
    o, h, lo, c, v = (getattr(m.prices, f).to_numpy() for f in FIELDS)
    bar = np.isfinite(c)
    stock_cols = (m.info["kind"] == "stock").to_numpy()
    for x in (o, h, lo, v):
        assert np.array_equal(np.isfinite(x[:, stock_cols]), bar[:, stock_cols])
    ob, hb, lb, cb = (x[bar] for x in (o, h, lo, c))
    assert (lb > 0).all()
    assert (lb <= np.minimum(ob, cb)).all()
    assert (np.maximum(ob, cb) <= hb).all()
    sbar = bar & stock_cols
    assert (lo[sbar] < h[sbar]).mean() > 0.99  # real ranges, not flat bars
    assert (v[sbar] > 0).all()


def test_demo003_ohlc_invariants(small: DemoMarket) -> None:
    assert_bars_valid(small)
    px = small.prices
    o, h, lo, c, v = (getattr(px, f).to_numpy() for f in FIELDS)
    bench = (small.info["kind"] == "benchmark").to_numpy()
    assert np.array_equal(o[:, bench], c[:, bench]) and np.array_equal(h[:, bench], c[:, bench])
    assert np.array_equal(lo[:, bench], c[:, bench]) and np.isnan(v[:, bench]).all()
    assert np.isfinite(c[:, bench]).all()
    np.testing.assert_allclose(c[0, bench], 100.0)


def test_demo004_listings_and_delistings(small: DemoMarket) -> None:
    close = stock_close(small)
    info = small.info.set_index("ticker").loc[close.columns]
    start, last = close.index[0], close.index[-1]
    late = info["listed"] > start
    gone = info["delisted"].notna()
    assert 8 <= late.sum() <= 45  # ~7.5% of 300
    assert 8 <= gone.sum() <= 60
    assert "acquired" in set(info["delist_reason"])
    assert (info.loc[gone, "delisted"] < last).all()
    assert (info.loc[~gone, "delist_reason"] == "").all()
    first = close.apply(pd.Series.first_valid_index)
    final = close.apply(pd.Series.last_valid_index)
    assert (first == info["listed"]).all()
    assert (final[gone] == info.loc[gone, "delisted"]).all()
    assert (final[~gone] == last).all()
    # an acquired stock's last month is quiet (deal spread after the premium jump)
    rets = close.pct_change(fill_method=None)
    acq = info.index[info["delist_reason"] == "acquired"]
    quiet = [rets[t].loc[: info.at[t, "delisted"]].iloc[-10:].abs().max() for t in acq]
    assert np.median(quiet) < 0.02


def test_demo005_trading_halts(small: DemoMarket) -> None:
    close = stock_close(small).to_numpy()
    gaps = []
    for j in range(close.shape[1]):
        rows = np.flatnonzero(np.isfinite(close[:, j]))
        steps = np.diff(rows)
        gaps.extend((steps[steps > 1] - 1).tolist())
    assert len(gaps) >= 3  # max(3, n // 100) halts
    assert set(gaps) <= {1, 2, 3}


def test_demo006_membership_intervals(small: DemoMarket) -> None:
    info = small.info.set_index("ticker")
    dates = small.prices.dates
    stocks = info.index[info["kind"] == "stock"]
    for uinfo, spans in small.universes:
        assert spans["ticker"].isin(stocks).all(), uinfo.name
        end = spans["end_date"].fillna(dates[-1])
        assert (spans["start_date"] <= end).all(), uinfo.name
        assert spans["start_date"].isin(dates).all() and end.isin(dates).all()
        life = info.loc[spans["ticker"]]
        assert (spans["start_date"].to_numpy() >= life["listed"].to_numpy()).all()
        gone = life["delisted"].notna().to_numpy()
        assert spans["end_date"][gone].notna().all(), uinfo.name
        assert (end.to_numpy()[gone] <= life["delisted"].to_numpy()[gone]).all()
        # intervals of one ticker do not overlap (merged over consecutive periods)
        s = spans.sort_values(["ticker", "start_date"])
        same = s["ticker"].eq(s["ticker"].shift())
        assert (s["start_date"][same] > end.loc[s.index].shift()[same]).all()
    cols = pd.Index(stocks)
    large = member_panel(universe(small, "sim-large"), dates, cols)
    small_caps = member_panel(universe(small, "sim-small"), dates, cols)
    assert not (large & small_caps).any().any()
    n_large = large.sum(axis=1)
    first_june = dates[(dates.month == 7) & (dates.year == dates[0].year + 1)][0]
    assert n_large.max() == 100
    assert n_large[n_large.index >= first_june].min() >= 90
    alive = stock_close(small).notna()
    allm = member_panel(universe(small, "sim-all"), dates, cols)
    assert not (alive & ~allm).any().any()  # every bar belongs to a listed life
    for etf in SECTORS.values():
        sect = member_panel(universe(small, f"sim-sector-{etf}"), dates, cols)
        assert not (sect & ~large).any().any()
    # Russell calendar: ranked on the last session of May, effective after June's 4th Friday;
    # every large member then outranks every small member, and membership changes that day
    caps = stock_close(small).ffill(limit=5) * info.loc[cols, "shares"]
    for year in range(dates[0].year + 1, dates[-1].year + 1):
        fridays = pd.date_range(f"{year}-06-01", f"{year}-06-30", freq="W-FRI")
        eff = dates[dates > fridays[3]][0]
        before = dates[dates < eff][-1]
        cap = caps.loc[dates[dates < pd.Timestamp(year, 6, 1)][-1]]
        assert cap[large.loc[eff]].min() > cap[small_caps.loc[eff]].max()
        assert (large.loc[eff] != large.loc[before]).sum() > 2


def _check_index(m: DemoMarket, ticker: str, universe_name: str, cap_weight: bool) -> int:
    """Compare the benchmark's daily returns with a naive member-by-member computation."""
    close = stock_close(m).astype(np.float64)
    dates = m.prices.dates
    member = member_panel(universe(m, universe_name), dates, close.columns)
    shares = m.info.set_index("ticker").loc[close.columns, "shares"]
    level = m.prices.close[ticker].astype(np.float64)
    rng = np.random.default_rng(0)
    june = np.flatnonzero((dates.month == 7) & (dates.day <= 3))[:1]
    picks = np.unique(np.r_[1, june, rng.integers(1, len(dates), 8)])
    for t in picks:
        r = close.iloc[t] / close.iloc[t - 1] - 1.0
        ok = member.iloc[t] & r.notna()
        w = (close.iloc[t - 1] * shares)[ok] if cap_weight else pd.Series(1.0, r.index[ok])
        want = float((w * r[ok]).sum() / w.sum())
        got = level.iloc[t] / level.iloc[t - 1] - 1.0
        assert got == pytest.approx(want, abs=2e-6), (ticker, dates[t])
    return len(picks)


def test_demo007_equal_weight_matches_member_mean(small: DemoMarket) -> None:
    assert _check_index(small, "SIM:EQUAL", "sim-large", cap_weight=False) >= 5


def test_demo008_cap_weighted_indexes_use_previous_caps(small: DemoMarket) -> None:
    _check_index(small, "SIM:LARGE", "sim-large", cap_weight=True)
    _check_index(small, "SIM:SMALL", "sim-small", cap_weight=True)
    _check_index(small, "SIM:TOTAL", "sim-all", cap_weight=True)
    _check_index(small, "SIM:XLK", "sim-sector-XLK", cap_weight=True)


def test_demo009_regimes_cover_history(small: DemoMarket) -> None:
    reg = small.regimes
    assert reg["start_idx"].iloc[0] == 0
    assert reg["end_idx"].iloc[-1] == len(small.prices.dates) - 1
    assert (reg["start_idx"].iloc[1:].to_numpy() == reg["end_idx"].iloc[:-1].to_numpy() + 1).all()
    assert {"crash", "recovery", "narrow"} <= set(reg["regime"])


def test_demo010_bad_arguments() -> None:
    with pytest.raises(ValueError, match="n_tickers"):
        generate_demo(n_tickers=5)


def test_demo011_full_default_market() -> None:
    """The default market: size, listings/delistings, breadth swings, narrow rallies."""
    m = generate_demo()
    assert_bars_valid(m)
    close = stock_close(m)
    assert close.shape[1] == 3000 and close.shape[0] >= 12 * 252
    assert m.prices.dates[-1] == pd.Timestamp(date(2026, 10, 30))
    stocks = m.info[m.info["kind"] == "stock"]
    n_late = int((stocks["listed"] > m.prices.dates[0]).sum())
    n_gone = int(stocks["delisted"].notna().sum())
    assert 150 <= n_late <= 300 and 150 <= n_gone <= 300  # ~5–10% of 3,000
    reasons = stocks["delist_reason"].value_counts()
    assert reasons["acquired"] >= 60 and reasons["bankrupt"] >= 60
    # a bankrupt stock ends far below its high since listing, with a final collapse
    for row in stocks[stocks["delist_reason"] == "bankrupt"].head(20).itertuples():
        life = close[row.ticker].dropna()
        assert life.iloc[-1] <= 0.04 * life.max() * 1.001
        assert life.iloc[-1] / life.iloc[-2] < 0.7
    pct = pct_above_sma(close)
    assert pct.min() < 15.0 and pct.max() > 85.0, (pct.min(), pct.max())
    # a narrow rally: cap-weighted large caps beat the equal-weighted ones
    px = m.prices.close
    narrow = m.regimes[m.regimes["regime"] == "narrow"]
    spread = [
        px.at[r.end, "SIM:LARGE"] / px.at[r.start, "SIM:LARGE"]
        - px.at[r.end, "SIM:EQUAL"] / px.at[r.start, "SIM:EQUAL"]
        for r in narrow.itertuples()
    ]
    assert max(spread) > 0.05
    n_large = member_panel(universe(m, "sim-large"), m.prices.dates, close.columns).sum(axis=1)
    assert n_large.max() == 1000 and n_large.iloc[300:].min() >= 950
