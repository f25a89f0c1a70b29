"""Every chart and table of the page, declared once: ``CHARTS``.

An entry says which tab shows it, its title (page card header and report section), the
"How to read this" text, the report's short definition, its graph id and height, whether it
sits on the shared date axis, and, for the Breadth tab's charts, how it is drawn for a view
(``draw``) and re-ranged for a new date range (``redraw``), with the other outputs drawn
with it (``extras``). The Breadth layout, ``update_charts``, the reports and the linked axes
read these entries.

Adding a Breadth chart: an entry here, its builder in ``components/breadth/figures.py``
(its computation, if new, in the service) and a test.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from components.breadth import columns, views, views_windows
from components.breadth.figure_cache import (
    cached_benchmark,
    cached_panels,
    cached_rotation,
    cached_volume,
)
from components.ids import Ids
from components.page.tables import notice_list, returns_table, survivorship_alert
from components.style import HEIGHTS
from components.url.fields import ViewState
from service.breadth import BreadthService

RRG_HOW_TO_READ = (
    "Each series is compared with the large-cap benchmark. RS-Ratio (x) measures the trend of "
    "its relative strength, RS-Momentum (y) the rate of change of that trend; both are "
    "z-scores against the trailing window only (100 = the window's average), so a point never "
    "uses data after its date. Series tend to rotate clockwise: Improving → Leading → "
    "Weakening → Lagging. The tail shows the path over the last periods; the slider moves "
    "the end date through the selected range. Weekly periods: window 52, momentum 10 weeks; "
    "daily: 52 and 10 sessions."
)

Columns = Callable[[BreadthService, ViewState], pd.DataFrame]
"""(service, view) -> the chart's columns of "Download CSV", indexed by session."""

Draw = Callable[[BreadthService, ViewState], dict[str, Any]]
"""(service, view) -> {output name: value}: the chart's figure (or Patch) under its key,
and its extras under theirs."""


@dataclass(frozen=True)
class Chart:
    """One chart or table (see the module docstring)."""

    key: str
    tab: str
    title: str
    definition: str
    help: str = ""
    subtitle: str = ""
    graph: Ids | None = None
    linked: bool = False
    report: bool = True
    draw: Draw | None = None
    redraw: Draw | None = None
    per_view: bool = True
    """Redrawn when the view (universe, windows, options) changes; else only on a new
    date range or data version."""
    extras: tuple[tuple[str, Ids, str], ...] = ()
    """(output name, component id, property) drawn together with the chart."""
    columns: Columns | None = None
    """What the chart adds to its tab's CSV (Breadth charts; other tabs export one table)."""

    @property
    def header(self) -> str:
        """The page card's header: the title and, if any, the subtitle."""
        return f"{self.title}: {self.subtitle}" if self.subtitle else self.title

    @property
    def height(self) -> int:
        return HEIGHTS.get(self.key, 360)


# -- how the Breadth charts are drawn (figures memoized per data version and view) ---------
def _participation(svc: BreadthService, state: ViewState) -> dict[str, Any]:
    panels = cached_panels(svc, state)
    label, note = views.survivorship(svc, state.universe)
    return {
        "participation": panels.participation,
        "coverage": views.coverage_at(svc, state),
        "survivorship": survivorship_alert(note, label),
    }


def _rotation(svc: BreadthService, state: ViewState, *, patch: bool) -> dict[str, Any]:
    rot = cached_rotation(svc, state, patch=patch)
    return {
        "rotation": rot.figure,
        "rotation_table": returns_table(rot.table, state.start, state.end),
        # informational (a pair the store cannot build): neutral, not a warning
        "rotation_notice": notice_list(rot.notices, heading="Rotation notes:", color="light"),
    }


CHARTS: tuple[Chart, ...] = (
    Chart(
        key="benchmark",
        tab="breadth",
        title="Benchmark (large caps) for context",
        help=(
            "The large-cap benchmark's adjusted close, for context: breadth that weakens "
            "while the index makes new highs (a negative divergence) is a classic warning sign. "
            "Triangles mark divergences (on this chart and the participation chart): down, "
            "bearish — the index within 2% of its 52-week high while % above the slow average is "
            "below its 50-session average and below its value at the index's previous 52-week "
            "high; up, bullish — the mirror at 52-week lows. One mark per run of flagged "
            "sessions, on its first day; the link's dvn and dvt change the 2% and the 50 "
            "sessions, dv=off hides the marks."
        ),
        definition=(
            "Adjusted close of the large-cap benchmark, for context. Triangles: first session "
            "of each run of bearish (down) / bullish (up) breadth divergences."
        ),
        graph=Ids.BENCHMARK,
        columns=columns.benchmark,
        linked=True,
        draw=lambda svc, state: {"benchmark": cached_benchmark(svc, state)},
        redraw=lambda svc, state: {"benchmark": views.benchmark_patch(svc, state)},
    ),
    Chart(
        key="participation",
        tab="breadth",
        title="Participation: % of members above their averages",
        help=(
            "Share of members whose close is above its own moving average. Above ~70% is "
            "broad participation, below ~30% a washed-out market. The shaded band is the "
            "10th–90th percentile of the series' own history up to each day (trailing, no "
            "look-ahead); the dashed line is its long-run average. Hover shows the trailing "
            "percentile and how many members had data."
        ),
        definition=(
            "% above N-day average: members with a bar and at least N bars whose close is "
            "above the mean of their own last N closes, over those eligible. Band: 10th–90th "
            "trailing percentile of the series' own history; dashed line: long-run average."
        ),
        graph=Ids.PARTICIPATION,
        columns=columns.participation,
        linked=True,
        draw=_participation,
        redraw=lambda svc, state: {
            "participation": views.participation_patch(svc, state),
            "coverage": views.coverage_at(svc, state),  # at the view's end date
        },
        extras=(
            ("coverage", Ids.COVERAGE, "children"),
            ("survivorship", Ids.SURVIVORSHIP, "children"),
        ),
    ),
    # issue #15 item 1: every moving-average window of ``mw`` at once
    Chart(
        key="windows",
        tab="breadth",
        title="Participation across windows",
        help=(
            'One line per moving-average window (set under "Windows (days)"): the '
            "share of members whose close is above its own N-day average. Short windows turn "
            "first; when they recover while the 200-day line is still low, a rally is "
            "broadening. The dotted line of the same colour is each window's long-run average "
            "over all stored data: readings above it are broader than usual for that window."
        ),
        definition=(
            "% above N-day average for each window N of the view (column pct_above_Ndma: members "
            "with at least N bars whose close is above the mean of their last N closes, over "
            "those eligible); dotted: each line's long-run average over all stored data."
        ),
        graph=Ids.WINDOWS,
        columns=columns.windows,
        linked=True,
        draw=views_windows.windows_chart,
        redraw=views_windows.windows_patch,
    ),
    Chart(
        key="highs_lows",
        tab="breadth",
        title="New 52-week highs and lows",
        help=(
            "Share of eligible members (a year of history) closing at a 52-week high or low, "
            "and the net count. Expanding highs confirm an advance; rising lows during a rally "
            "are a divergence. A second universe's % at highs can be overlaid for comparison."
        ),
        definition=(
            "52-week highs/lows: members with 252 bars whose high (low) made or matched the "
            "extreme of their last 252 bars (within a relative 1e-6), as % of those eligible; "
            "net = highs − lows."
        ),
        graph=Ids.HIGHS_LOWS,
        columns=columns.highs_lows,
        linked=True,
        draw=lambda svc, state: {"highs_lows": cached_panels(svc, state).highs_lows},
        redraw=lambda svc, state: {"highs_lows": views.highs_lows_patch(svc, state)},
    ),
    # issue #15 item 2: new highs − new lows over the week counts of ``hw``
    Chart(
        key="net_highs",
        tab="breadth",
        title="New highs − new lows (%)",
        help=(
            "For each look-back (4, 13, 26, 52 weeks = 20, 63, 126, 252 sessions; set under "
            '"New highs − lows (weeks)"): members at a new high minus members at a new low, '
            "as % of the members with that much history. Above zero, more names make highs "
            "than lows; short look-backs react first. Highs and lows are intraday or closing "
            'as chosen under "52-week highs". Lower panel: running sum of 52-week highs − '
            "lows since the first stored session."
        ),
        definition=(
            "NH − NL (%) = pct_new_highs_Ww − pct_new_lows_Ww (W weeks): members whose high (low) "
            "made or matched the extreme of their last 20/63/126/252 bars (within a relative "
            "1e-6), net, as % of those with that many bars. Lower panel: cum_net_new_highs, "
            "the running sum of 52-week highs − lows."
        ),
        graph=Ids.NET_HIGHS,
        columns=columns.net_highs,
        linked=True,
        draw=views_windows.net_highs_chart,
        redraw=views_windows.net_highs_patch,
    ),
    Chart(
        key="advance_decline",
        tab="breadth",
        title="Advance–decline line, McClellan oscillator",
        help=(
            "A/D line: running sum of advancers minus decliners. McClellan oscillator: 19-day "
            "minus 39-day EMA of net advances (ratio-adjusted: per mille of issues traded, "
            "comparable across universe sizes); above zero is positive momentum. The "
            "summation index is the running sum of the oscillator."
        ),
        definition=(
            "A/D line: running sum of advances − declines (close vs the member's previous "
            "close). McClellan oscillator: 19-day EMA − 39-day EMA of net advances "
            "(ratio-adjusted: per mille of issues traded); summation index: running sum of "
            "the oscillator."
        ),
        graph=Ids.ADVANCE_DECLINE,
        columns=columns.advance_decline,
        linked=True,
        draw=lambda svc, state: {"advance_decline": cached_panels(svc, state).advance_decline},
        redraw=lambda svc, state: {"advance_decline": views.advance_decline_patch(svc, state)},
    ),
    Chart(
        key="volume",
        tab="breadth",
        title="Volume breadth: up-volume %, Arms index (TRIN), A/D volume line",
        help=(
            "Where the shares traded went. Up-volume %: the advancers' share of the volume "
            "of advancers and decliners (50 = even; above ~90% on a day is a strong "
            "buying day). Arms index (TRIN) = (advances / declines) / (up volume / down "
            "volume): below 1 the volume favours the advancers, above 1 the decliners; "
            "readings above 2 mark selling climaxes. Log axis, symmetric about 1 (at most "
            "0.1–10; rarer readings are clipped, hover shows them); the dashed line is its "
            "10-day average. A/D volume line: running sum of up minus down volume (its level "
            "is arbitrary, its direction is the signal). Volume as stored (shares), not "
            "rescaled; a member without volume on a day still counts as an advance or "
            "decline but adds no shares."
        ),
        definition=(
            "Up/down volume: shares traded by members that closed above/below their previous "
            "close. Up-volume % = 100 × up / (up + down). Arms index = (advances / declines) "
            "/ (up volume / down volume), undefined when a denominator is 0; dashed: its "
            "10-day average. A/D volume line: running sum of up − down volume."
        ),
        graph=Ids.VOLUME,
        columns=columns.volume,
        linked=True,
        draw=lambda svc, state: {"volume": cached_volume(svc, state)},
        redraw=lambda svc, state: {"volume": views.volume_patch(svc, state)},
    ),
    Chart(
        key="rotation",
        tab="breadth",
        title="Cap and style rotation",
        subtitle="small vs large, value vs growth, equal vs cap weight",
        help=(
            "Each line is the first leg's price divided by the second's, rebased to 100 at "
            "the range start: rising means the first leg is outperforming. The table gives "
            "each leg's total return since the range start and year to date (as of the range "
            "end)."
        ),
        definition=(
            "Ratio of the first leg's adjusted close to the second's, rebased to 100 at the "
            "range start: rising means the first leg outperforms."
        ),
        graph=Ids.ROTATION,
        columns=columns.rotation,
        linked=True,
        draw=lambda svc, state: _rotation(svc, state, patch=False),
        redraw=lambda svc, state: _rotation(svc, state, patch=True),
        per_view=False,  # the pairs do not depend on the universe or the windows
        extras=(
            ("rotation_table", Ids.ROTATION_TABLE, "children"),
            ("rotation_notice", Ids.ROTATION_NOTICE, "children"),
        ),
    ),
    # -- sector breadth (components/sectors/) --
    Chart(
        key="sector_heatmap",
        tab="sectors",
        title="Sector breadth: % above the moving average by week",
        definition=(
            "Each cell: the share of the sector's members in the universe above their own "
            "n-day simple moving average on the week's last session (members with fewer than "
            "n bars left out; grey: none eligible). Purple above 50%, orange below."
        ),
        graph=Ids.SECTOR_HEATMAP,
    ),
    Chart(
        key="sector_table",
        tab="sectors",
        title="Each sector on the end date",
        definition=(
            "Each sector's % above its n-day average on the end date, its members with data, "
            "and the percentile of that value among the sector's own values up to that date."
        ),
    ),
    Chart(
        key="rrg",
        tab="rrg",
        title="Relative rotation graph",
        help=RRG_HOW_TO_READ,
        definition=RRG_HOW_TO_READ,
        graph=Ids.RRG,
    ),
    Chart(
        key="rrg_positions",
        tab="rrg",
        title="Where each series stands at the end date",
        definition=(
            "The head of each tail at the end date: its quadrant, RS-Ratio and RS-Momentum "
            "(both 100 = the trailing window's average)."
        ),
    ),
    Chart(
        key="claims",
        tab="claims",
        title="Claim check: a narrow rally, then broadening?",
        definition=(
            "The note's figures recomputed from the stored data, each beside its long-run "
            "average and its percentile among all sessions up to the as-of date (only what "
            "was known on that day). Universes built from current holdings count today's "
            "members in the past (survivorship bias): breadth then reads higher than it was."
        ),
    ),
    Chart(
        key="analog_forward",
        tab="analogs",
        title="Forward relative returns after each episode",
        definition=(
            "Past sessions whose setup resembled the as-of date (participation below its "
            "long-run average while the cap-weighted index sat near its 52-week high), each "
            "selected with data up to its own date only. Points: each episode's relative "
            "return over the horizon (open: realised only after the as-of date); bars: the "
            "median."
        ),
        graph=Ids.ANALOG_FORWARD,
    ),
    Chart(
        key="analog_summary",
        tab="analogs",
        title="Median forward return and hit rate per horizon",
        definition=(
            "Median forward relative return, hit rate (% of episodes with a positive return) "
            "and number of episodes, per pair and horizon (1m = 21 sessions)."
        ),
    ),
    Chart(
        key="analog_episodes",
        tab="analogs",
        title="Episodes",
        definition=(
            "One row per episode: first and last signal session, the setup's values, and each "
            "pair's forward return over the longest horizon any episode has reached."
        ),
    ),
)

BY_KEY: dict[str, Chart] = {c.key: c for c in CHARTS}


def charts_of(tab: str) -> tuple[Chart, ...]:
    """The entries of one tab, in page order."""
    return tuple(c for c in CHARTS if c.tab == tab)


LINKED_GRAPHS: tuple[Ids, ...] = tuple(c.graph for c in CHARTS if c.linked and c.graph)
"""Graphs on the one shared date axis: zooming one moves the others."""
