"""Every component id of the page, typed once (no string id is written twice)."""

from __future__ import annotations

from enum import StrEnum


class Ids(StrEnum):
    """Component ids. Pattern-matching ids use ``{"type": Ids.X, ...}``."""

    URL = "url"
    VIEW = "view-state"
    RANGE = "view-range"
    NOTICES = "url-notices"

    # header
    BANNER = "simulated-banner"
    BADGE = "data-badge"
    COVERAGE = "coverage-badge"
    SURVIVORSHIP = "survivorship-note"

    # controls
    UNIVERSE = "universe"
    COMPARE = "compare-universe"
    DATES = "date-range"
    PRESET = "preset"
    FAST = "ma-fast"
    SLOW = "ma-slow"
    HIGHS = "highs-mode"
    HIGHS_NOTE = "highs-note"
    MCCLELLAN = "mcclellan-mode"
    DOWNLOAD_BUTTON = "download-button"
    DOWNLOAD = "download"

    # charts
    BENCHMARK = "chart-benchmark"
    PARTICIPATION = "chart-participation"
    HIGHS_LOWS = "chart-highs-lows"
    ADVANCE_DECLINE = "chart-advance-decline"
    ROTATION = "chart-rotation"
    ROTATION_TABLE = "rotation-table"
    ROTATION_NOTICE = "rotation-notice"
    SYNC = "x-sync"


LINKED_GRAPHS: tuple[Ids, ...] = (
    Ids.BENCHMARK,
    Ids.PARTICIPATION,
    Ids.HIGHS_LOWS,
    Ids.ADVANCE_DECLINE,
    Ids.ROTATION,
)
"""Graphs on the one shared date axis: zooming one moves the others."""

BREADTH_GRAPHS: tuple[Ids, ...] = (Ids.PARTICIPATION, Ids.HIGHS_LOWS, Ids.ADVANCE_DECLINE)
"""Graphs drawn from the universe's breadth frame (rebuilt when the universe changes)."""
