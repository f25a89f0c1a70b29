"""Membership intervals -> point-in-time boolean panels, ticker renames, interval hygiene.

Contract: an *intervals* frame has the columns of ``data.model.INTERVAL_COLUMNS``
(``ticker`` str, ``start_date`` and ``end_date`` datetime64[ns]); bounds are inclusive and
``end_date`` NaT means "still a member". A ticker may have several intervals. Holdings-based
universes add an optional ``sector`` column. A membership *panel* is
``DataFrame[index=session dates, columns=tickers]`` of bool, the shape of the price panels.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from data.model import INTERVAL_COLUMNS
from data.tickers import normalize_ticker

__all__ = [
    "RENAMES",
    "apply_renames",
    "membership_panel",
    "normalize_intervals",
    "normalize_ticker",
]

RENAMES: tuple[tuple[str, str, str], ...] = (
    # (old ticker, new ticker, first day of the new symbol): same company, new symbol.
    # Sources: the ``events()`` table of index-constitution (ticker_change rows) and the
    # S&P 500 intervals of fja05680/sp500 (where the old interval ends the day the new one
    # starts, that day is used, so no interval of the old symbol is split by mistake).
    ("WFMI", "WFM", "2011-08-30"),
    ("HANS", "MNST", "2012-01-05"),
    ("KFT", "MDLZ", "2012-10-02"),
    ("WLP", "ANTM", "2014-12-03"),
    ("ACT", "AGN", "2015-06-15"),
    ("TSO", "ANDV", "2017-08-01"),
    ("DLPH", "APTV", "2017-12-04"),
    ("PCLN", "BKNG", "2018-02-27"),
    ("DPS", "KDP", "2018-07-10"),
    ("HCN", "WELL", "2018-02-28"),
    ("LUK", "JEF", "2018-05-24"),
    ("KORS", "CPRI", "2018-12-31"),
    ("DWDP", "DD", "2019-06-03"),
    ("HRS", "LHX", "2019-06-29"),
    ("TMK", "GL", "2019-08-08"),
    ("SYMC", "NLOK", "2019-11-05"),
    ("HCP", "PEAK", "2019-11-05"),
    ("CBS", "VIAC", "2019-12-05"),
    ("BHGE", "BKR", "2019-10-18"),
    ("JEC", "J", "2019-12-10"),
    ("IR", "TT", "2020-03-02"),
    ("ARNC", "HWM", "2020-04-06"),
    ("UTX", "RTX", "2020-04-03"),
    ("CTL", "LUMN", "2020-09-18"),
    ("LB", "BBWI", "2021-08-03"),
    ("COG", "CTRA", "2021-10-04"),
    ("WLTW", "WTW", "2022-01-20"),
    ("VIAC", "PARA", "2022-02-17"),
    ("HFC", "DINO", "2022-03-14"),
    ("ADS", "BFH", "2022-04-04"),
    ("BLL", "BALL", "2022-05-17"),
    ("FB", "META", "2022-06-09"),
    ("ANTM", "ELV", "2022-06-28"),
    ("NLOK", "GEN", "2022-11-08"),
    ("FBHS", "FBIN", "2022-12-19"),
    ("PKI", "RVTY", "2023-05-16"),
    ("FISV", "FI", "2023-06-07"),
    ("RE", "EG", "2023-06-10"),
    ("ABC", "COR", "2023-08-30"),
    ("CDAY", "DAY", "2024-02-01"),
    ("PEAK", "DOC", "2024-03-04"),
    ("FLT", "CPAY", "2024-03-25"),
    ("GPS", "GAP", "2024-08-22"),
    ("SQ", "XYZ", "2025-01-21"),
    ("PARA", "PSKY", "2025-08-08"),
    ("FI", "FISV", "2025-11-11"),
)
"""Explicit ticker renames, applied in date order so chains resolve (WLP -> ANTM -> ELV,
FISV -> FI -> FISV). A rename touches only the part of an interval *before* its date, so a
symbol later reused by another company keeps its own intervals. Only renames whose
new symbol carries the old symbol's price history on Yahoo Finance belong here (not
mergers such as BBT+STI -> TFC, nor ACE -> CB, which would merge ACE into the old Chubb's
CB intervals; DPS -> KDP is in: KDP carries Dr Pepper Snapple's history). Several old
symbols were later reused by other securities (FB is a 2025 ETF, LB LandBridge, IR the former
Gardner Denver): renaming keeps those price columns out of the old company's membership.
Renames after the shared price snapshot (Aug 2026: PSTG->P, BK->BNY, SATS->ECHO, PSKY->SKYD)
are left out for now."""


def normalize_intervals(intervals: pd.DataFrame) -> pd.DataFrame:
    """A clean copy: contract dtypes, tickers as str, sorted by ticker and start, index reset.

    Keeps an optional ``sector`` column. Raises ValueError on a missing start or an end
    before its start (user files are validated with row numbers before they get here).
    """
    missing = [c for c in INTERVAL_COLUMNS if c not in intervals.columns]
    if missing:
        raise ValueError(f"intervals lack column(s) {missing}")
    cols = [*INTERVAL_COLUMNS, *(["sector"] if "sector" in intervals.columns else [])]
    out = intervals.loc[:, cols].copy()
    out["ticker"] = out["ticker"].astype(str)
    for col in ("start_date", "end_date"):
        out[col] = pd.to_datetime(out[col]).astype("datetime64[ns]")
    if out["start_date"].isna().any():
        raise ValueError("intervals have a missing start_date")
    if (out["end_date"] < out["start_date"]).any():
        raise ValueError("intervals have an end_date before their start_date")
    return out.sort_values(["ticker", "start_date"], kind="stable").reset_index(drop=True)


def apply_renames(
    intervals: pd.DataFrame, renames: Sequence[tuple[str, str, str]] = RENAMES
) -> pd.DataFrame:
    """Intervals with old tickers replaced by their successors (see ``RENAMES``).

    A rename ``(old, new, date)`` means "``old`` before ``date`` is the company now traded as
    ``new``". The part of an ``old`` interval before ``date`` becomes ``new``; a part on or
    after ``date`` keeps ``old`` (a symbol reused by another company: fja05680 lists IR from
    2010 with no break, though old IR became TT on 2020-03-02 and the new IR joined the next
    day). Renames apply in date order, so chains resolve (WLP -> ANTM -> ELV). FB
    2013-12-23..2022-06-08 becomes a META interval next to META's own from 2022-06-09.
    Extra columns (``sector``) are kept.
    """
    out = intervals.reset_index(drop=True).copy()
    out["start_date"] = pd.to_datetime(out["start_date"])
    out["end_date"] = pd.to_datetime(out["end_date"])
    for old, new, when in sorted(renames, key=lambda r: r[2]):
        day = pd.Timestamp(when)
        hit = (out["ticker"] == old) & (out["start_date"] < day)
        if not hit.any():
            continue
        spans = hit & (out["end_date"].isna() | (out["end_date"] >= day))
        after = out[spans].assign(start_date=day)  # the part that keeps the old symbol
        out.loc[spans, "end_date"] = day - pd.Timedelta(days=1)
        out.loc[hit, "ticker"] = new
        out = pd.concat([out, after], ignore_index=True)
    return out


def membership_panel(
    intervals: pd.DataFrame, dates: pd.DatetimeIndex, tickers: Sequence[str]
) -> pd.DataFrame:
    """Boolean panel ``dates × tickers``: True on d iff some interval has start ≤ d ≤ end.

    ``end_date`` NaT is an open end. Intervals of tickers not in ``tickers`` are ignored;
    tickers without intervals are never members. ``dates`` must be sorted and unique and
    ``tickers`` unique. Vectorised, no loop over dates or intervals: each interval becomes
    +1 at its first session row and -1 after its last (``searchsorted`` on the dates,
    accumulated with ``np.add.at`` into a difference array), and a cumulative sum down the
    dates counts the intervals covering each cell. O(intervals + dates × tickers).
    """
    index = pd.DatetimeIndex(dates)
    columns = pd.Index(list(tickers), dtype=object)
    if not index.is_monotonic_increasing or not index.is_unique:
        raise ValueError("dates must be sorted and unique")
    if not columns.is_unique:
        raise ValueError("tickers must be unique")
    n_dates, n_tickers = len(index), len(columns)
    col = columns.get_indexer(pd.Index(intervals["ticker"].astype(str)))
    day = index.to_numpy().astype("datetime64[ns]")
    start = pd.to_datetime(intervals["start_date"]).to_numpy().astype("datetime64[ns]")
    end = pd.to_datetime(intervals["end_date"]).to_numpy().astype("datetime64[ns]")
    end = np.where(np.isnat(end), np.datetime64("2262-04-11", "ns"), end)
    first = np.searchsorted(day, start, side="left")
    stop = np.searchsorted(day, end, side="right")  # one past the last session row
    keep = (col >= 0) & (first < stop) & ~np.isnat(start)
    col, first, stop = col[keep], first[keep], stop[keep]
    # Ticker-major, so the sum runs along each ticker's contiguous row, and as narrow as the
    # counts allow: a cell's count and every step of its row's running sum lie in [-k, k]
    # for a ticker with k intervals. Down the dates of a date-major int32 array numpy summed
    # in int64 with strided access: 1.7 s at 2,780 dates x 3,416 tickers, against ~15 ms
    # here, with a quarter of the memory (fresh memory's first touch costs ~6 ms/MB on this
    # project's VMs).
    most = int(np.bincount(col, minlength=1).max())  # 0 without intervals
    counts = np.zeros((n_tickers, n_dates + 1), dtype=np.int8 if most < 127 else np.int32)
    np.add.at(counts, (col, first), 1)
    np.add.at(counts, (col, stop), -1)
    np.cumsum(counts, axis=1, out=counts)
    member = counts[:, :n_dates] > 0
    return pd.DataFrame(member.T, index=index, columns=columns, copy=False)
