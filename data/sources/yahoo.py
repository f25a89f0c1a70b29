"""Daily bars from Yahoo Finance through yfinance, batched, retried, normalised.

One seam: a ``Downloader`` (``yfinance.download`` by default) called as
``download(tickers, start=, end=, interval="1d", auto_adjust=True, group_by="ticker",
threads=, progress=False)``. Everything else is pure and tested offline with a fake built to
yfinance's real shapes (tests/fakes/yahoo.py). Here: batching, retries with back-off, the
offline probe; data/sources/yahoo_errors.py: what each failure is; yahoo_frames.py: frames.

What yfinance 1.7 does on failure, and how it is handled here:

- ``download()`` does not raise for a failed ticker (not even for a rate limit): it catches the
  error, logs ``['T1', 'T2']: <reason>`` on the ``yfinance`` logger and returns all-NaN columns
  (including an ``Adj Close`` column) for it. We detect failures per ticker from the frame
  (missing column, or no row with a close) and read the reasons from those log records.
- Offline, yfinance 1.7 fails each ticker within milliseconds to ~2 s: curl_cffi raises
  ``DNSError`` (curl 6, "Could not resolve host"), ``ConnectionError`` (curl 7, "Failed to
  connect ... Could not connect to server": refused, no route) or ``ProxyError`` (curl 5),
  which yfinance logs as ``Failed to get ticker 'T' reason: Failed to perform, curl: (6) ...``
  and ``['T']: DNSError('Failed to perform, curl: (6) ...')``. Those are kind
  ``unreachable``. Until the source has answered once in a run ("reached": a bar, a rate
  limit or a "no data" answer), an attempt in which every ticker failed ``unreachable`` raises
  ``SourceUnreachable`` at once, without retries or back-off. Such a run of more than
  ``PROBE_ABOVE`` tickers starts with its first ticker alone (offline, a threaded download
  of 100 tickers takes ~20 s to fail in yfinance 1.7, one ticker ~0.1 s). Once reached, a
  batch that ends ``unreachable`` after its retries stops the run (``lost_contact``): the
  rest is not tried.
- Otherwise reasons are classified: rate limits and timeouts/resets (``network``), and
  failures without a reason, are retried, only for the tickers that failed, with bounded
  exponential backoff plus jitter; "possibly delisted / no price data found" is final. An
  exception out of ``download()`` itself is classified and retried the same way and, after
  the last retry, marks the whole batch failed. ``SourceUnreachable`` is also raised when
  nothing at all was fetched, the source never answered and every failure was a connection
  error.
- yfinance's WARNING log records and Python warnings raised during a download (e.g. pandas'
  deprecations inside yfinance) are captured, not printed, and counted in
  ``FetchResult.warnings`` so a caller can summarise them after its progress bar.
"""

from __future__ import annotations

import math
import random
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

import pandas as pd

from data.errors import InputError, SourceUnreachable
from data.model import Prices
from data.sources.yahoo_errors import (
    ANSWERED,
    UNREACHABLE_SINCE,
    FailureKind,
    captured,
    classify,
    failure_of,
    parse_yfinance_errors,
    unreachable_message,
)
from data.sources.yahoo_frames import (
    concat_prices,
    empty_prices,
    normalize_download,
)
from data.tickers import DEMO_PREFIX, normalize_ticker

Downloader = Callable[..., pd.DataFrame]
MAX_BACKOFF_S = 60.0
JITTER = 0.25
PROBE_ABOVE = 8
"""A run that has not reached the source and asks for more tickers than this starts with its
first ticker alone: offline, yfinance 1.7's threaded download takes ~0.2 s per ticker to fail
(21 s for 100 tickers here; 0.1 s for one)."""


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
    reached: bool = False
    """The source answered at least once (a bar, a rate limit, a "no data" answer)."""
    lost_contact: bool = False
    """The source answered, then a batch failed ``unreachable`` after its retries: the run
    stopped there and the tickers not tried are in ``failed``."""
    warnings: Counter[str] = field(default_factory=Counter)
    """Library warnings captured during the downloads: first line -> count."""


def backoff_delay(attempt: int, backoff_s: float, rng: random.Random) -> float:
    """Seconds to wait before retry ``attempt`` (1-based): ``backoff_s * 2**(attempt-1)``,
    times a jitter factor in [1, 1.25), capped at ``MAX_BACKOFF_S`` (60 s)."""
    base = backoff_s * 2 ** (attempt - 1) * (1.0 + JITTER * rng.random())
    return float(min(MAX_BACKOFF_S, base))


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
    reached: bool = False,
) -> FetchResult:
    """Daily adjusted bars of ``tickers`` from ``start`` (inclusive) to ``end`` (exclusive).

    ``batch_size`` tickers per download call; each batch is tried at most
    ``1 + max_retries`` times, waiting ``backoff_delay`` seconds (``backoff_s`` base) before a
    retry. ``on_batch`` is called after each batch; ``cancel`` is polled before each download
    call (a cancelled result keeps what was fetched so far). ``reached``: an earlier call of
    the same run already got an answer from the source. Raises ``SourceUnreachable`` when
    Yahoo cannot be reached (see module docstring).
    """
    fetch = download or default_downloader()
    rng = rng or random.Random()
    result = FetchResult(prices=empty_prices(), reached=reached)
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
    retry = _Retry(max_retries, backoff_s, sleep, cancel, rng)
    probed = not reached and len(symbols) > PROBE_ABOVE
    for number, batch in enumerate(batches, start=1):
        if number == 1 and probed:  # one ticker alone first: offline it fails in ~0.1 s
            got, cancelled = _fetch_batch(fetch, batch[:1], start, end, result, retry, now)
            if not cancelled and batch[1:]:
                more, cancelled = _fetch_batch(fetch, batch[1:], start, end, result, retry, now)
                got += more
        else:
            got, cancelled = _fetch_batch(fetch, batch, start, end, result, retry, now)
        parts.extend(got)
        if cancelled:
            result.cancelled = True
            break
        done += len(batch)
        if on_batch is not None:
            on_batch(FetchProgress(number, len(batches), done, len(result.failed)))
        if result.reached and all(result.failure_kinds.get(t) == "unreachable" for t in batch):
            result.lost_contact = True
            for t in symbols[done:]:
                result.failed[t] = f"not tried: {UNREACHABLE_SINCE}"
                result.failure_kinds[t] = "unreachable"
            break
    result.prices = concat_prices(parts)
    kinds = {result.failure_kinds.get(t) for t in symbols}
    if (
        symbols
        and not result.reached
        and not result.cancelled
        and kinds <= {"network", "unreachable"}
    ):
        raise SourceUnreachable(unreachable_message(result.failed.get(symbols[0], "")))
    return result


@dataclass(frozen=True)
class _Retry:
    max_retries: int
    backoff_s: float
    sleep: Callable[[float], None]
    cancel: Callable[[], bool] | None
    rng: random.Random


def _fetch_batch(
    fetch: Downloader,
    batch: list[str],
    start: date | None,
    end: date | None,
    result: FetchResult,
    retry: _Retry,
    now: datetime | None,
) -> tuple[list[Prices], bool]:
    """One batch with retries of its failed tickers; records failures in ``result``.

    Raises ``SourceUnreachable`` after the first attempt in which every ticker failed
    ``unreachable`` while the run has not reached the source yet."""
    pending, got = list(batch), list[Prices]()
    reasons: dict[str, tuple[FailureKind, str]] = {}
    for attempt in range(retry.max_retries + 1):
        if retry.cancel is not None and retry.cancel():
            return got, True
        if attempt:
            retry.sleep(backoff_delay(attempt, retry.backoff_s, retry.rng))
        result.attempts += 1
        prices, missing, reasons = _attempt(fetch, pending, start, end, now, result)
        got.append(prices)
        kinds = {reasons[t][0] for t in missing}
        result.reached = result.reached or bool(prices.tickers) or bool(kinds & ANSWERED)
        if not result.reached and missing and kinds == {"unreachable"}:
            raise SourceUnreachable(unreachable_message(reasons[missing[0]][1]))
        pending = [t for t in missing if reasons[t][0] not in ("missing", "invalid")]
        for t in missing:
            if t not in pending:
                result.failure_kinds[t], result.failed[t] = reasons[t]
        if not pending:
            break
    for t in pending:
        kind, reason = reasons[t]
        result.failure_kinds[t] = kind
        result.failed[t] = f"{reason} (after {retry.max_retries + 1} attempts)"
    return got, False


def _attempt(
    fetch: Downloader,
    tickers: list[str],
    start: date | None,
    end: date | None,
    now: datetime | None,
    result: FetchResult,
) -> tuple[Prices, list[str], dict[str, tuple[FailureKind, str]]]:
    """One download call: (bars, tickers without bars, ticker -> (kind, reason))."""
    with captured(result.warnings) as messages:
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
        reasons[t] = failure_of(logged.get(t, []))
    return prices, missing, reasons


def batch_count(n_tickers: int, batch_size: int) -> int:
    """Number of download calls (without retries) for ``n_tickers``."""
    return math.ceil(n_tickers / batch_size) if n_tickers else 0
