"""Jobs the CLI runs against the store: load the demo, import files, say what is stored."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pandas as pd

from data.errors import InputError
from data.model import Prices
from data.sources.demo import generate_demo
from data.sources.files import read_import_file
from data.store import Store
from data.store.write import Changes
from data.universes import BUILTINS, get_universe

STALE_SESSIONS = 5
"""A ticker is stale when its last bar is more than this many sessions before the store's last."""


def load_demo(store: Store, *, seed: int, n_tickers: int, years: int) -> str:
    """Write the simulated demo market, replacing everything stored; returns the version."""

    market = generate_demo(seed=seed, n_tickers=n_tickers, years=years)
    return store.write_prices(
        market.prices,
        source_kind="demo",
        source_label=f"simulated market (seed {seed}, {n_tickers} tickers, {years} years)",
        simulated=True,
        replace_all=True,
        drop_universes=True,
        ticker_info=market.info,
        universes=market.universes,
    )


def _combine(parts: Sequence[Prices]) -> Prices:
    """Several files' panels as one; a later file's non-NaN cells win on overlaps."""
    if len(parts) == 1:
        return parts[0]
    close_only = any(p.close_only for p in parts)
    out: dict[str, pd.DataFrame] = {}
    for field in ("close", "open", "high", "low", "volume"):
        frames = [getattr(p, field) for p in parts]
        if field != "close" and (close_only or any(f is None for f in frames)):
            continue
        combined = frames[0]
        for frame in frames[1:]:
            combined = frame.combine_first(combined)
        out[field] = combined.sort_index().sort_index(axis=1)
    return Prices(**out)


def _refuse_overwrite(label: str, changes: Changes) -> None:
    names = changes.changed_tickers
    shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
    a, b = changes.first_changed, changes.last_changed
    raise InputError(
        f"{label}: would change {changes.changed_bars} stored bar(s) of {len(names)} ticker(s) "
        f"({shown}) from {a:%Y-%m-%d} to {b:%Y-%m-%d}; nothing was imported. Pass --overwrite "
        "to change them, or --replace to replace the whole store"
    )


def import_files(
    store: Store,
    paths: Sequence[Path],
    *,
    replace: bool,
    overwrite: bool = False,
    date_format: str | None = None,
    date_bounds: tuple[date, date] | None = None,
    max_bytes: int | None = None,
) -> str:
    """Validate every file, then store them all in one write; returns a one-paragraph summary.

    ``date_bounds`` and ``max_bytes`` are the import limits (data.sources.files; the CLI
    passes the configured ones).

    New tickers and sessions are added; a stored bar whose value a file changes is refused
    (InputError, store untouched) unless ``overwrite``. ``replace`` replaces the whole store.
    A store holding the simulated demo is replaced rather than mixed with real data. A file's
    ``kind`` column is stored as ticker info.
    """

    if not paths:
        raise InputError("no files to import")
    # all must validate before any write
    files = [
        read_import_file(
            Path(p), date_format=date_format, date_bounds=date_bounds, max_bytes=max_bytes
        )
        for p in paths
    ]
    prices = _combine([f.prices for f in files])
    infos = [f.info for f in files if f.info is not None]
    info = pd.concat(infos).drop_duplicates("ticker", keep="last") if infos else None
    was_demo = bool(store.manifest().get("simulated"))
    replace_all = replace or was_demo
    label = ", ".join(Path(p).name for p in paths)
    seen: list[Changes] = []

    def check(changes: Changes) -> None:
        seen.append(changes)
        if changes.changed_bars and not (overwrite or replace_all):
            _refuse_overwrite(label, changes)

    version = store.write_prices(
        prices,
        source_kind="files",
        source_label=label,
        replace_all=replace_all,
        drop_universes=was_demo,  # the demo's universes go with its prices
        universes=store.real_universes() if was_demo else (),
        ticker_info=info,
        on_changes=check,
    )
    d = prices.dates
    kind = "close only" if prices.close_only else "OHLC"
    how = (
        "replaced the simulated demo data"
        if was_demo
        else ("replaced the store" if replace else "merged into the store")
    )
    done = seen[-1] if seen else Changes()
    return (
        f"Imported {len(paths)} file(s) ({label}): {len(prices.tickers)} tickers, {len(d)} "
        f"sessions {d[0]:%Y-%m-%d}..{d[-1]:%Y-%m-%d}, {kind}; {how}: "
        f"{len(done.new_tickers)} new ticker(s), {done.new_sessions} new session(s), "
        f"{done.changed_bars} bar(s) changed. "
        f"The store now holds {store.manifest().get('n_tickers', 0)} tickers, version {version}."
    )


def _universe_lines(store: Store, last: pd.Timestamp, has_bar: pd.Series) -> list[str]:

    lines = []
    names = [info.name for info in store.list_universes()]
    if not store.manifest().get("simulated", False):  # built-ins mean nothing on the demo
        names += sorted(n for n, b in BUILTINS.items() if b.point_in_time and n not in names)
    for name in names:
        info, iv = get_universe(store, name)
        live = (iv["start_date"] <= last) & (iv["end_date"].isna() | (iv["end_date"] >= last))
        members = pd.Index(iv.loc[live, "ticker"].astype(str).unique())
        with_bar = int(has_bar.reindex(members, fill_value=False).sum())
        pct = 100.0 * with_bar / len(members) if len(members) else 0.0
        pit = "point in time" if info.point_in_time else "current constituents (survivorship bias)"
        lines.append(
            f"  {info.name}: {len(members)} members on {last:%Y-%m-%d}, {with_bar} with a bar "
            f"({pct:.1f}% coverage), {pit}"
        )
    return lines


def status_report(store: Store) -> str:
    """A few lines saying what the store holds (source, dates, tickers, universes, staleness)."""
    m = store.manifest()
    if not m:
        return f"The store at {store.root} is empty: run `cli.py demo` or `cli.py import`."
    src = m["source"]
    lines = [
        f"store: {store.root}",
        f"source: {src['kind']} ({src['label']})"
        + (" — SIMULATED DATA" if m.get("simulated") else ""),
        f"version: {m['version']} (written {m['written_at']})",
        f"sessions: {m['first_date']} .. {m['last_date']}",
        f"tickers: {m['n_tickers']}",
        "fields: "
        + (
            "close only (52-week highs are closing highs)"
            if m["close_only"]
            else ", ".join(m["fields"])
        ),
    ]
    last = pd.Timestamp(m["last_date"])
    recent = store.read_prices(fields=("close",), start=(last - pd.Timedelta(days=30)).date())
    close = recent.close
    sessions = close.index
    has_bar = close.loc[last].notna() if last in sessions else pd.Series(False, index=close.columns)
    unis = _universe_lines(store, last, has_bar)
    lines += ["universes:", *unis] if unis else ["universes: none stored"]
    last_dates = store.last_dates()
    cutoff = sessions[max(0, len(sessions) - 1 - STALE_SESSIONS)] if len(sessions) else last
    stale = last_dates[last_dates < cutoff].sort_values()
    if len(stale):
        names = ", ".join(f"{t} ({d:%Y-%m-%d})" for t, d in stale.iloc[-5:].items())
        lines.append(
            f"stale tickers (last bar more than {STALE_SESSIONS} sessions before {last:%Y-%m-%d}):"
            f" {len(stale)}, e.g. {names}"
        )
    else:
        lines.append("stale tickers: none")
    refresh = m.get("refresh") or {}
    if refresh:
        lines.append("last refresh: " + "; ".join(f"{k}: {v}" for k, v in sorted(refresh.items())))
    else:
        lines.append("last refresh: none recorded")
    return "\n".join(lines)
