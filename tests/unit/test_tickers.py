"""data.tickers: one spelling of a ticker everywhere."""

from __future__ import annotations

import pytest

from data.errors import InputError
from data.tickers import normalize_ticker, validate_ticker_list


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
