"""Universes: membership panels, renames, issuer parsers, custom files, name resolution."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from data.errors import InputError, SourceError
from data.model import Prices, UniverseInfo
from data.universes import (
    BUILTINS,
    add_universe_file,
    apply_renames,
    describe_universes,
    get_universe,
    membership_panel,
    stock_tickers,
    update_universe,
)
from data.universes.builtins import (
    FJA_URL,
    parse_fja_csv,
    parse_ishares_csv,
    parse_ssga_holdings,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "universes"
T = pd.Timestamp


class FakeStore:
    """The store's universe, price and ticker-info API, in memory."""

    def __init__(self, close: pd.DataFrame | None = None, info: pd.DataFrame | None = None):
        self.universes: dict[str, tuple[UniverseInfo, pd.DataFrame]] = {}
        self.close = close if close is not None else pd.DataFrame()
        self.info = (
            info if info is not None else pd.DataFrame(columns=["ticker", "name", "sector", "kind"])
        )
        self.version = 0

    def read_universe(self, name: str) -> tuple[UniverseInfo, pd.DataFrame]:
        if name not in self.universes:
            raise InputError(f"unknown universe {name!r}")
        info, intervals = self.universes[name]
        return info, intervals.copy()

    def write_universe(self, info: UniverseInfo, intervals: pd.DataFrame) -> str:
        self.universes[info.name] = (info, intervals.copy())
        self.version += 1
        return f"v{self.version}"

    def list_universes(self) -> list[UniverseInfo]:
        return [info for info, _ in self.universes.values()]

    def read_prices(self, tickers: Any = None, fields: tuple[str, ...] = ("close",)) -> Prices:
        return Prices(close=self.close)

    def read_ticker_info(self) -> pd.DataFrame:
        return self.info


def intervals(rows: list[tuple[str, str, str | None]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "ticker": [r[0] for r in rows],
            "start_date": pd.to_datetime([r[1] for r in rows]),
            "end_date": pd.to_datetime([r[2] for r in rows]),
        }
    )


def naive_panel(iv: pd.DataFrame, dates: pd.DatetimeIndex, tickers: list[str]) -> pd.DataFrame:
    """Reference: per ticker, per interval, mark the covered dates (loops allowed here)."""
    out = pd.DataFrame(False, index=dates, columns=pd.Index(tickers, dtype=object))
    for ticker in tickers:
        for row in iv[iv["ticker"] == ticker].itertuples():
            end = T.max if pd.isna(row.end_date) else row.end_date
            out.loc[(dates >= row.start_date) & (dates <= end), ticker] = True
    return out


# --- membership_panel -------------------------------------------------------------------


def test_univ001_panel_hand_computed() -> None:
    dates = pd.DatetimeIndex(["2020-01-02", "2020-01-03", "2020-01-06", "2020-01-07", "2020-01-08"])
    iv = intervals(
        [
            ("AAA", "2020-01-03", "2020-01-06"),  # inside, inclusive both ends
            ("AAA", "2020-01-08", None),  # second interval, open end
            ("BBB", "2019-01-01", "2020-01-02"),  # starts before the range, ends on day 1
            ("CCC", "2020-01-04", "2020-01-05"),  # a weekend: covers no session
            ("DDD", "2021-01-01", None),  # after the range
            ("EEE", "2019-01-01", "2019-12-31"),  # before the range
            ("ZZZ", "2020-01-02", None),  # not a requested ticker
            ("FFF", "2020-01-02", "2020-01-07"),  # overlapping intervals of one ticker
            ("FFF", "2020-01-06", "2020-01-08"),
        ]
    )
    tickers = ["AAA", "BBB", "CCC", "DDD", "EEE", "FFF", "GGG"]
    got = membership_panel(iv, dates, tickers)
    expected = pd.DataFrame(
        {
            "AAA": [0, 1, 1, 0, 1],
            "BBB": [1, 0, 0, 0, 0],
            "CCC": [0, 0, 0, 0, 0],
            "DDD": [0, 0, 0, 0, 0],
            "EEE": [0, 0, 0, 0, 0],
            "FFF": [1, 1, 1, 1, 1],
            "GGG": [0, 0, 0, 0, 0],
        },
        index=dates,
    ).astype(bool)
    pd.testing.assert_frame_equal(got, expected, check_column_type=False)
    assert got.dtypes.eq(bool).all()


def test_univ002_panel_empty_and_invalid_inputs() -> None:
    dates = pd.DatetimeIndex(["2020-01-02", "2020-01-03"])
    empty = membership_panel(intervals([]), dates, ["A"])
    assert empty.shape == (2, 1) and not empty.to_numpy().any()
    assert membership_panel(intervals([("A", "2020-01-01", None)]), dates, []).shape == (2, 0)
    with pytest.raises(ValueError, match="sorted"):
        membership_panel(intervals([]), dates[::-1], ["A"])
    with pytest.raises(ValueError, match="unique"):
        membership_panel(intervals([]), dates, ["A", "A"])


@st.composite
def random_intervals(draw: st.DrawFn) -> tuple[pd.DataFrame, pd.DatetimeIndex, list[str]]:
    n_days = draw(st.integers(1, 40))
    dates = pd.bdate_range("2020-01-01", periods=n_days)
    names = [f"T{i}" for i in range(draw(st.integers(1, 6)))]
    n = draw(st.integers(0, 25))
    base = T("2019-12-20")
    rows = []
    for _ in range(n):
        start = base + pd.Timedelta(days=draw(st.integers(0, 70)))
        length = draw(st.one_of(st.none(), st.integers(0, 40)))
        end = None if length is None else start + pd.Timedelta(days=length)
        rows.append(
            (draw(st.sampled_from([*names, "OTHER"])), str(start.date()), end and str(end.date()))
        )
    return intervals(rows), dates, names


@settings(max_examples=150, deadline=None)
@given(random_intervals())
def test_univ003_panel_matches_naive_reference(case: Any) -> None:
    iv, dates, names = case
    pd.testing.assert_frame_equal(
        membership_panel(iv, dates, names), naive_panel(iv, dates, names), check_column_type=False
    )


def test_univ003b_panel_wide_counts_when_a_ticker_has_many_intervals() -> None:
    """127+ intervals of one ticker cover a cell: the counts leave int8 for int32 (a wrap
    would turn 128 covering intervals into -128, "not a member")."""
    dates = pd.bdate_range("2020-01-01", periods=30)
    rows = [("MANY", "2020-01-01", None)] * 130  # 130 open intervals: count 130 from day 1
    rows += [("MANY", "2019-01-01", "2019-06-30")] * 130  # and 130 before the range
    rows += [("ONE", str(dates[5].date()), str(dates[9].date()))]
    iv = intervals(rows)
    got = membership_panel(iv, dates, ["MANY", "ONE"])
    assert got["MANY"].all() and got["ONE"].sum() == 5
    pd.testing.assert_frame_equal(
        got, naive_panel(iv, dates, ["MANY", "ONE"]), check_column_type=False
    )
    few = membership_panel(intervals(rows[:126] + rows[-1:]), dates, ["MANY", "ONE"])
    assert few["MANY"].all() and few["ONE"].sum() == 5


# --- renames ----------------------------------------------------------------------------


def test_univ004_apply_renames_chains_and_reuse() -> None:
    iv = intervals(
        [
            ("FB", "2013-12-23", "2022-06-08"),
            ("META", "2022-06-09", None),
            ("WLP", "2002-07-25", "2014-12-02"),  # WLP -> ANTM -> ELV
            ("ANTM", "2014-12-03", "2022-06-27"),
            ("FISV", "2001-01-01", "2023-06-06"),  # FISV -> FI -> FISV
            ("FB", "2030-01-01", None),  # a later reuse of the old symbol is left alone
            ("AAPL", "1982-11-30", None),
            ("IR", "2010-11-17", None),  # one symbol, two companies: split at the rename
        ]
    )
    got = apply_renames(iv)
    assert got["ticker"].tolist() == [
        *["META", "META", "ELV", "ELV", "FISV", "FB", "AAPL", "TT", "IR"]
    ]
    assert got["start_date"].iloc[:8].equals(iv["start_date"])
    assert got.iloc[7]["end_date"] == T("2020-03-01") and pd.isna(got.iloc[8]["end_date"])
    assert got.iloc[8]["start_date"] == T("2020-03-02")
    panel = membership_panel(got, pd.DatetimeIndex(["2015-01-02", "2020-01-02"]), ["META", "ELV"])
    assert panel.to_numpy().all()


# --- parsers on recorded issuer/public formats -------------------------------------------


def test_univ005_parse_ishares_csv() -> None:
    iv, as_of = parse_ishares_csv((FIXTURES / "IWM_holdings.csv").read_bytes(), etf="IWM")
    assert as_of == "Nov 21, 2025"
    assert iv["ticker"].tolist() == ["BE", "CRDO", "HEI-A", "IONQ", "MOG-A"]  # equities only
    assert (iv["start_date"] == T("1990-01-01")).all() and iv["end_date"].isna().all()
    assert dict(zip(iv["ticker"], iv["sector"], strict=True))["CRDO"] == "Information Technology"
    with pytest.raises(SourceError, match="header"):
        parse_ishares_csv(b"iShares Russell 2000 ETF\nnot,a,holdings,file\n", etf="IWM")


def test_univ006_parse_ssga_csv_and_xlsx() -> None:
    content = (FIXTURES / "XLK_holdings.csv").read_bytes()
    iv, as_of = parse_ssga_holdings(content, etf="XLK", sector="Information Technology")
    assert as_of == "24-Nov-2025"
    assert iv["ticker"].tolist() == ["AAPL", "BRK-B", "MSFT", "NVDA"]  # no cash, no blanks
    assert set(iv["sector"]) == {"Information Technology"}
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    for row in csv.reader(content.decode("utf-8").splitlines()):
        sheet.append([None if v == "" else v for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    iv_x, as_of_x = parse_ssga_holdings(
        buffer.getvalue(), etf="XLK", sector="Information Technology"
    )
    assert as_of_x == as_of and iv_x["ticker"].tolist() == iv["ticker"].tolist()


def test_univ007_parse_fja_csv_end_is_removal_day() -> None:
    iv = parse_fja_csv((FIXTURES / "sp500_ticker_start_end.csv").read_bytes())
    fb = iv[iv["ticker"] == "FB"].iloc[0]
    assert fb["end_date"] == T("2022-06-08")  # META starts 2022-06-09: no double count
    assert "BRK-B" in set(iv["ticker"]) and iv.loc[iv["ticker"] == "A", "end_date"].isna().all()
    with pytest.raises(SourceError, match="fja05680"):
        parse_fja_csv(b"symbol,from,to\nA,2000-01-01,\n")


# --- update_universe with a fake fetch ---------------------------------------------------


def test_univ008_update_universe_sp500_and_holdings() -> None:
    store = FakeStore()
    urls: list[str] = []

    def fetch(url: str) -> bytes:
        urls.append(url)
        name = {"fja05680": "sp500_ticker_start_end.csv", "IWM": "IWM_holdings.csv"}
        key = next((k for k in name if k in url), "")
        return (FIXTURES / (name[key] if key else "XLK_holdings.csv")).read_bytes()

    summary = update_universe(store, "sp500", fetch=fetch)
    assert urls[-1] == FJA_URL and summary.startswith("sp500: ")
    info, iv = get_universe(store, "sp500")  # the stored download shadows the built-in
    assert info.point_in_time and "fja05680" in info.source
    assert "FB" not in set(iv["ticker"]) and "ELV" in set(iv["ticker"])
    update_universe(store, "russell2000", fetch=fetch)
    info, iv = get_universe(store, "russell2000")
    assert not info.point_in_time and info.survivorship_note and "Nov 21, 2025" in info.source
    update_universe(store, "sector-xlk", fetch=fetch)
    assert urls[-1].endswith("holdings-daily-us-en-xlk.xlsx")
    with pytest.raises(InputError, match="updatable"):
        update_universe(store, "dow30", fetch=fetch)


def test_univ009_update_universe_offline_stores_nothing() -> None:
    store = FakeStore()

    def offline(url: str) -> bytes:
        raise SourceError(f"cannot download {url}: no network")

    with pytest.raises(SourceError, match="cannot download"):
        update_universe(store, "russell1000", fetch=offline)
    assert store.universes == {}


# --- custom files -------------------------------------------------------------------------


def test_univ010_add_ticker_list_and_tables(tmp_path: Path) -> None:
    store = FakeStore()
    path = tmp_path / "mine.txt"
    path.write_text("# my watch list\naapl\nBRK.B  # share class\n\nmsft\naapl\n")
    summary = add_universe_file(store, "watch", path)
    assert summary.startswith("universe watch: 3 tickers")
    info, iv = get_universe(store, "watch")
    assert not info.point_in_time and iv["ticker"].tolist() == ["AAPL", "BRK-B", "MSFT"]

    table = tmp_path / "pit.csv"
    table.write_text(
        "ticker,start_date,end_date\nAAA,2020-01-01,2020-06-30\nAAA,2021-01-01,\nBBB,2019-05-01,\n"
    )
    add_universe_file(store, "pit", table)
    info, iv = get_universe(store, "pit")
    assert info.point_in_time and len(iv) == 3 and iv["end_date"].isna().sum() == 2

    pq = tmp_path / "pit.parquet"
    pd.read_csv(table, parse_dates=["start_date", "end_date"]).to_parquet(pq)
    add_universe_file(store, "pit_pq", pq)
    pd.testing.assert_frame_equal(get_universe(store, "pit_pq")[1], iv)


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("Bad Name", "AAPL\n", "use 1-40 characters"),
        ("x" * 41, "AAPL\n", "use 1-40 characters"),
        ("sp500", "AAPL\n", "is built in"),
        ("all", "AAPL\n", "is built in"),
        ("ok", "# only a comment\n\n", "no tickers"),
        ("ok", "AAPL\nnot a ticker!\n", r"u\.csv, line 2: ticker 'not a ticker!' is not valid"),
        ("ok", "ticker,end_date\nAAA,2020-01-01\n", "missing column.*start_date"),
        ("ok", "ticker,start_date,end_date\nAAA,2020-01-01,\nBBB,2020-13-01,\n",
         r"u\.csv, line 3, column start_date: '2020-13-01' is not a date"),
        ("ok", "ticker,start_date,end_date\nAAA,2020-01-01,2019-01-01\n",
         r"line 2, column end_date: 2019-01-01 is before start_date 2020-01-01"),
        ("ok", "ticker,start_date,end_date\n# note\n,2020-01-01,\n",
         r"u\.csv, line 3, column ticker: empty ticker"),
        ("ok", "ticker,start_date,end_date\nAAA,,\n", "column start_date: empty"),
        ("ok", "ticker,start_date,end_date\n", "no rows"),
    ],
)  # fmt: skip
def test_univ011_add_universe_file_bad_inputs(
    tmp_path: Path, name: str, text: str, message: str
) -> None:
    path = tmp_path / "u.csv"
    path.write_text(text)
    store = FakeStore()
    with pytest.raises(InputError, match=message):
        add_universe_file(store, name, path)
    assert store.universes == {}
    with pytest.raises(InputError, match="no such file"):
        add_universe_file(store, "ok", tmp_path / "missing.csv")


# --- resolution, description, sectors ----------------------------------------------------


def test_univ012_get_universe_resolution_order() -> None:
    dates = pd.bdate_range("2024-01-01", periods=5)
    close = pd.DataFrame(
        {"AAA": [1.0, 2, 3, np.nan, np.nan], "BBB": [np.nan, 1, 1, 1, 1], "CCC": np.nan},
        index=dates,
    )
    store = FakeStore(close=close)
    info, iv = get_universe(store, "all")
    assert info.label == "All stocks in the store" and iv["ticker"].tolist() == ["AAA", "BBB"]
    assert iv["start_date"].tolist() == [dates[0], dates[1]]
    assert iv["end_date"].tolist() == [dates[2], dates[4]]
    info, iv = get_universe(store, "Dow30")
    assert (
        info.point_in_time
        and 25 <= membership_panel(iv, dates, sorted(set(iv["ticker"]))).sum(axis=1).iloc[0] <= 31
    )
    with pytest.raises(InputError, match=r"unknown universe 'nope'; known: .*dow30.*sp500"):
        get_universe(store, "nope")
    with pytest.raises(InputError, match="universe update russell2000"):
        get_universe(store, "russell2000")


def test_univ013_index_constitution_sp500_2015_06_30() -> None:
    _, iv = get_universe(FakeStore(), "sp500")
    day = pd.DatetimeIndex(["2015-06-30"])
    count = int(membership_panel(iv, day, sorted(set(iv["ticker"]))).sum(axis=1).iloc[0])
    assert 480 <= count <= 510
    assert count == 497  # upstream gap: the real index had 502 lines (500 companies)


def test_univ014_describe_and_sectors(tmp_path: Path) -> None:
    info = pd.DataFrame(
        {"ticker": ["AAPL", "SPY"], "name": ["Apple", "SPDR"], "sector": ["Tech (info)", None],
         "kind": ["stock", "etf"]}
    )  # fmt: skip
    store = FakeStore(
        close=pd.DataFrame({"AAPL": [1.0]}, index=pd.DatetimeIndex(["2024-01-02"])), info=info
    )
    update_universe(
        store, "sector-xlk", fetch=lambda url: (FIXTURES / "XLK_holdings.csv").read_bytes()
    )
    text = describe_universes(store)
    lines = text.splitlines()
    assert lines[0].split()[:4] == ["name", "label", "now", "history"]
    assert any(ln.startswith("sector-xlk") and "survivorship" in ln and " 4 " in ln for ln in lines)
    assert any(ln.startswith("russell2000") and " - " in ln for ln in lines)
    assert any(ln.startswith("sp500") and "point in time" in ln for ln in lines)
    assert set(BUILTINS) <= {ln.split()[0] for ln in lines[1:]}
    # a Select Sector SPDR's members carry the fund's sector (data.sectors reads it)
    _, held = get_universe(store, "sector-xlk")
    assert set(held["sector"]) == {"Information Technology"} and "NVDA" in set(held["ticker"])


def test_univ_case001_stored_names_resolve_in_any_case(tmp_path: Path) -> None:
    """The demo stores 'sim-sector-XLB'; it resolves as written and in lower case."""
    from data.jobs import load_demo
    from data.store import Store
    from data.universes import get_universe

    store = Store(tmp_path / "s")
    load_demo(store, seed=2, n_tickers=120, years=2)
    for name in ("sim-sector-XLB", "sim-sector-xlb", "SIM-LARGE"):
        info, iv = get_universe(store, name)
        assert len(iv) > 0 and info.name.lower() == name.lower()


def test_univ_avail001_builtins_offered_on_real_data_not_on_demo(tmp_path: Path) -> None:
    """A store of real prices offers sp500/nasdaq100/dow30; the simulated demo does not."""
    from data.jobs import load_demo
    from data.model import Prices
    from data.store import Store
    from data.universes import available_universes

    demo = Store(tmp_path / "demo")
    load_demo(demo, seed=2, n_tickers=120, years=2)
    names = [u.name for u in available_universes(demo)]
    assert "sim-large" in names and "sp500" not in names
    real = Store(tmp_path / "real")
    idx = pd.bdate_range("2024-01-01", periods=3, name="date")
    real.write_prices(
        Prices(close=pd.DataFrame({"AAPL": [1.0, 2.0, 3.0]}, index=idx, dtype="float32")),
        source_kind="files",
        source_label="t",
    )
    infos = {u.name: u for u in available_universes(real)}
    assert {"sp500", "nasdaq100", "dow30"} <= set(infos)
    assert all(infos[n].point_in_time for n in ("sp500", "nasdaq100", "dow30"))


def test_univ030_all_is_stocks_on_a_store_without_kinds() -> None:
    """Imported tickers carry no kind: funds are known from the project's fund list (SPY),
    indexes by their caret (^GSPC), and the ETF of a stored holdings universe (ZZZE) is a
    fund too; a recorded kind (QQQQ: etf) is honoured. Only AAA and BBB are stocks."""
    dates = pd.bdate_range("2024-01-01", periods=4)
    close = pd.DataFrame(
        {
            "AAA": [1.0, 2, 3, np.nan],
            "BBB": [np.nan, 1, 1, 1],
            "QQQQ": [5.0, 5, 5, 5],
            "SPY": [400.0, 401, 402, 403],
            "ZZZE": [10.0, 10, 11, 11],
            "^GSPC": [4000.0, 4010, 4020, 4030],
        },
        index=dates,
    )
    info = pd.DataFrame(
        {
            "ticker": list(close.columns),
            "name": "",
            "sector": "",
            "kind": [None, None, "etf", None, None, None],
        }
    )
    store = FakeStore(close=close, info=info)
    holdings = UniverseInfo("zzz", "ZZZ holdings", point_in_time=False, extra={"etf": "ZZZE"})
    store.write_universe(holdings, intervals([("AAA", "1990-01-01", None)]))
    uni, iv = get_universe(store, "all")
    assert iv["ticker"].tolist() == ["AAA", "BBB"]
    assert iv["start_date"].tolist() == [dates[0], dates[1]]
    assert iv["end_date"].tolist() == [dates[2], dates[3]]
    assert uni.label == "All stocks in the store" and "funds (ETFs)" in uni.note
    assert stock_tickers(store) == ["AAA", "BBB"]
    from service.breadth import (
        stock_tickers as service_stocks,  # the service's "all" reads the same
    )

    assert service_stocks(store) == ["AAA", "BBB"]  # type: ignore[arg-type]
    last = describe_universes(store).splitlines()[-1].split()
    assert last == ["all", "All", "stocks", "in", "the", "store", "2", "-", "store"]


def test_univ031_all_on_an_imported_store_with_and_without_kind(tmp_path: Path) -> None:
    """Through the real import and store: a file's ``kind`` column names an unknown fund
    (ZZZF, etf), and SPY stays a fund though the file says stock (the fund list wins); a
    file without the column still loses SPY and ^GSPC."""
    from data.jobs import import_files
    from data.store import Store
    from service.breadth import BreadthQuery, BreadthService

    rows = [("AAA", "stock", 10.0), ("ZZZF", "etf", 20.0), ("SPY", "stock", 400.0)]
    with_kind = tmp_path / "kinds.csv"
    with_kind.write_text(
        "date,ticker,close,kind\n"
        + "".join(f"2024-01-0{d},{t},{c + d},{k}\n" for d in (2, 3, 4) for t, k, c in rows)
    )
    store = Store(tmp_path / "a")
    import_files(store, [with_kind], replace=False)
    assert get_universe(store, "all")[1]["ticker"].tolist() == ["AAA"]
    plain = tmp_path / "plain.csv"
    plain.write_text(
        "date,ticker,close\n"
        + "".join(f"2024-01-0{d},{t},{c + d}\n" for d in (2, 3, 4)
                  for t, c in (("BBB", 5.0), ("SPY", 400.0), ("^GSPC", 4000.0)))
    )  # fmt: skip
    other = Store(tmp_path / "b")
    import_files(other, [plain], replace=False)
    assert other.read_ticker_info()["kind"].isna().all()
    assert get_universe(other, "all")[1]["ticker"].tolist() == ["BBB"]
    frame = BreadthService(other).breadth(BreadthQuery(universe="all", intraday=False))
    assert frame["members"].tolist() == [1, 1, 1]
