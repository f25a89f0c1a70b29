"""Sector assignments: which of the 11 GICS sectors each stock belongs to, and from where.

Sources, highest precedence first (``assignments``; docs/INDICATORS.md "Sector breadth"):

1. ``file``: the user's ``ticker,sector`` CSV (``python cli.py universe sectors FILE``),
   stored in the store's sectors file. A new file replaces the previous file's rows.
2. ``holdings``: the sector of stored holdings universes (``universe update``): Select Sector
   SPDR universes first (the fund defines its sector), then the Sector column of iShares
   holdings. Read from the stored universes, never copied.
3. ``yahoo``: yfinance's ``Ticker.info["sector"]`` (``universe sectors --from-yahoo``),
   stored in the sectors file.
4. ``info``: the sector the store's ticker info records (the simulated demo's stocks).

Every name is normalised to the GICS spelling (``normalize_sector``: Yahoo's "Technology"
is "Information Technology", ...). A stock without a sector is "Unassigned" in the
computation, never dropped.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from data.benchmarks import SECTORS
from data.errors import InputError
from data.sources.yahoo_info import InfoFetch, fetch_sectors
from data.store import Store
from data.store.write import SECTOR_COLUMNS
from data.tickers import normalize_ticker

GICS_SECTORS: tuple[str, ...] = tuple(sorted(SECTORS))
"""The 11 GICS sectors, alphabetical (the order of the heatmap's rows and of exports)."""
UNASSIGNED = "Unassigned"
"""The group of stocks no source gives a sector."""
SOURCES: tuple[str, ...] = ("file", "holdings", "yahoo", "info")
"""Sources of an assignment, highest precedence first."""
MAX_FILE_BYTES = 20_000_000
"""A sector CSV above this is refused without being read (20 MB ≈ 500,000 rows)."""

ALIASES: dict[str, str] = {
    # Yahoo Finance (Morningstar-style) names
    "technology": "Information Technology",
    "financial services": "Financials",
    "consumer cyclical": "Consumer Discretionary",
    "consumer defensive": "Consumer Staples",
    "healthcare": "Health Care",
    "basic materials": "Materials",
    # iShares and older GICS names, other common spellings
    "communication": "Communication Services",
    "communications": "Communication Services",
    "telecommunication services": "Communication Services",
    "telecommunications": "Communication Services",
    "telecom": "Communication Services",
    "info tech": "Information Technology",
    "it": "Information Technology",
    "financial": "Financials",
    "materials": "Materials",
    "real estate": "Real Estate",
    "utility": "Utilities",
}
"""Other names of the GICS sectors (lower case) -> the GICS name."""
_BY_LOWER = {s.lower(): s for s in GICS_SECTORS} | ALIASES
NOT_A_SECTOR = frozenset({"", "-", "--", "n/a", "na", "none", "unknown", "other", "cash"})
"""Labels holdings files use for rows without a sector: treated as no assignment."""


def normalize_sector(raw: object) -> str | None:
    """The GICS name of ``raw`` (case and spacing ignored, aliases mapped), None when it is
    not a sector (empty, "Unknown", "Other", "Cash and/or Derivatives", an unknown name)."""
    if raw is None or (isinstance(raw, float) and pd.isna(raw)):
        return None
    text = " ".join(str(raw).replace("&", "and").split()).lower()
    if text in NOT_A_SECTOR or text.startswith("cash"):
        return None
    return _BY_LOWER.get(text)


def parse_sector_csv(content: bytes, what: str) -> pd.DataFrame:
    """A user's ``ticker,sector`` CSV -> ``ticker, sector`` (one row per ticker, GICS names).

    Header row required (case-insensitive ``ticker`` and ``sector``; other columns ignored);
    tickers normalised like everywhere (``data.tickers``: ``BRK.B`` -> ``BRK-B``). Raises
    InputError (one line naming the file and the row) for: not text, no rows, a missing
    column, an empty or unknown sector, an invalid ticker, a ticker given two sectors.
    """
    if b"\x00" in content[:65536]:
        raise InputError(f"{what}: not a text CSV file (binary content)")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{what}: not UTF-8 text (byte {exc.start})") from None
    rows = list(csv.reader(io.StringIO(text)))
    rows = [r for r in rows if any(c.strip() for c in r)]
    if not rows:
        raise InputError(f"{what}: empty file; expected a header ticker,sector and rows")
    header = [c.strip().lower() for c in rows[0]]
    missing = [c for c in ("ticker", "sector") if c not in header]
    if missing:
        raise InputError(
            f"{what}: no {' and no '.join(repr(c) for c in missing)} column in the header "
            f"{','.join(rows[0])[:80]!r}; expected ticker,sector"
        )
    if len(rows) == 1:
        raise InputError(f"{what}: a header but no rows")
    i_t, i_s = header.index("ticker"), header.index("sector")
    seen: dict[str, tuple[str, int]] = {}
    for line, row in enumerate(rows[1:], start=2):
        raw_t = row[i_t].strip() if i_t < len(row) else ""
        raw_s = row[i_s].strip() if i_s < len(row) else ""
        try:
            ticker = normalize_ticker(raw_t)
        except InputError as exc:
            raise InputError(f"{what}, row {line}: {exc}") from None
        sector = normalize_sector(raw_s)
        if sector is None:
            raise InputError(
                f"{what}, row {line}: {raw_s[:40]!r} is not one of the 11 GICS sectors "
                f"({', '.join(GICS_SECTORS)}) or a known alias"
            )
        if ticker in seen and seen[ticker][0] != sector:
            first_sector, first_line = seen[ticker]
            raise InputError(
                f"{what}, row {line}: {ticker} is {sector} here but {first_sector} in row "
                f"{first_line}; give each ticker one sector"
            )
        seen.setdefault(ticker, (sector, line))
    return pd.DataFrame(
        {"ticker": list(seen), "sector": [s for s, _ in seen.values()]}
    ).sort_values("ticker", ignore_index=True)


def read_sector_file(path: Path, max_bytes: int = MAX_FILE_BYTES) -> pd.DataFrame:
    """``parse_sector_csv`` of a file, refused by size before reading when too large."""
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise InputError(f"{path}: is a folder, not a CSV file")
        if size > max_bytes:
            raise InputError(f"{path}: {size:,} bytes, above the {max_bytes:,}-byte limit")
        content = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
    return parse_sector_csv(content, str(path))


def _stored(store: Store, source: str) -> pd.DataFrame:
    frame = store.read_sectors()
    return frame[frame["source"] == source][["ticker", "sector"]]


def _write(store: Store, layers: dict[str, pd.DataFrame]) -> str:
    """Store the file and yahoo layers (the other sources are read where they live)."""
    parts = [
        frame.assign(source=source)[list(SECTOR_COLUMNS)]
        for source, frame in layers.items()
        if len(frame)
    ]
    both = (
        pd.concat(parts, ignore_index=True)
        if parts
        else pd.DataFrame({c: pd.Series(dtype=object) for c in SECTOR_COLUMNS})
    )
    return store.write_sectors(both)


def set_file_sectors(store: Store, path: Path, max_bytes: int = MAX_FILE_BYTES) -> str:
    """``universe sectors FILE``: validate the whole file, then replace the stored file-source
    assignments with it in one write (nothing changes on any error). A one-line summary."""
    frame = read_sector_file(Path(path), max_bytes)
    if store.is_empty():
        raise InputError("the store is empty: load prices before adding sectors")
    before = len(_stored(store, "file"))
    version = _write(store, {"file": frame, "yahoo": _stored(store, "yahoo")})
    counts = frame["sector"].value_counts()
    top = ", ".join(f"{s} {n}" for s, n in counts.items())
    replaced = f"; replaced {before} from a previous file" if before else ""
    return (
        f"sectors: {len(frame)} tickers from {Path(path).name} ({top}){replaced}; "
        f"stored as version {version}"
    )


def set_yahoo_sectors(store: Store, found: dict[str, str]) -> str:
    """Merge Yahoo's sectors (ticker -> raw name) into the stored yahoo layer; one write."""
    rows = {t: normalize_sector(s) for t, s in found.items()}
    new = pd.DataFrame(
        {"ticker": [t for t, s in rows.items() if s], "sector": [s for s in rows.values() if s]}
    )
    old = _stored(store, "yahoo")
    merged = pd.concat([old[~old["ticker"].isin(new["ticker"])], new], ignore_index=True)
    version = _write(store, {"file": _stored(store, "file"), "yahoo": merged})
    return f"stored {len(new)} Yahoo sectors (version {version})"


def _holdings(store: Store) -> pd.DataFrame:
    parts = []
    # Select Sector SPDRs first: the fund itself defines its members' sector
    unis = sorted(store.list_universes(), key=lambda u: (not u.name.startswith("sector-"), u.name))
    for uni in unis:
        if uni.point_in_time:
            continue
        _, intervals = store.read_universe(uni.name)
        if "sector" in intervals.columns:
            parts.append(intervals[["ticker", "sector"]])
    if not parts:
        return pd.DataFrame(columns=["ticker", "sector"])
    return pd.concat(parts, ignore_index=True)


def assignments(store: Store) -> pd.DataFrame:
    """Every ticker with a sector: ``ticker, sector, source`` (GICS names), the first source
    of ``SOURCES`` that has one winning; sorted by ticker."""
    info = store.read_ticker_info()
    layers = {
        "file": _stored(store, "file"),
        "holdings": _holdings(store),
        "yahoo": _stored(store, "yahoo"),
        "info": info[["ticker", "sector"]] if "sector" in info.columns else None,
    }
    parts = []
    for source, frame in layers.items():
        if frame is None or not len(frame):
            continue
        sector = frame["sector"].map(normalize_sector)
        keep = sector.notna()
        parts.append(
            pd.DataFrame(
                {
                    "ticker": frame["ticker"].astype(str)[keep].to_numpy(),
                    "sector": sector[keep].to_numpy(),
                    "source": source,
                }
            )
        )
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in SECTOR_COLUMNS})
    out = pd.concat(parts, ignore_index=True).drop_duplicates("ticker", keep="first")
    return out.sort_values("ticker", ignore_index=True)


def describe(store: Store) -> str:
    """A text table: tickers per sector and source (``universe sectors`` with no file)."""
    frame = assignments(store)
    if not len(frame):
        return (
            "no sector assignments stored: add a ticker,sector CSV with `python cli.py "
            "universe sectors FILE`, fetch sector holdings (`universe update sector-xlk` ...) "
            "or look sectors up with `universe sectors --from-yahoo` (needs internet)"
        )
    table = pd.crosstab(frame["sector"], frame["source"])
    table = table[[s for s in SOURCES if s in table.columns]]
    table["total"] = table.sum(axis=1)
    return table.to_string()


def lookup_yahoo(
    store: Store, tickers: Sequence[str] | None = None, info: InfoFetch | None = None
) -> str:
    """``universe sectors --from-yahoo``: Yahoo's sector for each stock (of ``tickers``, else
    every stored stock) that no source assigns yet, stored in one write. A summary line;
    SourceUnreachable (nothing stored) when Yahoo cannot be reached."""
    if store.is_empty():
        raise InputError("the store is empty: load prices before adding sectors")
    from data.universes import stock_tickers

    have = set(assignments(store)["ticker"])
    wanted = [t for t in stock_tickers(store, tickers) if t not in have]
    if not wanted:
        return "every stock already has a sector; nothing to look up"
    got = fetch_sectors(wanted, info)
    unknown = sorted(t for t, s in got.found.items() if normalize_sector(s) is None)
    stored = set_yahoo_sectors(store, got.found) if got.found else "nothing stored"
    missing = len(got.missing) + len(unknown)
    return f"{len(wanted)} stocks looked up on Yahoo Finance: {stored}; {missing} without one"
