"""In-memory data contracts shared by sources, the store and the service.

Prices are *wide* panels: ``DataFrame[index=session dates (DatetimeIndex named "date",
tz-naive, sorted, unique), columns=tickers (str, sorted)]``, NaN where a ticker has no bar.
Values are adjusted for splits and dividends. A dataset that carries only closes has
``high``/``low``/``open`` of ``None``: indicators then use the close (closing highs).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

import pandas as pd

FIELDS: tuple[str, ...] = ("open", "high", "low", "close", "volume")
PRICE_FIELDS: tuple[str, ...] = ("open", "high", "low", "close")

TICKER_INFO_COLUMNS: tuple[str, ...] = ("ticker", "name", "sector", "kind")
"""Ticker metadata: kind is one of "stock", "etf", "index", "benchmark" (built series)."""

INTERVAL_COLUMNS: tuple[str, ...] = ("ticker", "start_date", "end_date")
"""Universe membership intervals; ``end_date`` NaT means still a member (inclusive bounds)."""


@dataclass(frozen=True)
class Prices:
    """Daily bars of many tickers as aligned wide panels (see module docstring)."""

    close: pd.DataFrame
    open: pd.DataFrame | None = None
    high: pd.DataFrame | None = None
    low: pd.DataFrame | None = None
    volume: pd.DataFrame | None = None

    @property
    def close_only(self) -> bool:
        """True when highs and lows are not known (52-week highs are closing highs)."""
        return self.high is None or self.low is None

    @property
    def tickers(self) -> list[str]:
        return [str(c) for c in self.close.columns]

    @property
    def dates(self) -> pd.DatetimeIndex:
        return pd.DatetimeIndex(self.close.index)

    def panels(self) -> dict[str, pd.DataFrame]:
        """The fields present, by name."""
        out = {"close": self.close}
        for name in ("open", "high", "low", "volume"):
            frame = getattr(self, name)
            if frame is not None:
                out[name] = frame
        return out

    def select(self, tickers: Iterable[str]) -> Prices:
        """The same panels restricted to ``tickers`` that exist (order kept)."""
        keep = [t for t in tickers if t in self.close.columns]
        changes = {
            name: (getattr(self, name)[keep] if getattr(self, name) is not None else None)
            for name in ("close", "open", "high", "low", "volume")
        }
        return replace(self, **changes)


@dataclass(frozen=True)
class UniverseInfo:
    """What a universe is and how far to trust it historically."""

    name: str
    label: str
    point_in_time: bool
    source: str = ""
    note: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def survivorship_note(self) -> str:
        """The caveat the UI and exports show, empty when membership is point in time."""
        if self.point_in_time:
            return ""
        return "current constituents applied to history: survivorship bias"
