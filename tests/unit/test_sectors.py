"""Sector breadth (issue #15 item 3): the computation against a hand-computed table and a
naive per-ticker reference, sector names, the ticker,sector CSV rules, Yahoo's ``info``
shape, the stored assignments and their precedence."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from data import sectors as sec
from data.errors import InputError, SourceUnreachable
from data.model import Prices, UniverseInfo
from data.sources.yahoo_info import fetch_sectors
from data.store import Store
from indicators.breadth import BreadthParams, compute_breadth
from indicators.kernels import ABOVE_TOLERANCE
from indicators.sectors import UNASSIGNED, sector_breadth, weekly, with_percentile

NAN = np.nan


# -- the computation ---------------------------------------------------------------------
def _hand_panel() -> tuple[pd.DataFrame, pd.Series]:
    """A, B Information Technology (B has a gap on d2), C Energy (listed on d2), D
    Financials (last bar d3: delisted), E without a sector."""
    idx = pd.bdate_range("2024-01-01", periods=6, name="date")
    close = pd.DataFrame(
        {
            "A": [1, 2, 3, 4, 5, 6],
            "B": [5, 4, NAN, 3, 6, 2],
            "C": [NAN, NAN, 10, 11, 12, 9],
            "D": [7, 7, 7, 8, NAN, NAN],
            "E": [3, 2, 1, 2, 3, 4],
        },
        index=idx,
        dtype="float64",
    )
    sectors = pd.Series(
        {
            "A": "Information Technology",
            "B": "Information Technology",
            "C": "Energy",
            "D": "Financials",
        }
    )
    return close, sectors


def test_sec001_hand_computed_three_sectors_gaps_listing_delisting() -> None:
    close, sectors = _hand_panel()
    got = sector_breadth(close, sectors, window=3)
    names = ["Energy", "Financials", "Information Technology", UNASSIGNED]
    assert list(got["sector"].iloc[:4]) == names  # GICS order, Unassigned last
    pct = got.pivot(index="date", columns="sector", values="pct_above")[names]
    data = got.pivot(index="date", columns="sector", values="members_with_data")[names]
    # d2: D's 7 is not above its SMA 7 (a tie); B has 2 bars; C 1 bar.  d3: D 8 > 7.33,
    # B 3 < 4 (3rd bar), A 4 > 3.  d4: C 12 > 11, B 6 > 4.33, D gone.  d5: C 9 < 10.67,
    # B 2 < 3.67; E rises from d3 on (2 > 1.67, 3 > 2, 4 > 3).
    expected_pct = [
        [NAN, NAN, NAN, NAN],
        [NAN, NAN, NAN, NAN],
        [NAN, 0.0, 100.0, 0.0],
        [NAN, 100.0, 50.0, 100.0],
        [100.0, NAN, 100.0, 100.0],
        [0.0, NAN, 50.0, 100.0],
    ]
    expected_data = [[0, 1, 2, 1], [0, 1, 2, 1], [1, 1, 1, 1], [1, 1, 2, 1], [1, 0, 2, 1],
                     [1, 0, 2, 1]]  # fmt: skip
    np.testing.assert_array_equal(pct.to_numpy(), np.array(expected_pct))
    np.testing.assert_array_equal(data.to_numpy(), np.array(expected_data))
    # point-in-time membership: A leaves the universe after d3
    member = close.notna() | True
    member.loc[member.index[4:], "A"] = False
    pit = sector_breadth(close, sectors, window=3, member=member)
    it = pit[pit["sector"] == "Information Technology"].set_index("date")
    assert it["pct_above"].iloc[4:].tolist() == [100.0, 0.0]  # B alone: 6 > 4.33, 2 < 3.67
    assert it["members"].tolist() == [2, 2, 2, 2, 1, 1]


def test_sec002_percentile_is_trailing_and_weekly_takes_each_weeks_last_session() -> None:
    close, sectors = _hand_panel()
    got = with_percentile(sector_breadth(close, sectors, window=3), min_history=1)
    un = got[got["sector"] == UNASSIGNED]["percentile"].tolist()
    # values NaN, NaN, 0, 100, 100, 100: 0 among [0] -> 50; 100 among [0, 100] -> 75;
    # 100 among [0, 100, 100] -> (2.5 - 0.5)/3; then (3 - 0.5)/4 with ranks 2,3,4 averaged
    np.testing.assert_allclose(un[2:], [50.0, 75.0, 200 / 3, 62.5])
    assert np.isnan(un[:2]).all()
    # no look-ahead: the same days computed on a truncated history agree
    short = with_percentile(sector_breadth(close.iloc[:4], sectors, window=3), min_history=1)
    pd.testing.assert_frame_equal(short, got.iloc[: len(short)])
    # two weeks (2024-01-01 is a Monday: d0-d4, then d5): each week's last session
    wk = weekly(got)
    assert list(wk.columns) == [pd.Timestamp("2024-01-05"), pd.Timestamp("2024-01-08")]
    assert wk.loc["Energy"].tolist() == [100.0, 0.0]


def _naive(
    close: pd.DataFrame, member: pd.DataFrame | None, sectors: pd.Series, n: int
) -> dict[tuple[str, pd.Timestamp], list[int]]:
    """Loop over tickers: own bars, pandas rolling mean, summed per sector and session."""
    out: dict[tuple[str, pd.Timestamp], list[int]] = {}
    for t in close.columns:
        s = sectors.get(t, UNASSIGNED)
        bars = close[t].dropna()
        if member is not None:
            is_member = member[t].to_numpy(dtype=bool)
        elif len(bars):
            is_member = (close.index >= bars.index[0]) & (close.index <= bars.index[-1])
        else:
            is_member = np.zeros(len(close.index), dtype=bool)
        sma = bars.rolling(n).mean()
        has = close[t].notna().to_numpy() & is_member
        elig = sma.reindex(close.index).notna().to_numpy() & is_member
        above = (bars > sma * (1 + ABOVE_TOLERANCE)).reindex(close.index, fill_value=False)
        flags = np.c_[is_member, has, elig, above.to_numpy(dtype=bool) & elig].astype(int)
        for day, row in zip(close.index, flags, strict=True):
            acc = out.setdefault((s, day), [0, 0, 0, 0])
            for k in range(4):
                acc[k] += int(row[k])
    return out


@st.composite
def sector_panels(draw: st.DrawFn) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series]:
    n_dates, n_tickers = draw(st.integers(1, 40)), draw(st.integers(1, 9))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    close = (rng.integers(1, 8, (n_dates, n_tickers)).cumsum(axis=0) % 9 + 100) / 100.0
    close[rng.random(close.shape) < draw(st.floats(0, 0.5))] = np.nan
    for j in range(n_tickers):  # listings and delistings
        a, b = sorted(rng.integers(0, n_dates + 1, 2))
        close[:a, j] = np.nan
        close[b:, j] = np.nan if draw(st.booleans()) else close[b:, j]
    idx = pd.bdate_range("2022-01-03", periods=n_dates, name="date")
    cols = [f"T{j}" for j in range(n_tickers)]
    names = ["Energy", "Financials", "Utilities", None]
    sectors = pd.Series({c: names[rng.integers(0, 4)] for c in cols}).dropna()
    member = pd.DataFrame(rng.random(close.shape) < 0.7, index=idx, columns=cols)
    return pd.DataFrame(close, index=idx, columns=cols), member, sectors


@settings(max_examples=60, deadline=None)
@given(sector_panels(), st.integers(1, 12), st.booleans())
def test_sec003_fast_path_equals_naive_per_ticker_reference(
    p: tuple[pd.DataFrame, pd.DataFrame, pd.Series], n: int, use_member: bool
) -> None:
    close, member, sectors = p
    mem = member if use_member else None
    got = sector_breadth(close, sectors, n, mem)
    ref = _naive(close, mem, sectors, n)
    for row in got.itertuples(index=False):
        members, with_data, eligible, above = ref[(row.sector, row.date)]
        assert (row.members, row.members_with_data, row.eligible, row.above) == (
            members, with_data, eligible, above,
        )  # fmt: skip
        if eligible:
            assert row.pct_above == pytest.approx(100.0 * above / eligible)
        else:
            assert np.isnan(row.pct_above)
    assert {s for s, _ in ref} == set(got["sector"])  # every sector present, none dropped
    # the sectors add up to the universe's participation
    total = got.groupby("date")[["members_with_data", "eligible", "above"]].sum()
    whole = compute_breadth(close, member=mem, params=BreadthParams(fast=n, slow=n + 1))
    np.testing.assert_array_equal(total["eligible"], whole[f"eligible_{n}dma"])
    np.testing.assert_array_equal(total["above"], whole[f"above_{n}dma"])
    np.testing.assert_array_equal(total["members_with_data"], whole["members_with_data"])


# -- names, files, Yahoo -----------------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "gics"),
    [
        ("Technology", "Information Technology"),
        ("Financial Services", "Financials"),
        ("Consumer Cyclical", "Consumer Discretionary"),
        ("Consumer Defensive", "Consumer Staples"),
        ("Healthcare", "Health Care"),
        ("Basic Materials", "Materials"),
        ("Communication Services", "Communication Services"),
        ("Communication", "Communication Services"),  # iShares
        ("Telecommunication Services", "Communication Services"),
        ("  real   estate ", "Real Estate"),
        ("UTILITIES", "Utilities"),
        ("Energy", "Energy"),
        ("Industrials", "Industrials"),
        ("Unknown", None),
        ("Cash and/or Derivatives", None),
        ("-", None),
        ("Crypto", None),
        (None, None),
        (float("nan"), None),
    ],
)
def test_sec004_sector_names_normalise_to_gics(raw: object, gics: str | None) -> None:
    assert sec.normalize_sector(raw) == gics


def test_sec005_yahoo_and_spdr_names_cover_the_11_sectors() -> None:
    yahoo = ["Technology", "Financial Services", "Consumer Cyclical", "Consumer Defensive",
             "Healthcare", "Basic Materials", "Communication Services", "Energy",
             "Industrials", "Real Estate", "Utilities"]  # fmt: skip
    assert sorted(sec.normalize_sector(n) for n in yahoo) == list(sec.GICS_SECTORS)
    assert len(sec.GICS_SECTORS) == 11


def test_sec006_csv_good_file_normalises_tickers_and_sectors() -> None:
    text = (
        b"Ticker,Sector,name\nbrk.b,Financial Services,x\nAAPL,Technology,y\nBRK-B,Financials,z\n"
    )
    got = sec.parse_sector_csv(text, "s.csv")
    assert got.to_dict("records") == [
        {"ticker": "AAPL", "sector": "Information Technology"},
        {"ticker": "BRK-B", "sector": "Financials"},
    ]


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"", "empty file"),
        (b"ticker,sector\n", "no rows"),
        (b"symbol,sector\nAAPL,Energy\n", "no 'ticker' column"),
        (b"ticker,industry\nAAPL,Energy\n", "no 'sector' column"),
        (b"ticker,sector\nAAPL,Energy\naapl,Utilities\n", "AAPL is Utilities here but Energy"),
        (b"ticker,sector\nAAPL,Crypto\n", "'Crypto' is not one of the 11 GICS sectors"),
        (b"ticker,sector\nAAPL,\n", "row 2"),
        (b"ticker,sector\nBAD TICKER!,Energy\n", "row 2"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "binary"),
        (b"ticker,sector\n\xff\xfe,Energy\n", "not UTF-8"),
    ],
)
def test_sec007_csv_bad_files_give_one_line(content: bytes, says: str) -> None:
    with pytest.raises(InputError) as err:
        sec.parse_sector_csv(content, "s.csv")
    message = str(err.value)
    assert says in message and "\n" not in message and message.startswith("s.csv")


def _aapl_info() -> dict[str, object]:
    """The keys yfinance 1.7's ``Ticker("AAPL").info`` carries around the sector (a real
    dict has ~180 keys; assetProfile's and quoteType's are flattened into it)."""
    return {
        "address1": "One Apple Park Way",
        "city": "Cupertino",
        "industry": "Consumer Electronics",
        "industryKey": "consumer-electronics",
        "industryDisp": "Consumer Electronics",
        "sector": "Technology",
        "sectorKey": "technology",
        "sectorDisp": "Technology",
        "fullTimeEmployees": 150000,
        "maxAge": 86400,
        "quoteType": "EQUITY",
        "symbol": "AAPL",
        "longName": "Apple Inc.",
        "exchange": "NMS",
        "marketCap": 3_500_000_000_000,
    }


def _fake_info(ticker: str) -> dict[str, object]:
    if ticker == "AAPL":
        return _aapl_info()
    if ticker == "JPM":
        return {**_aapl_info(), "symbol": "JPM", "sector": "Financial Services"}
    if ticker == "SPY":  # a fund: quoteType ETF, no assetProfile sector
        return {"quoteType": "ETF", "symbol": "SPY", "longName": "SPDR S&P 500 ETF Trust"}
    return {}  # an unknown symbol: yfinance returns an empty info dict


def test_sec008_yahoo_info_shape_gives_sectors_and_reasons() -> None:
    got = fetch_sectors(["AAPL", "JPM", "SPY", "ZZZZ"], _fake_info)
    assert got.found == {"AAPL": "Technology", "JPM": "Financial Services"}
    assert got.missing == {"SPY": "no sector (ETF)", "ZZZZ": "no sector (no quote)"}


def test_sec009_yahoo_offline_stops_at_the_first_ticker() -> None:
    calls: list[str] = []

    def offline(ticker: str) -> dict[str, object]:
        calls.append(ticker)
        raise OSError(
            "Failed to perform, curl: (6) Could not resolve host: query2.finance.yahoo.com"
        )

    with pytest.raises(SourceUnreachable, match="not reachable"):
        fetch_sectors(["AAPL", "MSFT", "JPM"], offline)
    assert calls == ["AAPL"]


# -- stored assignments ------------------------------------------------------------------
@pytest.fixture
def store(tmp_path) -> Store:  # type: ignore[no-untyped-def]
    idx = pd.bdate_range("2024-01-01", periods=5, name="date")
    close = pd.DataFrame(100.0, index=idx, columns=["AAPL", "JPM", "XOM", "NEW"])
    s = Store(tmp_path / "store")
    s.write_prices(Prices(close=close), source_kind="files", source_label="t")
    return s


def test_sec010_precedence_file_then_holdings_then_yahoo(store: Store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert sec.assignments(store).empty
    holdings = pd.DataFrame(
        {
            "ticker": ["AAPL", "XOM"],
            "start_date": pd.Timestamp("1990-01-01"),
            "end_date": pd.NaT,
            "sector": ["Information Technology", "Energy"],
        }
    )
    store.write_universe(UniverseInfo("sector-x", "x", point_in_time=False), holdings)
    sec.set_yahoo_sectors(store, {"AAPL": "Healthcare", "JPM": "Financial Services"})
    csv = tmp_path / "s.csv"
    csv.write_text("ticker,sector\nXOM,Utilities\n")
    sec.set_file_sectors(store, csv)
    got = sec.assignments(store).set_index("ticker")
    assert got.loc["XOM"].tolist() == ["Utilities", "file"]  # the user's file wins
    assert got.loc["AAPL"].tolist() == ["Information Technology", "holdings"]  # over Yahoo
    assert got.loc["JPM"].tolist() == ["Financials", "yahoo"]
    assert "NEW" not in got.index
    # a later price write keeps the assignments; the yahoo lookup skips assigned stocks
    idx = pd.bdate_range("2024-01-08", periods=2, name="date")
    store.write_prices(Prices(close=pd.DataFrame(101.0, index=idx, columns=["AAPL"])),
                       source_kind="files", source_label="t2")  # fmt: skip
    assert sec.assignments(store).set_index("ticker").loc["XOM", "source"] == "file"
    asked: list[str] = []
    msg = sec.lookup_yahoo(store, info=lambda t: asked.append(t) or {"sector": "Energy"})
    assert asked == ["NEW"] and "1 stocks looked up" in msg
    assert sec.assignments(store).set_index("ticker").loc["NEW", "sector"] == "Energy"
