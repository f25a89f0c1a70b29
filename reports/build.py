"""The report of one view: the page's figures for a URL query string, with what they show.

``build_report(svc, query)`` parses the query exactly as the page does
(``components.urlstate.parse_query`` against the store's choices) and builds every chart
with the page's own builders (``components.views``), so a report equals the view it was
exported from. Rendering lives in reports/html.py (standalone HTML) and reports/images.py
(PNG per chart).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd
import plotly.graph_objects as go

from components import views
from components.figstyle import HEIGHTS
from components.refresh_panel import age_text
from components.urlstate import ViewState, parse_query, to_query
from data.errors import InputError
from service import BreadthService

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
}
"""Short forms of docs/INDICATORS.md, one per chart."""

TITLES: dict[str, str] = {
    "benchmark": "Benchmark (large caps) for context",
    "participation": "Participation: % of members above their averages",
    "highs_lows": "New 52-week highs and lows",
    "advance_decline": "Advance–decline line, McClellan oscillator",
    "rotation": "Cap and style rotation",
}


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    figure: go.Figure
    height: int


@dataclass
class Report:
    """Everything a report says besides the figures' data."""

    state: ViewState
    query: str
    universe_label: str
    survivorship: str
    coverage: str
    as_of: str
    source: str
    simulated: bool
    version: str
    charts: list[Chart] = field(default_factory=list)
    returns: pd.DataFrame = field(default_factory=pd.DataFrame)
    notices: list[str] = field(default_factory=list)

    @property
    def date_range(self) -> str:
        return f"{_day(self.state.start)} to {_day(self.state.end)}"

    @property
    def options(self) -> str:
        s = self.state
        return (
            f"moving averages {s.fast}/{s.slow} days · "
            f"{'intraday' if s.intraday else 'closing'} 52-week highs · "
            f"{'ratio-adjusted' if s.ratio_adjusted else 'classic'} McClellan"
            + (f" · highs compared with {s.compare}" if s.compare else "")
        )


def _day(day: date | None) -> str:
    return day.isoformat() if day else "—"


def build_report(svc: BreadthService, query: str | None) -> Report:
    """The report of the view a query string asks for (InputError on an empty store)."""
    if svc.store.is_empty():
        raise InputError("the store is empty: load data first (python cli.py demo | refresh)")
    manifest = svc.store.manifest()
    state, notices = parse_query(query, views.choices(svc))
    panels = views.breadth_panels(svc, state)
    rot = views.rotation(svc, state)
    label, note = views.survivorship(svc, state.universe)
    src = manifest.get("source", {})
    figures: dict[str, go.Figure] = {
        "benchmark": views.benchmark(svc, state),
        "participation": panels.participation,
        "highs_lows": panels.highs_lows,
        "advance_decline": panels.advance_decline,
        "rotation": rot.figure if isinstance(rot.figure, go.Figure) else go.Figure(),
    }
    charts = [
        Chart(key, TITLES[key], fig, int(fig.layout.height or HEIGHTS.get(key, 360)))
        for key, fig in figures.items()
    ]
    return Report(
        state=state,
        query=to_query(state),
        universe_label=f"{label} ({state.universe})",
        survivorship=note,
        coverage=panels.coverage,
        as_of=age_text(manifest.get("last_date")),
        source=f"{src.get('kind', '')}: {src.get('label', '')}" if isinstance(src, dict) else "",
        simulated=bool(manifest.get("simulated")),
        version=str(manifest.get("version", "")),
        charts=charts,
        returns=rot.table,
        notices=[*notices, *rot.notices],
    )
