"""Sectors from Yahoo Finance: ``yfinance.Ticker(t).info["sector"]``, one request per ticker.

One seam: an ``InfoFetch`` (ticker -> the ``info`` dict; ``yfinance.Ticker(t).info`` by
default). yfinance 1.7's ``info`` merges the quoteSummary modules (``assetProfile`` carries
``sector``, ``sectorKey``, ``sectorDisp``, ``industry``; ``quoteType`` carries
``quoteType``) into one flat dict; a fund has no ``sector``, an unknown symbol gives an
empty dict, a failed request raises (curl's ``DNSError`` offline, ``YFRateLimitError``).
Yahoo's names are Morningstar's ("Technology", "Financial Services"): ``data.sectors``
maps them to GICS. Offline, the first ticker's connection error stops the lookup at once
(``SourceUnreachable``): nothing is stored.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from data.errors import SourceUnreachable
from data.sources.yahoo_errors import classify, unreachable_message

InfoFetch = Callable[[str], dict[str, Any]]


def default_info_fetch() -> InfoFetch:
    """``yfinance.Ticker(t).info``, imported on first use (yfinance is slow to import)."""
    import yfinance

    return lambda ticker: dict(yfinance.Ticker(ticker).info or {})


@dataclass
class SectorLookup:
    """What a lookup found: ticker -> Yahoo's sector name, and ticker -> why not."""

    found: dict[str, str] = field(default_factory=dict)
    missing: dict[str, str] = field(default_factory=dict)


def fetch_sectors(tickers: Sequence[str], info: InfoFetch | None = None) -> SectorLookup:
    """Yahoo's sector of each ticker (``info["sector"]``; ``sectorDisp`` when it is absent).

    A ticker without one (a fund, an unknown symbol) or whose request failed goes to
    ``missing`` with the reason. Raises SourceUnreachable when a request cannot connect
    before any request got an answer (offline: the first one).
    """
    fetch = info or default_info_fetch()
    out = SectorLookup()
    answered = False
    for ticker in tickers:
        try:
            got = fetch(ticker)
        except Exception as exc:  # yfinance raises curl, HTTP and its own errors
            kind = classify(exc)
            if kind == "unreachable" and not answered:
                raise SourceUnreachable(unreachable_message(str(exc))) from exc
            out.missing[ticker] = f"{kind}: {str(exc)[:80]}"
            continue
        answered = True
        sector = got.get("sector") or got.get("sectorDisp")
        if isinstance(sector, str) and sector.strip():
            out.found[ticker] = sector.strip()
        else:
            kind = got.get("quoteType", "no quote")
            out.missing[ticker] = f"no sector ({kind})"
    return out
