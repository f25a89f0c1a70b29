"""Built-in universes and the issuer/public file formats they come from.

- S&P 500, NASDAQ-100, Dow 30: point in time, offline, from the PyPI package
  index-constitution (MIT): ``index_constitution.history(index)`` unpickles
  ``_data/history/<index>.pkl`` from the wheel (columns ``symbol, name, opt-in, opt-out``;
  ``opt-out`` is the first day *out*, NaT = still a member).
- S&P 500 update: fja05680/sp500 ``sp500_ticker_start_end.csv`` (MIT), ``ticker,start_date,
  end_date`` where end_date is the day of removal (the successor starts that day).
- Russell 1000/2000/3000, S&P 400/600: iShares holdings CSV (IWB, IWM, IWV, IJH, IJR).
- Sectors: SSGA Select Sector SPDR daily holdings xlsx (XLB ... XLY).
Holdings are *current* constituents: such universes are not point in time.
"""

from __future__ import annotations

import csv
import functools
import io
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from data.benchmarks import SECTORS
from data.errors import InputError, SourceError
from data.universes.intervals import apply_renames, normalize_intervals, normalize_ticker

Fetch = Callable[[str], bytes]


def _ticker_or_none(raw: str) -> str | None:
    """``normalize_ticker`` for rows of a downloaded file: None for an invalid ticker."""
    try:
        return normalize_ticker(raw)
    except InputError:
        return None


HOLDINGS_START = pd.Timestamp("1990-01-01")
"""Start of every holdings-based membership interval (current members applied to history)."""

FJA_URL = "https://raw.githubusercontent.com/fja05680/sp500/master/sp500_ticker_start_end.csv"
ISHARES_URL = (
    "https://www.ishares.com/us/products/{product}/{slug}/1467271812596.ajax"
    "?fileType=csv&fileName={etf}_holdings&dataType=fund"
)
SSGA_URL = (
    "https://www.ssga.com/us/en/intermediary/library-content/products/fund-data/etfs/us/"
    "holdings-daily-us-en-{etf}.xlsx"
)
ISHARES_HEADER = (
    "Ticker,Name,Sector,Asset Class,Market Value,Weight (%),Notional Value,Quantity,Price,"
    "Location,Exchange,Currency,FX Rate,Market Currency,Accrual Date"
)
SSGA_HEADER = ("Name", "Ticker", "Identifier", "SEDOL", "Weight", "Sector", "Shares Held")


@dataclass(frozen=True)
class Builtin:
    """A universe the app knows by name: where its membership comes from."""

    name: str
    label: str
    kind: str  # "index" (index-constitution), "ishares" or "ssga" (holdings files)
    code: str  # index-constitution index name or ETF ticker
    product: str = ""  # iShares product id and URL slug: "239710/ishares-russell-2000-etf"
    sector: str = ""

    @property
    def point_in_time(self) -> bool:
        """Only index histories are point in time; holdings are today's members."""
        return self.kind == "index"

    @property
    def url(self) -> str:
        """The file ``update_universe`` downloads ("" when there is none)."""
        if self.kind == "ishares":
            product, slug = self.product.split("/")
            return ISHARES_URL.format(product=product, slug=slug, etf=self.code)
        if self.kind == "ssga":
            return SSGA_URL.format(etf=self.code.lower())
        return FJA_URL if self.name == "sp500" else ""

    @property
    def source(self) -> str:
        """Provenance shown by ``describe_universes``."""
        if self.kind == "index":
            return f"index-constitution (PyPI, MIT): {self.code} history"
        issuer = "iShares" if self.kind == "ishares" else "SSGA"
        return f"{issuer} {self.code} holdings (not fetched yet: universe update {self.name})"


def _builtins() -> dict[str, Builtin]:
    items = [
        Builtin("sp500", "S&P 500", "index", "sp500"),
        Builtin("nasdaq100", "NASDAQ-100", "index", "nasdaq100"),
        Builtin("dow30", "Dow Jones Industrial Average", "index", "dow30"),
        Builtin(
            "russell1000", "Russell 1000 (IWB)", "ishares", "IWB", "239707/ishares-russell-1000-etf"
        ),
        Builtin(
            "russell2000", "Russell 2000 (IWM)", "ishares", "IWM", "239710/ishares-russell-2000-etf"
        ),
        Builtin(
            "russell3000", "Russell 3000 (IWV)", "ishares", "IWV", "239714/ishares-russell-3000-etf"
        ),
        Builtin(
            "sp400", "S&P MidCap 400 (IJH)", "ishares", "IJH", "239763/ishares-core-sp-midcap-etf"
        ),
        Builtin(
            "sp600",
            "S&P SmallCap 600 (IJR)",
            "ishares",
            "IJR",
            "239774/ishares-core-sp-smallcap-etf",
        ),
    ]
    for sector, etf in SECTORS.items():
        items.append(
            Builtin(f"sector-{etf.lower()}", f"{sector} ({etf})", "ssga", etf, sector=sector)
        )
    return {b.name: b for b in items}


BUILTINS: dict[str, Builtin] = _builtins()


def fetch_url(url: str, timeout: float = 30.0) -> bytes:
    """GET ``url``; any network failure becomes a SourceError that says what to do."""
    request = urllib.request.Request(url, headers={"User-Agent": "Mozilla/5.0 breadth-monitor"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return bytes(response.read())
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise SourceError(
            f"cannot download {url}: {reason}. Updating a universe needs internet access; "
            "the built-in sp500, nasdaq100 and dow30 work offline."
        ) from exc


@functools.lru_cache(maxsize=8)
def _index_constitution(index: str) -> pd.DataFrame:
    import index_constitution

    hist = index_constitution.history(index)
    frame = pd.DataFrame(
        {
            "ticker": hist["symbol"].astype(str).map(_ticker_or_none),
            "start_date": hist["opt-in"],
            "end_date": hist["opt-out"] - pd.Timedelta(days=1),  # inclusive last day
        }
    )
    ok = frame["ticker"].notna() & (
        frame["end_date"].isna() | (frame["end_date"] >= frame["start_date"])
    )
    return normalize_intervals(apply_renames(frame[ok]))


def index_constitution_intervals(index: str) -> pd.DataFrame:
    """Point-in-time intervals of an index-constitution index, renamed to price tickers."""
    return _index_constitution(index).copy()


def parse_fja_csv(content: bytes, *, what: str = "sp500_ticker_start_end.csv") -> pd.DataFrame:
    """fja05680 ``ticker,start_date,end_date`` -> intervals (inclusive end = removal day - 1)."""
    try:
        raw = pd.read_csv(io.BytesIO(content), dtype=str, keep_default_na=False)
        if list(raw.columns[:3]) != ["ticker", "start_date", "end_date"]:
            raise ValueError(f"header is {list(raw.columns)}")
        end = pd.to_datetime(raw["end_date"].replace("", None), format="%Y-%m-%d")
        frame = pd.DataFrame(
            {
                "ticker": raw["ticker"].map(_ticker_or_none),
                "start_date": pd.to_datetime(raw["start_date"], format="%Y-%m-%d"),
                "end_date": end - pd.Timedelta(days=1),
            }
        )
    except (ValueError, pd.errors.ParserError) as exc:
        raise SourceError(
            f"{what}: not in the fja05680 ticker,start_date,end_date format ({exc})"
        ) from exc
    ok = frame["ticker"].notna() & (
        frame["end_date"].isna() | (frame["end_date"] >= frame["start_date"])
    )
    return normalize_intervals(frame[ok])


def _holdings_frame(tickers: list[str], sectors: list[str], start: pd.Timestamp) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "ticker": tickers,
            "start_date": start,
            "end_date": pd.NaT,
            "sector": [s if s and s != "-" else None for s in sectors],
        }
    )
    return normalize_intervals(frame.drop_duplicates("ticker"))


def parse_ishares_csv(
    content: bytes, *, etf: str = "iShares", start: pd.Timestamp = HOLDINGS_START
) -> tuple[pd.DataFrame, str]:
    """iShares holdings CSV -> (open-ended intervals with sector, "as of" text).

    The file has a preamble (fund name, ``Fund Holdings as of,"Nov 21, 2025"``, ...), the
    ``Ticker,Name,Sector,Asset Class,...`` header, the rows, then a disclaimer footer. Only
    ``Asset Class == "Equity"`` rows are kept (no cash, futures or money-market funds).
    """
    text = content.decode("utf-8-sig", errors="replace")
    lines = text.splitlines()
    as_of = ""
    header_at = -1
    for i, line in enumerate(lines):
        cells = next(csv.reader([line]), [])
        if cells and cells[0].strip() == "Fund Holdings as of" and len(cells) > 1:
            as_of = cells[1].strip()
        if line.replace('"', "").startswith("Ticker,Name,Sector,Asset Class"):
            header_at = i
            break
    if header_at < 0:
        raise SourceError(f"{etf} holdings: no '{ISHARES_HEADER[:40]}...' header line found")
    reader = csv.reader(lines[header_at:])
    header = [h.strip() for h in next(reader)]
    col = {name: header.index(name) for name in ("Ticker", "Sector", "Asset Class")}
    tickers: list[str] = []
    sectors: list[str] = []
    for row in reader:
        if len(row) < len(header) or not row[0].strip():
            break  # the footer starts
        if row[col["Asset Class"]].strip() != "Equity" or row[0].strip() in ("-", ""):
            continue
        ticker = _ticker_or_none(row[col["Ticker"]])  # BRKB -> BRK-B
        if ticker is not None:
            tickers.append(ticker)
            sectors.append(row[col["Sector"]].strip())
    if not tickers:
        raise SourceError(f"{etf} holdings: the file lists no equity rows")
    return _holdings_frame(tickers, sectors, start), as_of


def _ssga_rows(content: bytes) -> list[list[str]]:
    if content[:2] == b"PK":  # xlsx is a zip file
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        rows = [
            ["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)
        ]
        book.close()
        return rows
    return list(csv.reader(content.decode("utf-8-sig", errors="replace").splitlines()))


def parse_ssga_holdings(
    content: bytes, *, etf: str = "SSGA", sector: str = "", start: pd.Timestamp = HOLDINGS_START
) -> tuple[pd.DataFrame, str]:
    """SSGA daily holdings (xlsx, or the same table as CSV) -> (intervals, "as of" text).

    A few preamble rows (``Fund Name:``, ``Ticker Symbol:``, ``Holdings:``, ``As of ...``),
    then ``Name,Ticker,Identifier,SEDOL,Weight,Sector,Shares Held,Local Currency``, rows, and
    a disclaimer. Rows without a ticker or a numeric weight (cash, footer) are dropped. Each
    member's sector is ``sector`` when given (a Select Sector SPDR defines its sector), else
    the file's Sector column.
    """
    rows = _ssga_rows(content)
    as_of = next(
        (c.strip()[5:].strip() for r in rows[:10] for c in r if c.strip().startswith("As of")), ""
    )
    header_at = next(
        (i for i, r in enumerate(rows) if tuple(c.strip() for c in r[:7]) == SSGA_HEADER), -1
    )
    if header_at < 0:
        raise SourceError(f"{etf} holdings: no '{','.join(SSGA_HEADER)}' header row found")
    header = [c.strip() for c in rows[header_at]]
    i_ticker, i_weight, i_sector = (header.index(n) for n in ("Ticker", "Weight", "Sector"))
    tickers: list[str] = []
    sectors: list[str] = []
    for row in rows[header_at + 1 :]:
        if len(row) <= max(i_ticker, i_weight, i_sector):
            continue
        raw = row[i_ticker].strip()
        if not raw or raw == "-" or "CASH" in raw.upper() or "_" in raw:
            continue
        try:
            float(row[i_weight])
        except ValueError:
            continue
        ticker = _ticker_or_none(raw)
        if ticker is not None:
            tickers.append(ticker)
            sectors.append(sector or row[i_sector].strip())
    if not tickers:
        raise SourceError(f"{etf} holdings: the file lists no holdings rows")
    return _holdings_frame(tickers, sectors, start), as_of
