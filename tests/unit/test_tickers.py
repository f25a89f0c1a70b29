"""data.tickers: one spelling of a ticker everywhere."""

from __future__ import annotations

import pandas as pd
import pytest

from data.benchmarks import FUNDS, REFRESH_BENCHMARKS, ROLES
from data.errors import InputError
from data.tickers import normalize_ticker, stock_tickers, ticker_kind, validate_ticker_list


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (" aapl ", "AAPL"),
        ("BRK.B", "BRK-B"),
        ("brk/b", "BRK-B"),
        ("BRK B", "BRK-B"),
        ("BRKB", "BRK-B"),
        ("BFB", "BF-B"),
        ("HEIA", "HEI-A"),
        ("BRK-B", "BRK-B"),
        ("^GSPC", "^GSPC"),
        ("^gspc", "^GSPC"),
        ("SIM:XLK", "SIM:XLK"),
        ("sim:large", "SIM:LARGE"),
        ("ES=F", "ES=F"),
        ("VOD.L", "VOD.L"),
        ("RY.TO", "RY.TO"),
        ("NWSA", "NWSA"),
        ("GOOGL", "GOOGL"),
    ],
)
def test_tickers001_normalize(raw: str, expected: str) -> None:
    assert normalize_ticker(raw) == expected
    assert normalize_ticker(expected) == expected  # idempotent


@pytest.mark.parametrize("raw", ["", "   ", "AB$C", "A" * 16, "^", "BRK  B", "É"])
def test_tickers002_invalid_raises_input_error(raw: str) -> None:
    with pytest.raises(InputError):
        normalize_ticker(raw)


def test_tickers003_list_separators_dedup_and_order() -> None:
    text = "aapl, MSFT;brk.b\nBRK-B  ^gspc,,AAPL"
    assert validate_ticker_list(text) == ["AAPL", "MSFT", "BRK-B", "^GSPC"]


def test_tickers004_list_errors_name_entries_and_limits() -> None:
    with pytest.raises(InputError, match=r"'A\$'"):
        validate_ticker_list("AAPL A$ MSFT")
    with pytest.raises(InputError, match="no tickers"):
        validate_ticker_list(" , \n")
    many = " ".join(f"T{i}" for i in range(2001))
    with pytest.raises(InputError, match="at most 2000"):
        validate_ticker_list(many)
    assert len(validate_ticker_list(" ".join(f"T{i}" for i in range(2000)))) == 2000


@pytest.mark.parametrize(
    "ticker,kind,expected",
    [
        ("AAPL", None, "stock"),  # an imported file records no kind
        ("AAPL", float("nan"), "stock"),
        ("AAPL", "", "stock"),
        ("AAPL", "EQUITY", "stock"),  # yfinance quoteType spellings
        ("SPY", None, "etf"),  # the project's fund list
        ("TLT", None, "etf"),
        ("SPY", "stock", "etf"),  # a guessed "stock" does not make SPY a stock
        ("ZZZF", "ETF", "etf"),  # an imported kind column / quoteType names an unknown fund
        ("VFIAX", "MUTUALFUND", "fund"),
        ("ZZZB", "benchmark", "benchmark"),
        ("^GSPC", None, "index"),
        ("SIM:LARGE", None, "benchmark"),  # the demo market's built series
        ("SIM:ABC", "stock", "stock"),
        ("ES=F", "future", "future"),  # a kind we do not know is kept, and is not a stock
    ],
)
def test_tickers005_ticker_kind(ticker: str, kind: object, expected: str) -> None:
    assert ticker_kind(ticker, kind) == expected


def test_tickers006_fund_list_and_holdings_funds() -> None:
    real = {t for c in ROLES.values() for t in c if not t.startswith(("^", "SIM:"))}
    assert real <= FUNDS and {t for t in REFRESH_BENCHMARKS if t[0] != "^"} <= FUNDS
    assert {"XLK", "IWM", "IWV", "IJR", "ARKK", "GLD"} <= FUNDS and "AAPL" not in FUNDS
    assert ticker_kind("ABCD", None, funds={"ABCD"}) == "etf"  # e.g. a holdings universe's ETF
    info = pd.DataFrame(
        {"ticker": ["AAA", "QQQ", "ZZZ", "^RUT"], "kind": [None, None, "etf", None]}
    )
    assert stock_tickers(["ZZZ", "AAA", "QQQ", "^RUT", "BBB"], info) == ["AAA", "BBB"]
    assert stock_tickers(["AAA", "ABCD"], None, funds={"ABCD"}) == ["AAA"]
