"""What a refresh will fetch per ticker, and what it reports: plan, progress, summary.

Pure types and functions used by data/refresh/__init__.py (the run) and the UI's background refresh.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Literal

import pandas as pd

from data.sources.yahoo import FetchProgress

DEFAULT_HISTORY_START = date(2000, 1, 1)
RELATIVE_TOLERANCE = 1e-4
Action = Literal["new", "full", "incremental", "up_to_date"]


@dataclass(frozen=True)
class TickerPlan:
    """What to fetch for one ticker; ``start`` is the first session date asked for."""

    ticker: str
    action: Action
    start: date | None
    last_stored: date | None


def last_session(on_or_before: date) -> date:
    """The last weekday on or before a date (exchange holidays are not modelled)."""
    stamp = pd.Timestamp(on_or_before)
    return on_or_before if stamp.weekday() < 5 else (stamp - pd.offsets.BDay(1)).date()


def plan_refresh(
    last_dates: pd.Series,
    tickers: Iterable[str],
    today: date,
    overlap: int = 5,
    full: bool = False,
    history_start: date = DEFAULT_HISTORY_START,
) -> list[TickerPlan]:
    """A plan per ticker (normalised, deduplicated, in order).

    ``last_dates``: ticker -> last stored session (``Store.last_dates()``); ``today``: the latest
    date whose bar is final (``last_final_date(now)``); ``overlap``: business days re-fetched
    before the last stored session, to detect re-adjusted histories. ``full``: every ticker's
    whole history again (stored ones are then replaced).
    """
    latest = last_session(today)
    plans: list[TickerPlan] = []
    for ticker in dict.fromkeys(tickers):
        stamp = last_dates.get(ticker) if len(last_dates) else None
        last = None if stamp is None or pd.isna(stamp) else pd.Timestamp(stamp).date()
        if last is None:
            plans.append(TickerPlan(ticker, "new", history_start, None))
        elif full:
            plans.append(TickerPlan(ticker, "full", history_start, last))
        elif last >= latest:
            plans.append(TickerPlan(ticker, "up_to_date", None, last))
        else:
            start = (pd.Timestamp(last) - pd.offsets.BDay(overlap)).date()
            plans.append(TickerPlan(ticker, "incremental", start, last))
    return plans


@dataclass(frozen=True)
class RefreshProgress:
    """Progress after each download batch; ``eta_s`` in seconds (None before the first)."""

    phase: Literal["download", "refetch"]
    batches_done: int
    batches_total: int
    tickers_failed: int
    eta_s: float | None


@dataclass
class RefreshSummary:
    """What a refresh did. Ticker lists are sorted; ``failed`` maps ticker -> reason."""

    fetched: list[str] = field(default_factory=list)
    up_to_date: list[str] = field(default_factory=list)
    refetched_full: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    batches: int = 0
    cancelled: bool = False
    version: str | None = None
    replaced_simulated: bool = False
    lost_contact: bool = False
    """Yahoo stopped answering during the run; the tickers not tried are in ``failed``."""
    warnings: dict[str, int] = field(default_factory=dict)
    """Library warnings captured during the downloads (first line -> count), at most 10."""

    def add_warnings(self, counts: Mapping[str, int]) -> None:
        """Add captured warning counts (keeps at most 10 distinct messages)."""
        for key, n in counts.items():
            if key in self.warnings or len(self.warnings) < 10:
                self.warnings[key] = self.warnings.get(key, 0) + n

    def warnings_note(self) -> str:
        """One line counting the captured warnings, most frequent first; "" when none."""
        if not self.warnings:
            return ""
        ranked = sorted(self.warnings.items(), key=lambda kv: (-kv[1], kv[0]))
        shown = "; ".join(f"{n}x {text[:90]}" for text, n in ranked[:2])
        more = f"; {len(ranked) - 2} more kinds" if len(ranked) > 2 else ""
        total = sum(self.warnings.values())
        return f"{total} library warnings captured during the download ({shown}{more})"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, for the store manifest."""
        return asdict(self)

    @property
    def exit_code(self) -> int:
        """0 when every ticker is fine, 1 when some failed or the refresh was cancelled."""
        return 1 if self.failed or self.cancelled else 0

    def report(self) -> str:
        """A few lines for the terminal."""
        lines = [
            f"fetched: {len(self.fetched)} tickers with new bars"
            + (
                f" ({len(self.refetched_full)} whole histories re-fetched)"
                if self.refetched_full
                else ""
            ),
            f"up to date: {len(self.up_to_date)}",
            f"failed: {len(self.failed)}",
        ]
        lines += [f"  {t}: {r}" for t, r in sorted(self.failed.items())]
        if self.cancelled:
            lines.append("cancelled: nothing was written")
        elif self.version:
            lines.append(f"store version {self.version}")
        else:
            lines.append("nothing new: the store is unchanged")
        return "\n".join(lines)


class _Progress:
    """Counts batches over both phases and reports RefreshProgress with an ETA."""

    def __init__(
        self,
        total: int,
        report: Callable[[RefreshProgress], None] | None,
        clock: Callable[[], float],
    ) -> None:
        self.total, self.done, self.failed = total, 0, 0
        self.report, self.clock, self.t0 = report, clock, clock()

    def hook(self, phase: Literal["download", "refetch"]) -> Callable[[FetchProgress], None]:
        base_failed = self.failed

        def on_batch(p: FetchProgress) -> None:
            self.done += 1
            self.failed = base_failed + p.tickers_failed
            elapsed = self.clock() - self.t0
            eta = elapsed / self.done * max(self.total - self.done, 0)
            if self.report is not None:
                self.report(RefreshProgress(phase, self.done, self.total, self.failed, eta))

        return on_batch
