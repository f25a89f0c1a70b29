"""Incremental refresh of the store from Yahoo Finance (``python cli.py refresh``).

Per ticker: *new* (not stored: whole history from ``history_start``), *incremental* (from the
last stored session minus ``overlap`` business days) or *up to date*. After the download the
overlap is compared with the store: when an adjusted close differs by more than a relative
1e-4, a dividend or split re-adjusted the history and that ticker's whole history is fetched
again and written with ``replace_tickers``. Everything lands in ONE new store version at the
end; nothing is written when cancelled or when no bar was fetched. Real data replaces a
simulated (demo) store as a whole. Progress is reported as ``RefreshProgress`` values, kept
apart from their display (a tqdm bar in the CLI).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from typing import Any, Protocol

import pandas as pd

from data.benchmarks import REFRESH_BENCHMARKS, SECTORS
from data.errors import InputError
from data.model import TICKER_INFO_COLUMNS, Prices
from data.refresh.plan import (
    DEFAULT_HISTORY_START,
    RELATIVE_TOLERANCE,
    RefreshProgress,
    RefreshSummary,
    TickerPlan,
    _Progress,
    plan_refresh,
)
from data.sources.yahoo import Downloader, batch_count, fetch_bars
from data.sources.yahoo_errors import UNREACHABLE_SINCE
from data.sources.yahoo_frames import concat_prices, last_final_date
from data.store import Store
from data.tickers import DEMO_PREFIX, normalize_ticker, ticker_kind, validate_ticker_list
from data.universes import universe_members

SOURCE_LABEL = "Yahoo Finance (yfinance, adjusted)"


class YahooSettings(Protocol):
    """The download knobs ``run_refresh_cli`` reads (``settings.Settings`` has them; data/
    does not import settings)."""

    @property
    def yahoo_batch_size(self) -> int: ...

    @property
    def yahoo_max_retries(self) -> int: ...

    @property
    def yahoo_backoff(self) -> float: ...


def run_refresh(store: Store, tickers: Iterable[str], **options: Any) -> RefreshSummary:
    """Refresh ``tickers`` holding the store's refresh lock (one refresh at a time: a second
    one fails at once with StoreError); options as ``_run_refresh_unlocked``."""
    lock = getattr(store, "refresh_lock", None)
    if lock is None:
        return _run_refresh_unlocked(store, tickers, **options)
    with lock():
        return _run_refresh_unlocked(store, tickers, **options)


def _run_refresh_unlocked(
    store: Store,
    tickers: Iterable[str],
    *,
    download: Downloader | None = None,
    batch_size: int = 100,
    max_retries: int = 4,
    backoff_s: float = 2.0,
    overlap: int = 5,
    history_start: date = DEFAULT_HISTORY_START,
    full: bool = False,
    progress: Callable[[RefreshProgress], None] | None = None,
    cancel: Callable[[], bool] | None = None,
    now: datetime | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> RefreshSummary:
    """Refresh ``tickers`` in ``store`` (see module docstring); returns what happened.

    Raises ``SourceUnreachable`` (a ``SourceError``) when Yahoo is not reachable at all,
    within the first download attempt; nothing is written then. When the source stops
    answering later in the run, the remaining tickers are failed, not tried, and what was
    fetched is written.
    """
    summary = RefreshSummary()
    names: list[str] = []
    for raw in tickers:
        try:
            name = normalize_ticker(raw)
        except InputError as exc:
            summary.failed[str(raw)] = str(exc)
            continue
        if name.startswith(DEMO_PREFIX):
            continue  # the demo market's own series: nothing to fetch
        names.append(name)
    simulated = bool(store.manifest().get("simulated", False))
    last_dates = pd.Series(dtype="datetime64[ns]") if simulated else store.last_dates()
    plans = plan_refresh(last_dates, names, last_final_date(now), overlap, full, history_start)
    summary.up_to_date = sorted(p.ticker for p in plans if p.action == "up_to_date")
    groups: dict[date, list[str]] = {}
    for p in plans:
        if p.start is not None:
            groups.setdefault(p.start, []).append(p.ticker)
    total = sum(batch_count(len(g), batch_size) for g in groups.values())
    tracker = _Progress(total, progress, clock)
    kw: dict[str, Any] = dict(
        download=download,
        batch_size=batch_size,
        max_retries=max_retries,
        backoff_s=backoff_s,
        sleep=sleep,
        cancel=cancel,
        now=now,
    )
    parts: list[Prices] = []
    for start in sorted(groups):
        if summary.lost_contact:  # the source stopped answering: the rest is not tried
            summary.failed.update({t: f"not tried: {UNREACHABLE_SINCE}" for t in groups[start]})
            continue
        got = fetch_bars(groups[start], start, None, on_batch=tracker.hook("download"), **kw)
        kw["reached"] = got.reached
        summary.failed.update(got.failed)
        summary.add_warnings(got.warnings)
        summary.lost_contact = got.lost_contact
        parts.append(got.prices)
        if got.cancelled:
            summary.cancelled = True
            return summary
    fetched = concat_prices(parts)
    by_ticker = {p.ticker: p for p in plans}
    changed = _readjusted(store, fetched, [p for p in plans if p.action == "incremental"])
    replace = {p.ticker for p in plans if p.action == "full" and p.ticker in fetched.tickers}
    drop: set[str] = set()
    if changed:
        tracker.total += batch_count(len(changed), batch_size)
        again = fetch_bars(changed, history_start, None, on_batch=tracker.hook("refetch"), **kw)
        summary.add_warnings(again.warnings)
        if again.cancelled:
            summary.cancelled = True
            return summary
        for t, reason in again.failed.items():
            summary.failed[t] = f"adjusted history changed; full re-fetch failed: {reason}"
        drop = set(changed)
        fetched = concat_prices(
            [fetched.select([t for t in fetched.tickers if t not in drop]), again.prices]
        )
        replace |= set(again.prices.tickers)
        summary.refetched_full = sorted(again.prices.tickers)
    new_bars = _only_new_bars(fetched, by_ticker, replace)
    summary.batches = tracker.done
    summary.fetched = sorted(new_bars.tickers)
    summary.up_to_date = sorted(
        {*summary.up_to_date, *(t for t in fetched.tickers if t not in new_bars.tickers)}
    )
    if not summary.fetched:
        return summary
    summary.replaced_simulated = simulated
    info = _new_ticker_info(store, summary.fetched, simulated)
    summary.version = store.write_prices(
        new_bars,
        source_kind="yahoo",
        source_label=SOURCE_LABEL,
        simulated=False,
        replace_all=simulated,
        drop_universes=simulated,  # the demo's universes go with its prices
        universes=store.real_universes() if simulated else (),
        replace_tickers=sorted(replace),
        ticker_info=info,
        refresh_summary={**summary.to_dict(), "at": datetime.now().astimezone().isoformat()},
    )
    return summary


def _readjusted(store: Store, fetched: Prices, plans: Sequence[TickerPlan]) -> list[str]:
    """Incremental tickers whose fetched closes in the overlap differ from the stored ones."""
    tickers = [p.ticker for p in plans if p.ticker in fetched.tickers]
    if not tickers:
        return []
    start = min(p.start for p in plans if p.start is not None)
    stored = store.read_prices(tickers, fields=("close",), start=start).close
    new = fetched.close.reindex(columns=stored.columns)
    common = stored.index.intersection(new.index)
    old, got = stored.loc[common].astype("float64"), new.loc[common]
    rel = ((got - old).abs() / old.abs()).where(old.notna() & got.notna())
    worst = rel.max(axis=0).fillna(0.0)
    return sorted(str(t) for t in worst.index[worst > RELATIVE_TOLERANCE])


def _only_new_bars(fetched: Prices, plans: dict[str, TickerPlan], replace: set[str]) -> Prices:
    """Drop overlap bars (dated on or before the last stored session) of incremental tickers."""
    keep = pd.DataFrame(True, index=fetched.close.index, columns=fetched.close.columns)
    for t in fetched.tickers:
        last = plans[t].last_stored
        if t not in replace and last is not None:
            keep[t] = keep.index > pd.Timestamp(last)
    panels = {n: f.where(keep) for n, f in fetched.panels().items()}
    has = panels["close"].notna()
    cols = [str(t) for t in has.columns[has.any(axis=0)]]
    rows = has[cols].any(axis=1)
    return Prices(**{n: f.loc[rows, cols] for n, f in panels.items()})


def _new_ticker_info(store: Store, tickers: Sequence[str], fresh: bool) -> pd.DataFrame | None:
    """Info rows (kind, sector ETFs' sector) for tickers the store has no info for.

    ``fresh``: the store's content is being replaced, so every ticker is new."""
    known = set() if fresh or not store.manifest() else set(store.read_ticker_info()["ticker"])
    sector_of = {etf: name for name, etf in SECTORS.items()}
    rows = [
        {
            "ticker": t,
            "name": "",
            "sector": sector_of.get(t, ""),
            "kind": ticker_kind(t),  # no quoteType is fetched: the project's fund list
        }
        for t in tickers
        if t not in known
    ]
    return pd.DataFrame(rows, columns=list(TICKER_INFO_COLUMNS)) if rows else None


def run_refresh_cli(
    store: Store,
    settings: YahooSettings,
    universes: Sequence[str],
    tickers: Sequence[str],
    *,
    full: bool,
    progress: bool,
    download: Downloader | None = None,
) -> int:
    """``cli.py refresh``: universes' members ∪ ``tickers`` ∪ REFRESH_BENCHMARKS.

    Prints a summary (and, on stderr, one ``note:`` line counting the library warnings that
    were captured during the download); returns 0 (all fine), 1 (some tickers failed).
    Unknown universes and invalid tickers raise ``InputError`` (exit code 2 in the CLI); an
    unreachable Yahoo raises ``SourceUnreachable`` within seconds (exit code 3). The progress
    bar appears after the first batch, i.e. once the source has answered.
    """
    wanted = [t for name in universes for t in universe_members(store, name)]
    if tickers:
        wanted += validate_ticker_list(" ".join(tickers))
    wanted += list(REFRESH_BENCHMARKS)
    bars: list[Any] = []

    def show(p: RefreshProgress) -> None:
        if not bars:
            from tqdm import tqdm

            bars.append(tqdm(total=0, unit="batch", desc="refresh", file=sys.stderr))
        bar = bars[0]
        bar.total = p.batches_total
        bar.set_postfix(failed=p.tickers_failed, refresh=False)
        bar.update(p.batches_done - bar.n)

    try:
        summary = run_refresh(
            store,
            wanted,
            download=download,
            batch_size=settings.yahoo_batch_size,
            max_retries=settings.yahoo_max_retries,
            backoff_s=settings.yahoo_backoff,
            full=full,
            progress=show if progress else None,
        )
    finally:
        for bar in bars:
            bar.close()
    note = summary.warnings_note()
    if note:
        print(f"note: {note}", file=sys.stderr)
    print(summary.report())
    return summary.exit_code
