"""Rotation legs built from constituents: a universe's equal-weight index, cached.

Cap and style pairs from ETFs (IWM/SPY …) have a twin built from the store's own stocks when
the store holds the universes: small vs large = russell2000 vs russell1000 (else the demo's
sim-small vs sim-large), value vs growth = a stored value/growth universe pair (skipped with
a notice when there is none). Each leg is ``indicators.rotation.equal_weight_index`` of the
universe's members (point in time where the universe is), memoized by the service on
(data version, universe) like every other frame: a Series of levels, never a price panel.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from data.benchmarks import PAIRS
from data.universes import get_universe, membership_panel
from indicators.rotation import equal_weight_index
from service.breadth import BreadthService

EW_PREFIX = "EW:"
"""Column prefix of a constituent-built leg in the rotation closes frame (``EW:sim-small``)."""
EW_SUFFIX = "(equal-weight, from constituents)"

CONSTITUENT_PAIRS: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "small_vs_large": (
        "Small vs large caps",
        (("russell2000", "russell1000"), ("sim-small", "sim-large")),
    ),
    "value_vs_growth": (
        "Value vs growth",
        (
            ("russell1000value", "russell1000growth"),
            ("russell3000value", "russell3000growth"),
            ("value", "growth"),
            ("sim-value", "sim-growth"),
        ),
    ),
}
"""Pair id -> (label, candidate (numerator, denominator) universe names, preferred first)."""


@dataclass(frozen=True)
class ConstituentPair:
    """A pair built from two stored universes (equal-weight legs)."""

    pair_id: str
    label: str
    numerator: str
    denominator: str
    survivorship: str
    """The caveat when either universe is not point in time, else ""."""

    @property
    def roles(self) -> tuple[str, str]:
        """The benchmark roles of the two legs (``data.benchmarks.PAIRS``), e.g. small, large."""
        num, den, _ = PAIRS[self.pair_id]
        return num, den

    @property
    def columns(self) -> tuple[str, str]:
        return ew_column(self.numerator), ew_column(self.denominator)


def ew_column(universe: str) -> str:
    """The closes-frame column of a universe's equal-weight index."""
    return f"{EW_PREFIX}{universe}"


def ew_label(label: str) -> str:
    """A pair or leg label marked as built from constituents."""
    return f"{label} {EW_SUFFIX}"


def equal_weight(svc: BreadthService, universe: str) -> pd.Series:
    """Equal-weight index (100 at the first stored session) of ``universe``'s members."""

    def compute() -> pd.Series:
        _, intervals = get_universe(svc.store, universe)
        tickers = sorted(set(intervals["ticker"].astype(str)))
        prices = svc.store.read_prices(tickers, fields=("close",))
        member = membership_panel(intervals, prices.dates, prices.tickers)
        return equal_weight_index(prices.close, member).rename(ew_column(universe))

    return svc.memo("equal_weight", universe.lower(), compute)


def constituent_pairs(svc: BreadthService) -> tuple[list[ConstituentPair], list[str]]:
    """The pairs whose two universes the store holds, and a notice for each pair skipped."""
    stored = {u.name.lower(): u for u in svc.store.list_universes()}
    pairs: list[ConstituentPair] = []
    notices: list[str] = []
    for pair_id, (label, candidates) in CONSTITUENT_PAIRS.items():
        found = next(((n, d) for n, d in candidates if n in stored and d in stored), None)
        if found is None:
            looked = ", ".join(f"{n} and {d}" for n, d in candidates[:2])
            notices.append(f"{ew_label(label)}: skipped, the store holds no {looked} universes")
            continue
        num, den = stored[found[0]], stored[found[1]]
        caveat = num.survivorship_note or den.survivorship_note
        pairs.append(ConstituentPair(pair_id, ew_label(label), num.name, den.name, caveat))
        if caveat:
            notices.append(f"{ew_label(label)} ({num.name} vs {den.name}): {caveat}")
    return pairs, notices


def with_constituents(
    svc: BreadthService, closes: pd.DataFrame
) -> tuple[pd.DataFrame, list[ConstituentPair], list[str]]:
    """``closes`` plus one ``EW:<universe>`` column per leg of every constituent pair."""
    pairs, notices = constituent_pairs(svc)
    legs = {
        col: u
        for p in pairs
        for col, u in zip(p.columns, (p.numerator, p.denominator), strict=True)
    }
    if not legs:
        return closes, pairs, notices
    extra = pd.DataFrame({col: equal_weight(svc, u) for col, u in legs.items()})
    index = closes.index.union(extra.index) if len(closes.index) else extra.index
    out = closes.reindex(index).join(extra.reindex(index))
    return out, pairs, notices
