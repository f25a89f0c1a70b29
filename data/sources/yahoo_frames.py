"""yfinance's download frames -> wide ``Prices``: columns, timezones, duplicates, partial days.

The one normalisation of what Yahoo returns (used by data/sources/yahoo.py); pure.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from zoneinfo import ZoneInfo

import pandas as pd

from data.errors import InputError
from data.model import FIELDS, Prices
from data.tickers import normalize_ticker

MARKET_TZ = ZoneInfo("America/New_York")
SESSION_FINAL_AT = clock_time(16, 15)
_YF_FIELDS = {"Open": "open", "High": "high", "Low": "low", "Close": "close", "Volume": "volume"}
_KNOWN_YF_COLUMNS = {*_YF_FIELDS, "Adj Close", "Dividends", "Stock Splits", "Capital Gains"}


def last_final_date(now: datetime | None = None) -> date:
    """The latest calendar date whose daily bar is final, by New York time.

    Today once ``SESSION_FINAL_AT`` (16:15 New York) has passed, else yesterday. ``now`` must be
    tz-aware (naive is read as UTC); default: the current time.
    """
    moment = datetime.now(MARKET_TZ) if now is None else now
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo("UTC"))
    local = moment.astimezone(MARKET_TZ)
    return local.date() if local.time() >= SESSION_FINAL_AT else local.date() - timedelta(days=1)


def empty_prices() -> Prices:
    """Prices with no dates and no tickers."""
    frame = pd.DataFrame(index=pd.DatetimeIndex([], name="date"), dtype="float64")
    return Prices(close=frame, open=frame, high=frame, low=frame, volume=frame)


def normalize_download(
    raw: pd.DataFrame | None, tickers: Sequence[str], *, now: datetime | None = None
) -> tuple[Prices, list[str]]:
    """yfinance's frame -> (wide ``Prices`` of the tickers with bars, tickers without bars).

    Accepts ``(ticker, field)`` or ``(field, ticker)`` MultiIndex columns, or flat field columns
    when one ticker was asked for; a tz-aware or naive index becomes tz-naive session dates
    (wall-clock date in the exchange's zone) named ``date``; duplicate dates keep the last row;
    rows without a close (all-NaN rows) are dropped, and so is any bar dated after
    ``last_final_date(now)`` (today's partial bar while the session is open). Column tickers
    are normalised with ``normalize_ticker``; volume is float64 (NaN where unknown).
    """
    wanted = list(dict.fromkeys(normalize_ticker(t) for t in tickers))
    long = _to_ticker_field(raw, wanted)
    if long is None or long.empty:
        return empty_prices(), wanted
    index = pd.DatetimeIndex(long.index)
    if index.tz is not None:
        index = index.tz_localize(None)
    long.index = index.normalize().as_unit("ns").rename("date")
    long = long[~long.index.duplicated(keep="last")].sort_index()
    long = long[long.index <= pd.Timestamp(last_final_date(now))]
    present = set(long.columns.get_level_values(1))
    blank = pd.DataFrame(float("nan"), index=long.index, columns=wanted)
    panels: dict[str, pd.DataFrame] = {}
    for yf_name, name in _YF_FIELDS.items():
        part = long.xs(yf_name, axis=1, level=1) if yf_name in present else blank
        panels[name] = pd.DataFrame(part).reindex(columns=wanted).astype("float64")
    has_close = panels["close"].notna()
    have = [t for t in wanted if has_close[t].any()]
    rows = has_close[have].any(axis=1)
    masked = {
        n: f.where(has_close).loc[rows, have].rename_axis(columns=None) for n, f in panels.items()
    }
    prices = Prices(**masked)
    return prices, [t for t in wanted if t not in have]


def _to_ticker_field(raw: pd.DataFrame | None, wanted: list[str]) -> pd.DataFrame | None:
    """Columns as a (ticker, yfinance field) MultiIndex with normalised tickers, or None."""
    if raw is None or raw.shape[1] == 0:
        return None
    frame = raw.copy()
    if not isinstance(frame.columns, pd.MultiIndex):
        if len(wanted) != 1 or not set(map(str, frame.columns)) & set(_YF_FIELDS):
            return None
        frame.columns = pd.MultiIndex.from_product([wanted, [str(c) for c in frame.columns]])
    elif {str(v) for v in frame.columns.levels[0]} & _KNOWN_YF_COLUMNS:
        frame.columns = frame.columns.swaplevel(0, 1)
    keep, names = [], []
    for col in frame.columns:
        try:
            names.append((normalize_ticker(str(col[0])), str(col[1])))
            keep.append(col)
        except InputError:
            continue
    frame = frame[keep]
    frame.columns = pd.MultiIndex.from_tuples(names)
    return frame.loc[:, frame.columns.get_level_values(0).isin(wanted)]


def concat_prices(parts: Sequence[Prices]) -> Prices:
    """Side by side (tickers are disjoint), on the union of dates, columns sorted."""
    parts = [p for p in parts if len(p.close.columns)]
    if not parts:
        return empty_prices()
    panels: dict[str, pd.DataFrame] = {}
    for name in FIELDS:
        frames = [getattr(p, name) for p in parts]
        merged = pd.concat(frames, axis=1, sort=True)
        panels[name] = merged.reindex(columns=sorted(merged.columns)).rename_axis("date")
    return Prices(**panels)
