"""Daily bars from Yahoo Finance through yfinance, batched, retried, normalised.

One seam: a ``Downloader`` (``yfinance.download`` by default) called as
``download(tickers, start=, end=, interval="1d", auto_adjust=True, group_by="ticker",
threads=, progress=False)``. Everything else is pure and tested offline with a fake built to
yfinance's real shapes (tests/fakes/yahoo.py).

What yfinance 1.7 does on failure, and how it is handled here:

- ``download()`` does not raise for a failed ticker (not even for a rate limit): it catches the
  error, logs ``['T1', 'T2']: <reason>`` on the ``yfinance`` logger and returns all-NaN columns
  (including an ``Adj Close`` column) for it. We detect failures per ticker from the frame
  (missing column, or no row with a close) and read the reasons from those log records.
- Reasons are classified: rate limit and connection/timeout errors (and failures without a
  reason) are retried, only for the tickers that failed, with bounded exponential backoff plus
  jitter; "possibly delisted / no price data found" is final. An exception out of
  ``download()`` itself is retried the same way and, after the last retry, marks the whole
  batch failed. ``SourceError`` is raised only when nothing at all was fetched and every
  failure was a connection error: Yahoo is not reachable from this machine.
"""

from __future__ import annotations

import logging
import math
import random
import re
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

import pandas as pd

from data.errors import InputError, SourceError
from data.model import Prices
from data.sources.yahoo_frames import (
    concat_prices,
    empty_prices,
    normalize_download,
)
from data.tickers import DEMO_PREFIX, normalize_ticker

Downloader = Callable[..., pd.DataFrame]
FailureKind = Literal["rate_limit", "network", "missing", "invalid", "unknown"]

"""New York wall-clock time after which the day's bar is treated as final (close + 15 min)."""
MAX_BACKOFF_S = 60.0
JITTER = 0.25
UNREACHABLE = "Yahoo Finance is not reachable from this machine"
_RATE = re.compile(r"YFRateLimitError|Too Many Requests|Rate limited", re.I)
_NETWORK = re.compile(
    r"DNSError|ConnectionError|Timeout|timed out|curl: \(|Failed to perform|"
    r"Could not resolve host|Connection (?:refused|reset|aborted)|SSLError|ProxyError",
    re.I,
)
_PRECEDENCE: tuple[FailureKind, ...] = ("rate_limit", "network", "missing")
_MISSING = re.compile(r"possibly delisted|no price data found|no timezone found|delisted", re.I)
_SUMMARY_LINE = re.compile(r"^\[(?P<syms>[^\]]*)\]: (?P<reason>.*)$", re.S)
_TICKER_LINE = re.compile(r"^Failed to get ticker '(?P<sym>[^']+)' reason: (?P<reason>.*)$", re.S)


def default_downloader() -> Downloader:
    """``yfinance.download``, imported on first use (yfinance is slow to import)."""
    import yfinance

    return yfinance.download


@dataclass(frozen=True)
class FetchProgress:
    """State after one batch of ``fetch_bars`` (counts of batches and tickers)."""

    batches_done: int
    batches_total: int
    tickers_done: int
    tickers_failed: int


@dataclass
class FetchResult:
    """Bars fetched (wide, adjusted) and the tickers that failed, with reasons."""

    prices: Prices
    failed: dict[str, str] = field(default_factory=dict)
    failure_kinds: dict[str, FailureKind] = field(default_factory=dict)
    attempts: int = 0
    cancelled: bool = False


def classify(reason: str | BaseException) -> FailureKind:
    """The kind of a failure, from an exception or a yfinance log message."""
    if isinstance(reason, BaseException):
        if type(reason).__name__ == "YFRateLimitError":
            return "rate_limit"
        if isinstance(reason, OSError):  # requests, curl_cffi and socket errors all are
            return "network"
        reason = f"{type(reason).__name__}({reason})"
    if _RATE.search(reason):
        return "rate_limit"
    if _NETWORK.search(reason):
        return "network"
    return "missing" if _MISSING.search(reason) else "unknown"


def backoff_delay(attempt: int, backoff_s: float, rng: random.Random) -> float:
    """Seconds to wait before retry ``attempt`` (1-based): ``backoff_s * 2**(attempt-1)``,
    times a jitter factor in [1, 1.25), capped at ``MAX_BACKOFF_S`` (60 s)."""
    base = backoff_s * 2 ** (attempt - 1) * (1.0 + JITTER * rng.random())
    return float(min(MAX_BACKOFF_S, base))


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _yfinance_errors() -> Iterator[list[str]]:
    """The ERROR messages yfinance logs while the block runs."""
    handler = _Capture()
    logger = logging.getLogger("yfinance")
    logger.addHandler(handler)
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)


def parse_yfinance_errors(messages: Sequence[str]) -> dict[str, list[str]]:
    """Ticker -> its error messages, from ``['A', 'B']: reason`` and ``Failed to get ticker``."""
    out: dict[str, list[str]] = {}
    for message in messages:
        summary = _SUMMARY_LINE.match(message.strip())
        if summary:
            for sym in re.findall(r"'([^']+)'", summary["syms"]):
                out.setdefault(sym.upper(), []).append(summary["reason"].strip())
            continue
        single = _TICKER_LINE.match(message.strip())
        if single:
            out.setdefault(single["sym"].upper(), []).append(single["reason"].strip())
    return out


def fetch_bars(
    tickers: Sequence[str],
    start: date | None,
    end: date | None,
    *,
    download: Downloader | None = None,
    batch_size: int = 100,
    max_retries: int = 4,
    backoff_s: float = 2.0,
    sleep: Callable[[float], None] = time.sleep,
    on_batch: Callable[[FetchProgress], None] | None = None,
    cancel: Callable[[], bool] | None = None,
    now: datetime | None = None,
    rng: random.Random | None = None,
) -> FetchResult:
    """Daily adjusted bars of ``tickers`` from ``start`` (inclusive) to ``end`` (exclusive).

    ``batch_size`` tickers per download call; each batch is tried at most
    ``1 + max_retries`` times, waiting ``backoff_delay`` seconds (``backoff_s`` base) before a
    retry. ``on_batch`` is called after each batch; ``cancel`` is polled before each download
    call (a cancelled result keeps what was fetched so far). Raises ``SourceError`` when Yahoo
    is unreachable (see module docstring).
    """
    fetch = download or default_downloader()
    rng = rng or random.Random()
    result = FetchResult(prices=empty_prices())
    symbols: list[str] = []
    for raw in dict.fromkeys(tickers):
        try:
            sym = normalize_ticker(raw)
        except InputError as exc:
            result.failed[str(raw)], result.failure_kinds[str(raw)] = str(exc), "invalid"
            continue
        if sym.startswith(DEMO_PREFIX):
            result.failed[sym] = "demo ticker (simulated data), not on Yahoo Finance"
            result.failure_kinds[sym] = "invalid"
        elif sym not in symbols:
            symbols.append(sym)
    batches = [symbols[i : i + batch_size] for i in range(0, len(symbols), batch_size)]
    parts: list[Prices] = []
    done = 0
    for number, batch in enumerate(batches, start=1):
        got, cancelled = _fetch_batch(
            fetch, batch, start, end, result, max_retries, backoff_s, sleep, cancel, now, rng
        )
        parts.extend(got)
        if cancelled:
            result.cancelled = True
            break
        done += len(batch)
        if on_batch is not None:
            on_batch(FetchProgress(number, len(batches), done, len(result.failed)))
    result.prices = concat_prices(parts)
    kinds = {result.failure_kinds.get(t) for t in symbols}
    if symbols and not result.prices.tickers and not result.cancelled and kinds == {"network"}:
        raise SourceError(UNREACHABLE)
    return result


def _fetch_batch(
    fetch: Downloader,
    batch: list[str],
    start: date | None,
    end: date | None,
    result: FetchResult,
    max_retries: int,
    backoff_s: float,
    sleep: Callable[[float], None],
    cancel: Callable[[], bool] | None,
    now: datetime | None,
    rng: random.Random,
) -> tuple[list[Prices], bool]:
    """One batch with retries of its failed tickers; records failures in ``result``."""
    pending, got = list(batch), list[Prices]()
    reasons: dict[str, tuple[FailureKind, str]] = {}
    for attempt in range(max_retries + 1):
        if cancel is not None and cancel():
            return got, True
        if attempt:
            sleep(backoff_delay(attempt, backoff_s, rng))
        result.attempts += 1
        prices, missing, reasons = _attempt(fetch, pending, start, end, now)
        got.append(prices)
        pending = [t for t in missing if reasons[t][0] not in ("missing", "invalid")]
        for t in missing:
            if t not in pending:
                result.failure_kinds[t], result.failed[t] = reasons[t]
        if not pending:
            break
    for t in pending:
        kind, reason = reasons[t]
        result.failure_kinds[t] = kind
        result.failed[t] = f"{reason} (after {max_retries + 1} attempts)"
    return got, False


def _attempt(
    fetch: Downloader,
    tickers: list[str],
    start: date | None,
    end: date | None,
    now: datetime | None,
) -> tuple[Prices, list[str], dict[str, tuple[FailureKind, str]]]:
    """One download call: (bars, tickers without bars, ticker -> (kind, reason))."""
    with _yfinance_errors() as messages:
        try:
            raw = fetch(
                tickers,
                start=None if start is None else start.isoformat(),
                end=None if end is None else end.isoformat(),
                interval="1d",
                auto_adjust=True,
                group_by="ticker",
                threads=min(len(tickers), 8),
                progress=False,
            )
        except Exception as exc:
            text = f"{type(exc).__name__}: {exc}"[:300]
            return empty_prices(), list(tickers), {t: (classify(exc), text) for t in tickers}
    prices, missing = normalize_download(raw, tickers, now=now)
    logged = parse_yfinance_errors(messages)
    reasons: dict[str, tuple[FailureKind, str]] = {}
    for t in missing:
        texts = logged.get(t, [])
        kinds = {classify(text) for text in texts}
        kind: FailureKind = "unknown"
        for candidate in _PRECEDENCE:
            if candidate in kinds:
                kind = candidate
                break
        reasons[t] = (kind, texts[-1][:300] if texts else "no data returned")
    return prices, missing, reasons


def batch_count(n_tickers: int, batch_size: int) -> int:
    """Number of download calls (without retries) for ``n_tickers``."""
    return math.ceil(n_tickers / batch_size) if n_tickers else 0
