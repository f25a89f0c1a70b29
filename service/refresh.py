"""A refresh started from the page: what to fetch for a universe and history length, run it,
and say what happened in one message (no Dash here; components/refresh/callbacks.py runs it
as a Dash background callback).

Flow: resolve the universe's tickers (holdings-based built-ins fetch their holdings file
first), then ``run_refresh`` with the caller's progress and cancel callables; offline, the
source's own first-ticker probe (data/sources/yahoo.py) stops it within seconds with
``SourceUnreachable``. The store changes only when a refresh
lands: a failure, a cancel or nothing new leaves it at its old version.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

import pandas as pd

from data.benchmarks import REFRESH_BENCHMARKS
from data.errors import BreadthError, InputError, SourceError
from data.refresh import run_refresh
from data.refresh.plan import DEFAULT_HISTORY_START, RefreshProgress, RefreshSummary
from data.sources.yahoo import Downloader
from data.sources.yahoo_errors import UNREACHABLE
from data.sources.yahoo_frames import last_final_date
from data.store import Store
from data.universes import BUILTINS, universe_members, update_universe
from data.universes.builtins import Fetch
from settings import Settings

DEFAULT_UNIVERSE = "sp500"
DEFAULT_HISTORY = "5y"
HISTORY_CHOICES: dict[str, int | None] = {"1y": 1, "3y": 3, "5y": 5, "10y": 10, "max": None}
"""History length -> years (None: from DEFAULT_HISTORY_START, 2000-01-01)."""
UI_BUILTINS: tuple[str, ...] = (
    "sp500",
    "nasdaq100",
    "dow30",
    "russell1000",
    "russell2000",
    "russell3000",
    "sp400",
    "sp600",
)
"""Built-ins offered on the page: point-in-time indexes (offline membership) first, then
the ones whose current holdings are fetched from the ETF issuer before the prices."""
SIMULATED_SOURCE = "simulated"
Mode = Literal["open", "token", "off"]


def refresh_mode(settings: Settings, *, local: bool) -> Mode:
    """Who may refresh from the page.

    ``python app.py`` (``local``, loopback only): anyone, or with the token when one is set.
    Hosted (gunicorn): off unless BREADTH_ALLOW_UI_REFRESH is true *and* a
    BREADTH_REFRESH_TOKEN is set, which the user must then type.
    """
    if local:
        return "token" if settings.refresh_token else "open"
    if settings.allow_ui_refresh and settings.refresh_token:
        return "token"
    return "off"


def token_ok(settings: Settings, mode: Mode, typed: str | None) -> bool:
    """Whether a refresh may start (constant-time comparison of the typed token)."""
    if mode == "open":
        return True
    if mode == "off" or not settings.refresh_token:
        return False
    return hmac.compare_digest((typed or "").encode(), settings.refresh_token.encode())


@dataclass(frozen=True)
class UniverseChoice:
    name: str
    label: str
    needs_holdings: bool


def universe_choices(store: Store) -> list[UniverseChoice]:
    """What the page offers: the user's own stored universes, then UI_BUILTINS."""
    out: list[UniverseChoice] = []
    if not store.is_empty():
        for info in store.list_universes():
            if info.source != SIMULATED_SOURCE and info.name not in BUILTINS:
                out.append(UniverseChoice(info.name, f"{info.label} (stored)", False))
    for name in UI_BUILTINS:
        b = BUILTINS[name]
        suffix = "" if b.point_in_time else " — holdings fetched first"
        out.append(UniverseChoice(name, b.label + suffix, not b.point_in_time))
    return out


def history_start(history: str, today: date) -> date:
    """First session asked for: ``today`` minus the chosen years (InputError if unknown)."""
    if history not in HISTORY_CHOICES:
        raise InputError(f"unknown history length {history!r}; choose {', '.join(HISTORY_CHOICES)}")
    years = HISTORY_CHOICES[history]
    if years is None:
        return DEFAULT_HISTORY_START
    return (pd.Timestamp(today) - pd.DateOffset(years=years)).date()


def universe_tickers(
    store: Store, universe: str, start: date, fetch: Fetch | None = None
) -> list[str]:
    """Members at any time since ``start`` plus REFRESH_BENCHMARKS (holdings fetched first
    for a holdings-based built-in not stored yet: SourceError offline)."""
    key = universe.strip().lower()
    builtin = BUILTINS.get(key)
    stored = {u.name.lower() for u in store.list_universes()} if not store.is_empty() else set()
    if builtin is not None and not builtin.point_in_time and key not in stored:
        if store.is_empty():
            raise InputError(f"{builtin.label}: load some prices before fetching its holdings")
        update_universe(store, key, **({"fetch": fetch} if fetch else {}))
    members = universe_members(store, key, since=start)
    return members + [t for t in REFRESH_BENCHMARKS if t not in members]


@dataclass
class Outcome:
    """What the page shows after a refresh: ``kind`` picks the alert colour."""

    kind: Literal["success", "warning", "danger", "info"]
    message: str
    version: str | None = None
    summary: RefreshSummary | None = None
    failed: dict[str, str] = field(default_factory=dict)


def open_store(settings: Settings) -> Store:
    """The store a background refresh job writes (it runs apart from the app's service)."""
    return Store(settings.data_dir)


def run_ui_refresh(
    store: Store,
    settings: Settings,
    universe: str,
    history: str,
    *,
    download: Downloader | None = None,
    progress: Callable[[RefreshProgress], None] | None = None,
    cancel: Callable[[], bool] | None = None,
    now: datetime | None = None,
    fetch_holdings: Fetch | None = None,
) -> Outcome:
    """The page's refresh, never raising for a user-facing problem (see module docstring)."""
    old = store.version if not store.is_empty() else None
    try:
        start = history_start(history, last_final_date(now))
        tickers = universe_tickers(store, universe, start, fetch_holdings)
        summary = run_refresh(
            store,
            tickers,
            download=download,
            batch_size=settings.yahoo_batch_size,
            max_retries=settings.yahoo_max_retries,
            backoff_s=settings.yahoo_backoff,
            history_start=start,
            progress=progress,
            cancel=cancel,
            now=now,
        )
    except SourceError as exc:
        text = str(exc)
        if UNREACHABLE not in text:
            text = f"{text}. {UNREACHABLE}?"
        return Outcome("danger", f"{text}. Nothing changed: the store keeps what it had.")
    except BreadthError as exc:
        return Outcome("danger", f"Refresh not started: {exc}. Nothing changed.")
    return _describe(summary, old, universe)


def _describe(summary: RefreshSummary, old: str | None, universe: str) -> Outcome:
    n_failed = len(summary.failed)
    failed_note = f" {n_failed} tickers failed (e.g. {', '.join(sorted(summary.failed)[:5])})."
    if summary.cancelled:
        return Outcome(
            "info",
            f"Cancelled: nothing was written; the store stays at version {old or '(empty)'}.",
            summary=summary,
            failed=summary.failed,
        )
    if summary.version is None:
        msg = "Nothing new: every ticker is up to date; the store is unchanged."
        return Outcome("info", msg + (failed_note if n_failed else ""), summary=summary)
    replaced = " It replaced the simulated demo market." if summary.replaced_simulated else ""
    msg = (
        f"Loaded {universe}: {len(summary.fetched)} tickers with new bars in "
        f"{summary.batches} batches.{replaced}" + (failed_note if n_failed else "")
    )
    return Outcome(
        "warning" if n_failed else "success",
        msg,
        version=summary.version,
        summary=summary,
        failed=summary.failed,
    )


def progress_values(p: RefreshProgress) -> tuple[int, int, str, str]:
    """(value, max, bar label, text line) for a progress bar."""
    total = max(p.batches_total, 1)
    eta = "estimating…" if p.eta_s is None else _duration(p.eta_s)
    phase = "re-fetching re-adjusted histories" if p.phase == "refetch" else "downloading"
    text = (
        f"{phase}: batch {p.batches_done} of {p.batches_total} · "
        f"{p.tickers_failed} tickers failed so far · about {eta} left"
    )
    return p.batches_done, total, f"{p.batches_done}/{p.batches_total}", text


def _duration(seconds: float) -> str:
    s = max(0, round(seconds))
    return f"{s // 60} min {s % 60:02d} s" if s >= 60 else f"{s} s"
