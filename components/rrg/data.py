"""What the RRG tab plots: its members resolved on the store's tickers, and its periods.

The 11 Select Sector SPDRs and six style ETFs, each resolved through
``data.benchmarks.ROLES`` (or its own candidates) to the first ticker the store holds, so
the simulated market's ``SIM:*`` indexes stand in on the demo (``SIM:XLK`` against
``SIM:LARGE``). Series that resolve to nothing are named in a notice. The computation is
``service_rotation.RotationService.rrg`` (cached); this module only picks tickers and periods.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import pandas as pd

from components.url.fields import ViewState
from data.benchmarks import ROLES, SECTORS, resolve_role

if TYPE_CHECKING:
    from service.breadth import BreadthService
    from service.rotation import RotationService

BENCHMARK_ROLE = "large"
STYLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "IWD": ("Large value", ROLES["value"]),
    "IWF": ("Large growth", ROLES["growth"]),
    "IWN": ("Small value", ("IWN",)),
    "IWO": ("Small growth", ("IWO",)),
    "IJH": ("Mid caps", ROLES["mid"]),
    "IJR": ("Small caps", ("IJR", "SIM:SMALL")),
}
"""Style slot -> (label, candidate tickers, most preferred first)."""


@dataclass(frozen=True)
class Member:
    """One RRG slot: the ETF it stands for and the stored ticker that fills it (or None)."""

    slot: str
    label: str
    group: str
    candidates: tuple[str, ...]
    ticker: str | None


def slots() -> list[tuple[str, str, str, tuple[str, ...]]]:
    """(slot, label, group, candidates) of every RRG member: sectors, then styles."""
    sectors = [(etf, name, "Sector", ROLES[etf]) for name, etf in sorted(SECTORS.items())]
    styles = [(etf, label, "Style", cands) for etf, (label, cands) in STYLES.items()]
    return sectors + styles


def candidate_tickers() -> list[str]:
    """Every ticker an RRG member or the benchmark could resolve to."""
    names = {t for *_, cands in slots() for t in cands} | set(ROLES[BENCHMARK_ROLE])
    return sorted(names)


def resolve_members(available: list[str]) -> list[Member]:
    """Each slot filled with its first candidate in ``available`` (a ticker used once)."""
    have: set[str] = set(available)
    used: set[str] = set()
    out = []
    for slot, label, group, cands in slots():
        ticker = next((t for t in cands if t in have and t not in used), None)
        if ticker is not None:
            used.add(ticker)
        out.append(Member(slot, label, group, cands, ticker))
    return out


def missing_notice(members: list[Member], benchmark: str | None) -> list[str]:
    """Lines naming the series the store lacks (empty when every slot is filled)."""
    lines = []
    if benchmark is None:
        lines.append(f"no benchmark series (looked for {', '.join(ROLES[BENCHMARK_ROLE])})")
    gone = [m for m in members if m.ticker is None]
    if gone:
        names = ", ".join(f"{m.slot} ({m.label})" for m in gone)
        lines.append(f"not in the store, so not drawn: {names}")
    return lines


def labels(members: list[Member]) -> dict[str, str]:
    """Stored ticker -> label of the filled slots (the slot's ETF named when it differs)."""
    return {
        m.ticker: m.label if m.ticker == m.slot else f"{m.label} (for {m.slot})"
        for m in members
        if m.ticker is not None
    }


def rotation_service(svc: BreadthService) -> RotationService:
    """The rotation read API over the app's breadth service (same cache, same store)."""
    from service.rotation import RotationService

    return RotationService(svc)


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
    from indicators.rrg import RrgParams

    available = list(svc.closes(candidate_tickers()).columns)
    members = resolve_members(available)
    bench = resolve_role(BENCHMARK_ROLE, available)
    notices = missing_notice(members, bench)
    names = labels(members)
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
