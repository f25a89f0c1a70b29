"""Cap and style rotation pairs (the Breadth tab's rotation chart, its table and the page
CSV): pairs resolved on the store's tickers, ratio lines rebased at the view's start, and each
leg's return since the start and year to date.

Pure (frames in, frames out) apart from ``add_constituents``, which reads the constituent
legs through the service. Computed here rather than in components/ (which only draws), and
kept apart from ``service.rotation`` (the cached RRG, claim and analog queries).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from data.benchmarks import PAIRS, ROLES, resolve_role
from indicators.rotation import ratio, rebased_ratio, return_since, ytd_return
from service.breadth import BreadthService
from service.constituents import EW_PREFIX, EW_SUFFIX, ConstituentPair, with_constituents

ROLE_LABELS: dict[str, str] = {
    "large": "Large caps",
    "small": "Small caps",
    "value": "Value",
    "growth": "Growth",
    "equal": "Equal weight",
}
BENCHMARK_ROLE = "large"


@dataclass(frozen=True)
class Pair:
    """A rotation pair with its legs resolved to tickers (None: no series in the store)."""

    pair_id: str
    label: str
    numerator: str
    denominator: str
    num_ticker: str | None
    den_ticker: str | None

    @property
    def complete(self) -> bool:
        return self.num_ticker is not None and self.den_ticker is not None


def candidate_tickers() -> list[str]:
    """Every ticker any rotation role or the benchmark could resolve to."""
    roles = {BENCHMARK_ROLE, *(r for num, den, _ in PAIRS.values() for r in (num, den))}
    return sorted({t for role in roles for t in ROLES.get(role, ())})


def resolve_pairs(available: list[str]) -> list[Pair]:
    """PAIRS resolved against the tickers the store holds."""
    return [
        Pair(pid, label, num, den, resolve_role(num, available), resolve_role(den, available))
        for pid, (num, den, label) in PAIRS.items()
    ]


def missing_notices(pairs: list[Pair]) -> list[str]:
    """One line per missing leg, naming the role and the tickers looked for."""
    out = []
    for pair in pairs:
        for role, ticker in (
            (pair.numerator, pair.num_ticker),
            (pair.denominator, pair.den_ticker),
        ):
            if ticker is None:
                looked = ", ".join(ROLES.get(role, ())) or "no candidates"
                out.append(
                    f"{pair.label}: no {ROLE_LABELS.get(role, role).lower()} series in the "
                    f"store (looked for {looked})"
                )
    return out


def display_ticker(column: str) -> str:
    """What the table shows for a closes column: the ticker, or the universe of an EW leg."""
    return column.removeprefix(EW_PREFIX)


def leg_name(role: str, column: str) -> str:
    """The table's name of a leg: its role, marked when built from constituents."""
    name = ROLE_LABELS.get(role, role)
    return f"{name} {EW_SUFFIX}" if column.startswith(EW_PREFIX) else name


def constituent_rotation_pairs(pairs: list[ConstituentPair]) -> list[Pair]:
    """Constituent-built pairs as ``Pair``s whose legs are the ``EW:`` columns."""
    out = []
    for p in pairs:
        (num_role, den_role), (num_col, den_col) = p.roles, p.columns
        out.append(Pair(f"{p.pair_id}_ew", p.label, num_role, den_role, num_col, den_col))
    return out


def add_constituents(
    svc: BreadthService, closes: pd.DataFrame, pairs: list[Pair], notices: list[str]
) -> tuple[pd.DataFrame, list[Pair], list[str]]:
    """The ETF pairs plus the pairs built from stored universes (equal-weight legs), with
    their columns added to ``closes`` and their notices (pairs skipped, survivorship)."""
    wide, extra, notes = with_constituents(svc, closes)
    return wide, [*pairs, *constituent_rotation_pairs(extra)], [*notices, *notes]


def rotation_lines(closes: pd.DataFrame, pairs: list[Pair], anchor: date) -> pd.DataFrame:
    """Ratio lines of the complete pairs, rebased to 100 at ``anchor``; columns = labels."""
    lines = {
        p.label: rebased_ratio(closes[p.num_ticker], closes[p.den_ticker], pd.Timestamp(anchor))
        for p in pairs
        if p.complete and p.num_ticker in closes and p.den_ticker in closes
    }
    if not lines:
        return pd.DataFrame(index=closes.index)
    return pd.DataFrame(lines).reindex(closes.index)


def returns_table(closes: pd.DataFrame, pairs: list[Pair], start: date, end: date) -> pd.DataFrame:
    """One row per resolved leg, then one per complete pair's ratio.

    Columns: name, ticker, since_start, ytd (percent; NaN when undefined).
    """
    begin, stop = pd.Timestamp(start), pd.Timestamp(end)
    rows: list[dict[str, object]] = []
    seen: set[str] = set()
    for p in pairs:
        for role, ticker in ((p.numerator, p.num_ticker), (p.denominator, p.den_ticker)):
            if ticker is None or ticker in seen or ticker not in closes:
                continue
            seen.add(ticker)
            series = closes[ticker]
            rows.append(
                {
                    "name": leg_name(role, ticker),
                    "ticker": display_ticker(ticker),
                    "since_start": return_since(series, begin, stop),
                    "ytd": ytd_return(series, stop),
                }
            )
    for p in pairs:
        if not (p.complete and p.num_ticker in closes and p.den_ticker in closes):
            continue
        rel = ratio(closes[p.num_ticker], closes[p.den_ticker])
        rows.append(
            {
                "name": f"{p.label} (ratio)",
                "ticker": "/".join(display_ticker(str(t)) for t in (p.num_ticker, p.den_ticker)),
                "since_start": return_since(rel, begin, stop),
                "ytd": ytd_return(rel, stop),
            }
        )
    return pd.DataFrame(rows, columns=["name", "ticker", "since_start", "ytd"])
