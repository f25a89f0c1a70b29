"""Sector breadth of a universe, memoized per data version: the page's Sectors tab, its
report section and ``cli.py export sectors`` read it here (``indicators.sectors``)."""

from __future__ import annotations

from datetime import date

import pandas as pd

from data import sectors as assignments
from data.errors import InputError
from indicators.sectors import sector_breadth, weekly, with_percentile
from service.breadth import BreadthQuery, BreadthService

WINDOWS: tuple[int, ...] = (200, 50)
"""The page's sector windows (URL ``sw``); the CLI accepts any 5–400."""
NO_SECTORS = (
    "The store has no sector assignments. Add them with `python cli.py universe sectors "
    "FILE` (a ticker,sector CSV), fetch the sector holdings (`python cli.py universe update "
    "sector-xlk` … for the 11 Select Sector SPDRs) or look them up with `python cli.py "
    "universe sectors --from-yahoo` (needs internet)."
)


def sector_table(svc: BreadthService) -> pd.DataFrame:
    """ticker, sector, source of every assigned ticker (``data.sectors.assignments``)."""
    return svc.memo("sector_assignments", "", lambda: assignments.assignments(svc.store))


def has_sectors(svc: BreadthService) -> bool:
    """True when some source assigns a sector to some ticker."""
    return not svc.store.is_empty() and len(sector_table(svc)) > 0


def sectors(svc: BreadthService, universe: str, window: int = 200) -> pd.DataFrame:
    """``indicators.sectors.COLUMNS`` + ``percentile`` for the universe over the whole stored
    history (point-in-time membership, as the universe's participation)."""
    if not 5 <= window <= 400:
        raise InputError(f"window {window}: expected a number of sessions from 5 to 400")

    def compute() -> pd.DataFrame:
        prices, member, _, _ = svc._panel(BreadthQuery(universe=universe), ("close",))
        if not prices.tickers:
            raise InputError(f"no member of the universe {universe!r} has prices in the store")
        table = sector_table(svc)
        by_ticker = pd.Series(table["sector"].to_numpy(), index=table["ticker"].to_numpy())
        return with_percentile(sector_breadth(prices.close, by_ticker, window, member))

    return svc.memo("sectors", f"{universe}:{window}", compute)


def view(
    svc: BreadthService,
    universe: str,
    window: int,
    start: date | None = None,
    end: date | None = None,
) -> pd.DataFrame:
    """``sectors`` limited to sessions from ``start`` to ``end`` (inclusive; None = open)."""
    frame = sectors(svc, universe, window)
    keep = pd.Series(True, index=frame.index)
    if start is not None:
        keep &= frame["date"] >= pd.Timestamp(start)
    if end is not None:
        keep &= frame["date"] <= pd.Timestamp(end)
    return frame[keep].reset_index(drop=True)


def export_frame(
    svc: BreadthService,
    universe: str,
    window: int = 200,
    start: date | None = None,
    end: date | None = None,
) -> pd.DataFrame:
    """The ``export sectors`` table: ``date, sector, members_with_data, pct_above_<n>dma``,
    long, sorted by date then sector (GICS order, Unassigned last)."""
    if not has_sectors(svc):
        raise InputError(NO_SECTORS.replace("The store", "the store"))
    frame = view(svc, universe, window, start, end)
    if not len(frame):
        raise InputError("no sessions in the chosen dates")
    return frame[["date", "sector", "members_with_data", "pct_above"]].rename(
        columns={"pct_above": f"pct_above_{window}dma"}
    )


def heatmap(
    svc: BreadthService,
    universe: str,
    window: int,
    start: date | None = None,
    end: date | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(% above, members with data): sectors × weeks, each week's last session in the range
    (``indicators.sectors.weekly``), sectors in export order."""
    frame = view(svc, universe, window, start, end)
    return weekly(frame, "pct_above"), weekly(frame, "members_with_data")


def at_end(
    svc: BreadthService, universe: str, window: int, end: date | None = None
) -> pd.DataFrame:
    """Each sector on the last session on or before ``end`` (the last stored when None):
    sector, pct_above, members_with_data, percentile; sorted by pct_above, highest first
    (undefined last)."""
    frame = view(svc, universe, window, None, end)
    if not len(frame):
        return frame
    last = frame[frame["date"] == frame["date"].max()]
    return last.sort_values("pct_above", ascending=False, na_position="last").reset_index(drop=True)
