"""Benchmark series by role, so rotation pairs work on real data and on the demo market.

A role is resolved to the first candidate ticker present in the store. Real tickers come
first; demo series (prefix ``SIM:``) are the simulated market's own constituent-built indexes.
"""

from __future__ import annotations

from collections.abc import Iterable

SECTORS: dict[str, str] = {
    "Communication Services": "XLC",
    "Consumer Discretionary": "XLY",
    "Consumer Staples": "XLP",
    "Energy": "XLE",
    "Financials": "XLF",
    "Health Care": "XLV",
    "Industrials": "XLI",
    "Information Technology": "XLK",
    "Materials": "XLB",
    "Real Estate": "XLRE",
    "Utilities": "XLU",
}
"""GICS sector name -> its Select Sector SPDR ETF."""

DEMO_PREFIX = "SIM:"


def demo_sector_ticker(sector_etf: str) -> str:
    """The demo market's sector index that stands in for a sector ETF, e.g. SIM:XLK."""
    return f"{DEMO_PREFIX}{sector_etf}"


ROLES: dict[str, tuple[str, ...]] = {
    "large": ("SPY", "IVV", "VOO", "^GSPC", "SIM:LARGE"),
    "small": ("IWM", "^RUT", "SIM:SMALL"),
    "mid": ("IJH", "MDY", "SIM:MID"),
    "equal": ("RSP", "SIM:EQUAL"),
    "value": ("IWD", "VTV", "SIM:VALUE"),
    "growth": ("IWF", "VUG", "SIM:GROWTH"),
    "total": ("IWV", "VTI", "ITOT", "SIM:TOTAL"),
    "nasdaq100": ("QQQ", "^NDX", "SIM:GROWTH"),
    **{etf: (etf, demo_sector_ticker(etf)) for etf in SECTORS.values()},
}
"""Role -> candidate tickers, most preferred first."""

PAIRS: dict[str, tuple[str, str, str]] = {
    "small_vs_large": ("small", "large", "Small vs large caps"),
    "value_vs_growth": ("value", "growth", "Value vs growth"),
    "equal_vs_cap": ("equal", "large", "Equal vs cap weight"),
}
"""Pair id -> (numerator role, denominator role, label)."""

REFRESH_BENCHMARKS: tuple[str, ...] = (
    "SPY",
    "RSP",
    "IWB",
    "IWM",
    "IWV",
    "IWD",
    "IWF",
    "IWN",
    "IWO",
    "IJH",
    "IJR",
    "QQQ",
    *SECTORS.values(),
    "^GSPC",
    "^RUT",
    "^NDX",
)
"""Tickers every yahoo refresh includes."""


OTHER_FUNDS: frozenset[str] = frozenset(
    """
    SPLG RSP QQQE QQQM DIA IWB IWV IWN IWO IWR IWS IWP IWC MDY ITOT VB VO VV VTV VUG VTI VOO
    SPYG SPYV IVW IVE MTUM QUAL USMV VLUE SPHB SPLV LRGF VIG VYM VGT VNQ SCHD SCHB SCHX
    SMH SOXX KRE KBE XBI IBB ITB XHB XRT XOP OIH GDX GDXJ XME KWEB ARKK IPO
    TLT IEF SHY HYG LQD TIP AGG BND GLD SLV USO UNG UUP DBC EFA EEM ACWI VEA VWO VXUS IEFA IEMG
    TQQQ SQQQ SPXL SPXS UPRO SSO QLD SH PSQ UVXY VIXY
    """.split()  # noqa: SIM905 (a word list reads better than 100 quoted strings)
)
"""Exchange-traded funds the project knows besides the role and sector ETFs above: style,
size, factor, industry, bond, commodity, currency, international and leveraged funds."""

FUNDS: frozenset[str] = frozenset(
    {t for tickers in ROLES.values() for t in tickers if not t.startswith(("^", DEMO_PREFIX))}
    | {t for t in REFRESH_BENCHMARKS if not t.startswith("^")}
    | OTHER_FUNDS
)
"""Every ticker the project knows to be a fund (ETF): ``data.tickers.ticker_kind`` classifies
these as "etf" on any store, whatever kind (if any) the store recorded."""


def resolve_role(role: str, available: Iterable[str]) -> str | None:
    """The first candidate for ``role`` that is in ``available``, or None."""
    have = set(available)
    for ticker in ROLES.get(role, ()):
        if ticker in have:
            return ticker
    return None
