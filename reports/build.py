"""The report of one view: the page's figures and tables for a URL query string.

``build_report(svc, query)`` parses the query exactly as the page does
(``components.urlstate.parse_query`` against the store's choices) and builds the sections of
the view's tab (``state.tab``: breadth, rrg, claims, analogs) with the page's own builders
(``reports.tabs``), so a report equals the view it was exported from. Rendering lives in
reports/html.py (standalone HTML) and reports/images.py (PNG per chart and per table).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from components import views
from components.refresh_panel import age_text
from components.urlstate import ViewState, parse_query, to_query
from components.urlstate_tabs import TAB_LABELS
from components.view_rrg import HOW_TO_READ
from data.errors import InputError
from reports.tabs import TITLES, Chart, Section, Table, tab_view
from service.breadth import BreadthService

__all__ = ["DEFINITIONS", "TITLES", "Chart", "Report", "Section", "Table", "build_report"]

BREADTH_KEYS: tuple[str, ...] = (
    "benchmark", "participation", "highs_lows", "advance_decline", "rotation",
)  # fmt: skip

DEFINITIONS: dict[str, str] = {
    "benchmark": "Adjusted close of the large-cap benchmark, for context.",
    "participation": (
        "% above N-day average: members with a bar and at least N bars whose close is above "
        "the mean of their own last N closes, over those eligible. Band: 10th–90th trailing "
        "percentile of the series' own history; dashed line: long-run average."
    ),
    "highs_lows": (
        "52-week highs/lows: members with 252 bars whose high (low) is at or above (below) "
        "the extreme of their last 252 bars, as % of those eligible; net = highs − lows."
    ),
    "advance_decline": (
        "A/D line: running sum of advances − declines (close vs the member's previous "
        "close). McClellan oscillator: 19-day EMA − 39-day EMA of net advances (ratio-adjusted: "
        "per mille of issues traded); summation index: running sum of the oscillator."
    ),
    "rotation": (
        "Ratio of the first leg's adjusted close to the second's, rebased to 100 at the range "
        "start: rising means the first leg outperforms."
    ),
    "rrg": HOW_TO_READ,
    "rrg_positions": (
        "The head of each tail at the end date: its quadrant, RS-Ratio and RS-Momentum "
        "(both 100 = the trailing window's average)."
    ),
    "claims": (
        "The note's figures recomputed from the stored data, each beside its long-run "
        "average and its percentile among all sessions up to the as-of date (only what was "
        "known on that day). Universes built from current holdings count today's members "
        "in the past (survivorship bias): breadth then reads higher than it was."
    ),
    "analog_forward": (
        "Past sessions whose setup resembled the as-of date (participation below its "
        "long-run average while the cap-weighted index sat near its 52-week high), each "
        "selected with data up to its own date only. Points: each episode's relative return "
        "over the horizon (open: realised only after the as-of date); bars: the median."
    ),
    "analog_summary": (
        "Median forward relative return, hit rate (% of episodes with a positive return) "
        "and number of episodes, per pair and horizon (1m = 21 sessions)."
    ),
    "analog_episodes": (
        "One row per episode: first and last signal session, the setup's values, and each "
        "pair's forward return over the longest horizon any episode has reached."
    ),
}
"""Short forms of docs/INDICATORS.md, one per chart or table (keys of ``TITLES``)."""


@dataclass
class Report:
    """Everything a report says besides the figures' data."""

    state: ViewState
    query: str
    universe: str
    universe_label: str
    survivorship: str
    coverage: str
    as_of: str
    source: str
    simulated: bool
    version: str
    options: str = ""
    subject: str = ""
    sections: list[Section] = field(default_factory=list)
    returns: pd.DataFrame = field(default_factory=pd.DataFrame)
    notices: list[str] = field(default_factory=list)

    @property
    def date_range(self) -> str:
        return f"{_day(self.state.start)} to {_day(self.state.end)}"

    @property
    def charts(self) -> list[Chart]:
        """The interactive figures (tables apart)."""
        return [s for s in self.sections if isinstance(s, Chart)]

    @property
    def tab_label(self) -> str:
        return TAB_LABELS.get(self.state.tab, self.state.tab)

    @property
    def title(self) -> str:
        """'Breadth report — sp500, 2023-01-03 to 2026-06-30' (claims/analogs: as of)."""
        return f"{self.tab_label} report — {self.universe}, {self.subject or self.date_range}"


def _day(day: date | None) -> str:
    return day.isoformat() if day else "—"


def build_report(svc: BreadthService, query: str | None) -> Report:
    """The report of the view a query string asks for (InputError on an empty store)."""
    if svc.store.is_empty():
        raise InputError("the store is empty: load data first (python cli.py demo | refresh)")
    manifest = svc.store.manifest()
    choices = views.choices(svc)
    state, notices = parse_query(query, choices)
    view = tab_view(svc, state, choices)
    label, note = views.survivorship(svc, view.universe)
    src = manifest.get("source", {})
    return Report(
        state=state,
        query=to_query(state),
        universe=view.universe,
        universe_label=f"{label} ({view.universe})",
        survivorship=note,
        coverage=view.coverage,
        as_of=age_text(manifest.get("last_date")),
        source=f"{src.get('kind', '')}: {src.get('label', '')}" if isinstance(src, dict) else "",
        simulated=bool(manifest.get("simulated")),
        version=str(manifest.get("version", "")),
        options=view.options,
        subject=view.subject,
        sections=view.sections,
        returns=view.returns,
        notices=[*notices, *view.notices],
    )
