"""The report of one view: the page's figures and tables for a URL query string.

``build_report(svc, query)`` parses the query exactly as the page does
(``components.url.query.parse_query`` against the store's choices) and builds the sections of
the view's tab (``state.tab``: breadth, rrg, claims, analogs) with the page's own builders
(``components.report.sections``), so a report equals the view it was exported from.
Rendering lives in ``html.py`` (standalone HTML) and ``images.py`` (PNG per chart and per
table) beside this module.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from components.breadth import views
from components.charts import CHARTS, charts_of
from components.context import choices as store_choices
from components.refresh.layout import age_text
from components.report.sections import TITLES, Chart, Section, Table, tab_view
from components.tabs import TABS
from components.url.fields import ViewState
from components.url.query import parse_query, to_query
from data.errors import InputError
from service.breadth import BreadthService

__all__ = ["DEFINITIONS", "TITLES", "Chart", "Report", "Section", "Table", "build_report"]

BREADTH_KEYS: tuple[str, ...] = tuple(c.key for c in charts_of("breadth") if c.report)
DEFINITIONS: dict[str, str] = {c.key: c.definition for c in CHARTS}
"""Short forms of docs/INDICATORS.md, one per chart or table (``components.charts``)."""


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
        return TABS.get(self.state.tab, self.state.tab)

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
    choices = store_choices(svc)
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
