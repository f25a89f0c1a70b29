"""A fake ``yfinance.download`` that returns frames shaped exactly like yfinance 1.7's.

Shape of ``yfinance.download(tickers, group_by="ticker", auto_adjust=True)`` (read from
yfinance/multi.py and scrapers/history.py, and checked against the real function in
tests/unit/test_yahoo.py):

- columns: a MultiIndex ``(Ticker, Price)`` with names ``["Ticker", "Price"]``; tickers are
  upper-cased and in ``list(set(tickers))`` order; a ticker with data has
  ``Open, High, Low, Close, Volume`` (no ``Adj Close`` with auto_adjust), a failed ticker has
  ``yfinance.utils.empty_df()``'s ``Open, High, Low, Close, Adj Close, Volume``, all NaN;
- index: tz-naive ``DatetimeIndex`` named ``"Date"`` (``datetime64[s]``), the sorted union of
  the tickers' session dates; with no data at all, an unnamed empty ``DatetimeIndex``;
- dtypes: float64, Volume int64 unless the union reindex introduced NaN (then float64);
- failures do not raise: yfinance logs ``['T1', 'T2']: <reason>`` on the ``yfinance`` logger.

Programmable failures: whole-call ``YFRateLimitError`` (``raise_rate_limit``), per-ticker rate
limits logged like 1.7 does (``rate_limited``), network down (logged DNSError like an offline
machine, or raised), unknown tickers, an empty result, a partial bar for today, delistings
(via the histories themselves) and splits (``apply_split``).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
from yfinance.exceptions import YFRateLimitError
from yfinance.utils import empty_df

LOG = logging.getLogger("yfinance")
DNS = (
    "DNSError('Failed to perform, curl: (6) Could not resolve host: query2.finance.yahoo.com. "
    "See https://curl.se/libcurl/c/libcurl-errors.html first for more details.')"
)
RATE = "YFRateLimitError('Too Many Requests. Rate limited. Try after a while.')"


def make_history(
    dates: Sequence[str | date] | pd.DatetimeIndex, close: Sequence[float], volume: int = 1000
) -> pd.DataFrame:
    """One ticker's daily bars as ``Ticker.history(auto_adjust=True)`` returns them (tz-aware)."""
    index = pd.to_datetime([pd.Timestamp(d).date() for d in dates])
    index = index.tz_localize("America/New_York").rename("Date")
    c = np.asarray(close, dtype="float64")
    return pd.DataFrame(
        {
            "Open": c * 0.99,
            "High": c * 1.01,
            "Low": c * 0.98,
            "Close": c,
            "Volume": np.full(len(c), volume, dtype=np.int64),
        },
        index=index,
    )


def sessions(start: str, end: str) -> pd.DatetimeIndex:
    """Weekdays from ``start`` to ``end`` inclusive (holidays ignored)."""
    return pd.bdate_range(start, end)


@dataclass
class FakeYahoo:
    """Callable like ``yfinance.download``; records each call in ``calls``."""

    histories: dict[str, pd.DataFrame] = field(default_factory=dict)
    raise_rate_limit: int = 0
    """The next n calls raise YFRateLimitError as a whole."""
    rate_limited: dict[str, int] = field(default_factory=dict)
    """Ticker -> the next n requests of it fail with a logged rate limit (yfinance 1.7)."""
    network_down: bool = False
    """Every ticker fails with a logged DNSError, as on a machine without internet."""
    raise_network: bool = False
    """Every call raises ConnectionError (an older or patched yfinance)."""
    empty_result: bool = False
    """Return ``pd.DataFrame()`` (no columns, no rows)."""
    calls: list[dict[str, Any]] = field(default_factory=list)

    def apply_split(self, ticker: str, on: str, ratio: float) -> None:
        """A ``ratio``-for-1 split effective ``on``: the adjusted history before it changes."""
        frame = self.histories[ticker].copy()
        before = frame.index.tz_localize(None) < pd.Timestamp(on)
        for col in ("Open", "High", "Low", "Close"):
            frame.loc[before, col] = frame.loc[before, col] / ratio
        frame.loc[before, "Volume"] = (frame.loc[before, "Volume"] * ratio).astype(np.int64)
        self.histories[ticker] = frame

    def __call__(self, tickers: Any, start: Any = None, end: Any = None, **kwargs: Any) -> Any:
        self.calls.append({"tickers": list(tickers), "start": start, "end": end, **kwargs})
        assert kwargs.get("group_by") == "ticker" and kwargs.get("auto_adjust") is True
        if self.raise_rate_limit > 0:
            self.raise_rate_limit -= 1
            raise YFRateLimitError()
        if self.raise_network:
            raise ConnectionError("Failed to perform, curl: (7) Couldn't connect to server")
        if self.empty_result:
            return pd.DataFrame()
        symbols = list({t.upper() for t in tickers})
        dfs: dict[str, pd.DataFrame] = {}
        errors: dict[str, str] = {}
        for sym in symbols:
            dfs[sym], error = self._one(sym, start, end)
            if error:
                errors[sym] = error
        _log_errors(errors)
        return assemble(dfs)

    def _one(self, sym: str, start: Any, end: Any) -> tuple[pd.DataFrame, str]:
        if self.network_down:
            return empty_df(), DNS
        if self.rate_limited.get(sym, 0) > 0:
            self.rate_limited[sym] -= 1
            return empty_df(), RATE
        if sym not in self.histories:
            return empty_df(), "possibly delisted; no timezone found"
        frame = self.histories[sym]
        naive = frame.index.tz_localize(None)
        keep = np.ones(len(frame), dtype=bool)
        if start is not None:
            keep &= naive >= pd.Timestamp(start)
        if end is not None:
            keep &= naive < pd.Timestamp(end)
        if not keep.any():
            return empty_df(), f"possibly delisted; no price data found  (1d {start} -> {end})"
        return frame[keep].copy(), ""


def _log_errors(errors: dict[str, str]) -> None:
    """Log failures the way yfinance.multi._download_impl does."""
    if not errors:
        return
    LOG.error("\n%.f Failed download%s:", len(errors), "s" if len(errors) > 1 else "")
    grouped: dict[str, list[str]] = {}
    for sym, err in errors.items():
        grouped.setdefault(err, []).append(sym)
    for err, syms in grouped.items():
        LOG.error(f"{syms}: " + err)


def assemble(dfs: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Concatenate per-ticker frames exactly as yfinance.multi does (ignore_tz=True)."""
    for sym, df in dfs.items():
        if df is not None and df.shape[0] > 0:
            dfs[sym] = df.set_axis(df.index.tz_localize(None), axis=0)
    idx = None
    for df in dfs.values():
        if df is not None and not df.empty:
            idx = df.index if idx is None else idx.union(df.index)
    if idx is None:
        idx = pd.DatetimeIndex([])
    aligned = {sym: df.reindex(idx) for sym, df in dfs.items()}
    return pd.concat(
        aligned.values(), axis=1, sort=True, keys=aligned.keys(), names=["Ticker", "Price"]
    )
