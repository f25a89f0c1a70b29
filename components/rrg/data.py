"""What the RRG tab plots for a view, and the end-date slider's positions.

The members (sector SPDRs and style ETFs resolved on the store's tickers) and the
computation are ``service.rotation`` (``resolve_members``, ``RotationService.rrg``, cached);
this module picks the periods of the view's range.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from components.context import rotation_service
from components.url.fields import ViewState
from data.benchmarks import resolve_role
from service.breadth import BreadthService
from service.pairs import BENCHMARK_ROLE
from service.rotation import (
    RrgParams,
    candidate_tickers,
    member_labels,
    missing_notice,
    resolve_members,
)


@dataclass(frozen=True)
class RrgData:
    """Everything the RRG tab shows for one view (result None: nothing to compute)."""

    ratio: pd.DataFrame
    momentum: pd.DataFrame
    labels: dict[str, str]
    benchmark: str
    notices: list[str]
    periods: pd.DatetimeIndex


def rrg_data(svc: BreadthService, state: ViewState) -> RrgData:
    """RS-Ratio / RS-Momentum of the resolved members, and the periods of the view's range."""
    available = list(svc.closes(candidate_tickers()).columns)
    members = resolve_members(available)
    bench = resolve_role(BENCHMARK_ROLE, available)
    notices = missing_notice(members, bench)
    names = member_labels(members)
    empty = pd.DataFrame()
    if bench is None or not names:
        return RrgData(empty, empty, names, bench or "", notices, pd.DatetimeIndex([]))
    result = rotation_service(svc).rrg(tuple(names), bench, RrgParams(freq=state.rrg_freq))
    return RrgData(
        result.ratio,
        result.momentum,
        names,
        bench,
        notices,
        view_periods(result.ratio, state.start, state.end),
    )


def view_periods(ratio: pd.DataFrame, start: date | None, end: date | None) -> pd.DatetimeIndex:
    """Periods inside [start, end] where at least one member has an RS-Ratio."""
    if ratio.empty:
        return pd.DatetimeIndex([])
    defined = ratio.index[ratio.notna().any(axis=1).to_numpy()]
    lo = pd.Timestamp(start) if start else defined.min()
    hi = pd.Timestamp(end) if end else defined.max()
    return pd.DatetimeIndex(defined[(defined >= lo) & (defined <= hi)])


def end_index(periods: pd.DatetimeIndex, end: date | None) -> int:
    """Slider position of ``end``: the last period on or before it (the last one when None)."""
    if len(periods) == 0:
        return 0
    if end is None:
        return len(periods) - 1
    pos = int(periods.searchsorted(pd.Timestamp(end), side="right")) - 1
    return min(max(pos, 0), len(periods) - 1)


def end_date(periods: pd.DatetimeIndex, index: object) -> date | None:
    """The end date a slider position stands for (None: the last period, i.e. the default)."""
    if len(periods) == 0 or not isinstance(index, int | float):
        return None
    pos = int(index)
    if pos >= len(periods) - 1 or pos < 0:
        return None
    return periods[pos].date()


def slider_marks(periods: pd.DatetimeIndex, count: int = 5) -> dict[int, str]:
    """A few evenly spaced labelled positions (first and last included)."""
    n = len(periods)
    if n == 0:
        return {}
    picks = sorted({round(i * (n - 1) / max(count - 1, 1)) for i in range(count)})
    return {int(i): f"{periods[int(i)]:%b %Y}" for i in picks}
