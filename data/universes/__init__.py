"""Universes: which tickers count, on which dates. The public API the CLI and service call.

A universe is a ``UniverseInfo`` plus membership *intervals* (``ticker, start_date,
end_date``, inclusive, NaT end = still a member; see ``data.universes.intervals``). Names resolve,
in order: universes stored in the store (custom files and updated downloads), built-ins
(S&P 500 / NASDAQ-100 / Dow 30 from index-constitution, point in time and offline; Russell
and S&P 400/600 and sector universes from ETF holdings once fetched), then ``all``: every
stock in the store (funds, indexes and benchmark series left out by
``data.tickers.ticker_kind``, on stores whose tickers carry no kind too).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import pandas as pd

from data.errors import BreadthError, InputError
from data.model import UniverseInfo
from data.store import Store
from data.tickers import stock_tickers as classify_stocks
from data.universes.builtins import (
    BUILTINS,
    Builtin,
    Fetch,
    fetch_url,
    index_constitution_intervals,
    parse_fja_csv,
    parse_ishares_csv,
    parse_ssga_holdings,
)
from data.universes.files import read_universe_file
from data.universes.intervals import (
    RENAMES,
    apply_renames,
    membership_panel,
    normalize_intervals,
    normalize_ticker,
)

__all__ = [
    "ALL",
    "ALL_LABEL",
    "ALL_NOTE",
    "BUILTINS",
    "RENAMES",
    "add_universe_file",
    "apply_renames",
    "available_universes",
    "describe_universes",
    "fund_tickers",
    "get_universe",
    "known_names",
    "membership_panel",
    "normalize_ticker",
    "stock_tickers",
    "universe_members",
    "update_universe",
]

ALL = "all"
ALL_LABEL = "All stocks in the store"
ALL_NOTE = (
    "every stock the store holds, each from its first to its last bar; funds (ETFs), indexes "
    "and benchmark series are left out (data.tickers.ticker_kind); names the source never "
    "had (most delisted stocks on Yahoo) are missing, so history is survivorship-biased"
)
NAME_RE = re.compile(r"^[a-z0-9_-]{1,40}$")
SURVIVORSHIP_NOTE = (
    "Current holdings applied to all history: survivorship bias (names that left the index "
    "before the holdings date are missing, today's members count in the past)."
)


def _stored(store: Store) -> dict[str, UniverseInfo]:
    return {info.name: info for info in store.list_universes()}


def known_names(store: Store) -> list[str]:
    """Every name ``get_universe`` resolves: stored, built-in, and ``all``."""
    return sorted({*_stored(store), *BUILTINS, ALL})


def _builtin_info(builtin: Builtin) -> UniverseInfo:
    if builtin.point_in_time:
        return UniverseInfo(
            builtin.name,
            builtin.label,
            point_in_time=True,
            source=builtin.source,
            note="point in time; upstream gaps exist (e.g. 497 S&P 500 members on 2015-06-30)"
            if builtin.name == "sp500"
            else "point in time",
        )
    return UniverseInfo(
        builtin.name,
        builtin.label,
        point_in_time=False,
        source=builtin.source,
        note=SURVIVORSHIP_NOTE,
        extra={"etf": builtin.code},
    )


def fund_tickers(store: Store) -> frozenset[str]:
    """ETFs whose holdings the project parses (built-in holdings universes and the ETF of
    every stored holdings universe): funds, wherever they appear as tickers."""
    codes = {b.code for b in BUILTINS.values() if not b.point_in_time}
    codes |= {str(u.extra["etf"]) for u in store.list_universes() if u.extra.get("etf")}
    return frozenset(codes)


def stock_tickers(store: Store, tickers: Iterable[str] | None = None) -> list[str]:
    """The stored tickers (or ``tickers``) that are stocks: funds, indexes and benchmark
    series left out by ``data.tickers.ticker_kind`` with the store's recorded kinds."""
    info = store.read_ticker_info()
    names = [str(t) for t in (info["ticker"] if tickers is None else tickers)]
    return classify_stocks(names, info, fund_tickers(store))


def _all_universe(store: Store) -> tuple[UniverseInfo, pd.DataFrame]:
    close = store.read_prices(fields=("close",)).close
    close = close[stock_tickers(store, [str(t) for t in close.columns])]
    valid = close.notna()
    has_bar = valid.any(axis=0).to_numpy()
    index = pd.DatetimeIndex(close.index)
    first = index[valid.to_numpy().argmax(axis=0)[has_bar]]
    last = index[len(index) - 1 - valid.to_numpy()[::-1].argmax(axis=0)[has_bar]]
    tickers = [str(t) for t in close.columns[has_bar]]
    intervals = pd.DataFrame({"ticker": tickers, "start_date": first, "end_date": last})
    info = UniverseInfo(ALL, ALL_LABEL, point_in_time=False, source="store", note=ALL_NOTE)
    return info, normalize_intervals(intervals)


def universe_members(store: Store, name: str, since: date | None = None) -> list[str]:
    """Sorted tickers that are members of ``name`` at any time since ``since`` (all time when
    None), resolved like ``get_universe`` (stored, built-in point in time, or ``all``)."""
    _, intervals = get_universe(store, name)
    if since is not None:
        end = intervals["end_date"]
        intervals = intervals[end.isna() | (end >= pd.Timestamp(since))]
    return sorted({str(t) for t in intervals["ticker"]})


def available_universes(store: Store) -> list[UniverseInfo]:
    """What a user can pick: stored universes, then the built-in point-in-time ones (not on
    the simulated demo, where real index members have no prices)."""
    infos = list(store.list_universes())
    if store.manifest().get("simulated", False):
        return infos
    have = {i.name.lower() for i in infos}
    infos += [
        _builtin_info(b) for n, b in sorted(BUILTINS.items()) if b.point_in_time and n not in have
    ]
    return infos


def get_universe(store: Store, name: str) -> tuple[UniverseInfo, pd.DataFrame]:
    """Resolve ``name`` -> (info, intervals): stored first, then built-ins, then ``all``.

    Raises InputError for an unknown name (listing the known ones) and for a holdings-based
    built-in that has not been fetched yet (saying which command fetches it).
    """
    key = name.strip().lower()
    stored = {n.lower(): n for n in _stored(store)}  # stored names match case-insensitively
    if key in stored:
        info, intervals = store.read_universe(stored[key])
        return info, intervals
    builtin = BUILTINS.get(key)
    if builtin is not None:
        if builtin.point_in_time:
            return _builtin_info(builtin), index_constitution_intervals(builtin.code)
        raise InputError(
            f"universe {key!r} comes from {builtin.code} holdings, not fetched yet: run "
            f"`python cli.py universe update {key}` (needs internet)"
        )
    if key == ALL:
        return _all_universe(store)
    raise InputError(f"unknown universe {name!r}; known: {', '.join(known_names(store))}")


def update_universe(store: Store, name: str, *, fetch: Fetch = fetch_url) -> str:
    """Download a built-in universe's public file, parse it, store it; a one-line summary.

    ``sp500`` fetches the fja05680/sp500 interval history (point in time); Russell and
    S&P 400/600 fetch iShares holdings CSVs, sectors SSGA xlsx files (current holdings:
    survivorship bias). Offline, ``fetch`` raises SourceError; nothing is stored.
    """
    key = name.strip().lower()
    builtin = BUILTINS.get(key)
    if builtin is None or not builtin.url:
        updatable = sorted(n for n, b in BUILTINS.items() if b.url)
        raise InputError(
            f"no public file to update {name!r} from; updatable: {', '.join(updatable)}"
        )
    content = fetch(builtin.url)
    if builtin.kind == "index":
        intervals = apply_renames(parse_fja_csv(content))
        info = UniverseInfo(
            key,
            builtin.label,
            point_in_time=True,
            source="fja05680/sp500 sp500_ticker_start_end.csv (MIT)",
            note="point in time; old tickers renamed to their successors (FB -> META ...)",
        )
    else:
        if builtin.kind == "ishares":
            intervals, as_of = parse_ishares_csv(content, etf=builtin.code)
        else:
            intervals, as_of = parse_ssga_holdings(content, etf=builtin.code, sector=builtin.sector)
        issuer = "iShares" if builtin.kind == "ishares" else "SSGA"
        info = UniverseInfo(
            key,
            builtin.label,
            point_in_time=False,
            source=f"{issuer} {builtin.code} holdings{f' as of {as_of}' if as_of else ''}",
            note=SURVIVORSHIP_NOTE,
            extra={"etf": builtin.code, "as_of": as_of},
        )
    intervals = normalize_intervals(intervals)
    version = store.write_universe(info, intervals)
    return (
        f"{key}: {_members_now(intervals)} members now, {len(intervals)} intervals "
        f"from {info.source}; stored as version {version}"
    )


def add_universe_file(store: Store, name: str, path: Path | str) -> str:
    """Store a custom universe from a ticker list or a ``ticker,start_date,end_date`` table."""
    key = name.strip()
    if not NAME_RE.match(key):
        raise InputError(f"universe name {name!r}: use 1-40 characters of a-z, 0-9, '_' and '-'")
    if key in BUILTINS or key == ALL:
        raise InputError(f"universe name {key!r} is built in; choose another name")
    path = Path(path)
    intervals, point_in_time = read_universe_file(path)
    kind = "membership table" if point_in_time else "ticker list"
    info = UniverseInfo(
        key,
        key,
        point_in_time=point_in_time,
        source=f"{kind} {path.name}",
        note="" if point_in_time else "ticker list applied to all history: survivorship bias",
    )
    version = store.write_universe(info, intervals)
    tickers = intervals["ticker"].nunique()
    return (
        f"universe {key}: {tickers} tickers, {len(intervals)} intervals, "
        f"{_members_now(intervals)} members now, from {kind} {path.name} (version {version})"
    )


def _members_now(intervals: pd.DataFrame, today: pd.Timestamp | None = None) -> int:
    day = pd.Timestamp.today().normalize() if today is None else today
    live = (intervals["start_date"] <= day) & (
        intervals["end_date"].isna() | (intervals["end_date"] >= day)
    )
    return int(intervals.loc[live, "ticker"].nunique())


def describe_universes(store: Store) -> str:
    """A text table: name, label, members now, point in time or survivorship, source."""
    stored = _stored(store)
    rows: list[tuple[str, str, str, str, str]] = []
    for name in sorted({*stored, *BUILTINS}):
        if name in stored or BUILTINS[name].point_in_time:
            info, intervals = get_universe(store, name)
            members = str(_members_now(intervals))
        else:
            info, members = _builtin_info(BUILTINS[name]), "-"
        history = "point in time" if info.point_in_time else "survivorship bias"
        rows.append((name, info.label, members, history, info.source))
    rows.append((ALL, ALL_LABEL, str(len(_stored_stocks(store))), "-", "store"))
    header = ("name", "label", "now", "history", "source")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(r[:4], widths, strict=False)) + "  " + r[4]
        for r in [header, *rows]
    ]
    return "\n".join(lines)


def _stored_stocks(store: Store) -> list[str]:
    try:
        close = store.read_prices(fields=("close",)).close
    except BreadthError:  # an empty or unreadable store holds no tickers
        return []
    return stock_tickers(store, [str(t) for t in close.columns])
