"""What a failed yfinance download means: each failure's kind, from yfinance 1.7's log records
and exceptions (the module doc of data/sources/yahoo.py says which are which), the one-line
messages, and the capture of yfinance's log records and Python warnings during a download."""

from __future__ import annotations

import logging
import re
import socket
import warnings
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Literal

FailureKind = Literal["rate_limit", "network", "unreachable", "missing", "invalid", "unknown"]

UNREACHABLE = "Yahoo Finance is not reachable from this machine"
UNREACHABLE_SINCE = "Yahoo Finance stopped answering (connection lost during the run)"
_RATE = re.compile(r"YFRateLimitError|Too Many Requests|Rate limited", re.I)
_TIMEOUT = re.compile(r"curl: \(28\)|Timeout|timed out", re.I)
_UNREACHABLE = re.compile(
    r"DNSError|curl: \((?:5|6|7)\)|Could not resolve (?:host|proxy)|"
    r"Could(?: not|n't) connect to server|Failed to connect to|Connection refused|"
    r"No route to host|Network is unreachable|Name or service not known|"
    r"Temporary failure in name resolution|nodename nor servname|getaddrinfo failed",
    re.I,
)
_CURL_NOISE = re.compile(r"^.*?curl: \(\d+\) |\. See https://curl\.se\S*.*$|['\")]+$", re.S)
_NETWORK = re.compile(
    r"DNSError|ConnectionError|Timeout|timed out|curl: \(|Failed to perform|"
    r"Could not resolve host|Connection (?:refused|reset|aborted)|SSLError|ProxyError",
    re.I,
)
PRECEDENCE: tuple[FailureKind, ...] = ("rate_limit", "network", "unreachable", "missing")
ANSWERED: frozenset[FailureKind] = frozenset({"rate_limit", "missing"})
"""Failure kinds that prove the source answered (the run has "reached" it)."""
MAX_WARNING_KINDS = 10
_MISSING = re.compile(r"possibly delisted|no price data found|no timezone found|delisted", re.I)
_SUMMARY_LINE = re.compile(r"^\[(?P<syms>[^\]]*)\]: (?P<reason>.*)$", re.S)
_TICKER_LINE = re.compile(r"^Failed to get ticker '(?P<sym>[^']+)' reason: (?P<reason>.*)$", re.S)


def classify(reason: str | BaseException) -> FailureKind:
    """The kind of a failure, from an exception or a yfinance log message.

    ``unreachable``: DNS failure, connection refused, no route, proxy not resolved (curl 5, 6,
    7); ``network``: timeouts, resets and other connection errors (retried)."""
    if isinstance(reason, BaseException):
        if type(reason).__name__ == "YFRateLimitError":
            return "rate_limit"
        if isinstance(reason, ConnectionRefusedError | socket.gaierror):
            return "unreachable"
        kind = classify(f"{type(reason).__name__}({reason})")
        if kind in ("missing", "unknown") and isinstance(reason, OSError):
            return "network"  # requests, curl_cffi and socket errors all are OSErrors
        return kind
    if _RATE.search(reason):
        return "rate_limit"
    if _TIMEOUT.search(reason):
        return "network"
    if _UNREACHABLE.search(reason):
        return "unreachable"
    if _NETWORK.search(reason):
        return "network"
    return "missing" if _MISSING.search(reason) else "unknown"


def short_reason(reason: str) -> str:
    """A curl/yfinance error without its wrapping: "Could not resolve host: query2...."."""
    text = reason.strip().splitlines()[0] if reason.strip() else reason
    return _CURL_NOISE.sub("", text).strip() or text


def unreachable_message(reason: str) -> str:
    """One line: UNREACHABLE, with curl's reason when there is one."""
    detail = short_reason(reason.split(" (after ")[0]) if reason else ""
    return f"{UNREACHABLE} ({detail})" if detail else UNREACHABLE


class Capture(logging.Handler):
    """ERROR messages of the yfinance logger, and its WARNINGs counted (first line)."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []
        self.warnings: Counter[str] = Counter()

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if record.levelno >= logging.ERROR:
            self.messages.append(message)
        else:
            self.warnings[f"yfinance: {message.strip().splitlines()[0][:160]}"] += 1


@contextmanager
def captured(counts: Counter[str]) -> Iterator[list[str]]:
    """While the block runs: yfinance's ERROR messages (yielded) and, counted into ``counts``
    (at most ``MAX_WARNING_KINDS`` kinds), its WARNING records and Python warnings. Nothing
    reaches stderr: with a handler on the ``yfinance`` logger, logging's last-resort handler
    is not used."""
    handler = Capture()
    logger = logging.getLogger("yfinance")
    logger.addHandler(handler)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield handler.messages
    finally:
        logger.removeHandler(handler)
        seen = handler.warnings + Counter(
            f"{w.category.__name__}: {str(w.message).strip().splitlines()[0][:160]}" for w in caught
        )
        for key, n in seen.items():
            if key in counts or len(counts) < MAX_WARNING_KINDS:
                counts[key] += n


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


def failure_of(texts: Sequence[str]) -> tuple[FailureKind, str]:
    """A ticker's failure from its logged messages: the kind that wins by ``PRECEDENCE``
    and the last message of that kind ("no data returned" when nothing was logged)."""
    kinds = {classify(text) for text in texts}
    kind: FailureKind = next((k for k in PRECEDENCE if k in kinds), "unknown")
    of_kind = [text for text in texts if classify(text) == kind] or list(texts)
    return kind, of_kind[-1][:300] if of_kind else "no data returned"
