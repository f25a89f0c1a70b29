"""The window-set charts of the Breadth tab (issue #15 items 1 and 2), drawn for a view.

"Participation across windows" and "New highs − new lows (%)" read the view's breadth frame
(``views.query``: it carries ``mw`` and ``hw``, so the kernel counts every window of the
view in one pass) and are memoized per data version and view (``figure_cache``); a new date
range patches their ranges without resending data.
"""

from __future__ import annotations

from typing import Any

from dash import Patch

from components.breadth import figures_windows as fw
from components.breadth.figure_cache import cached_figure
from components.breadth.views import _patch, query
from components.style import message_figure
from components.url.fields import ViewState
from data.errors import BreadthError
from service.breadth import BreadthService


def long_runs(svc: BreadthService, state: ViewState) -> dict[int, dict[str, Any]]:
    """Window n -> the long-run average of ``pct_above_<n>dma`` over all stored data."""
    q = query(state)
    return {n: svc.long_run(q, f"pct_above_{n}dma") for n in state.windows}


def windows_chart(svc: BreadthService, state: ViewState) -> dict[str, Any]:
    """{"windows": figure}: % above each of the view's moving averages, with their averages."""

    def build() -> Any:
        try:
            frame = svc.breadth(query(state))
            averages = long_runs(svc, state)
        except BreadthError as exc:
            return message_figure(f"Cannot compute breadth: {exc}")
        return fw.windows_figure(
            frame, averages, windows=state.windows, start=state.start, end=state.end
        )

    return {"windows": cached_figure(svc, state, "windows-fig", build)}


def net_highs_chart(svc: BreadthService, state: ViewState) -> dict[str, Any]:
    """{"net_highs": figure}: NH − NL (% of eligible) per week count, cumulative 52-week net."""

    def build() -> Any:
        try:
            frame = svc.breadth(query(state))
        except BreadthError as exc:
            return message_figure(f"Cannot compute breadth: {exc}")
        return fw.net_highs_figure(
            frame,
            weeks=state.hl_weeks,
            closing=not state.intraday,
            start=state.start,
            end=state.end,
        )

    return {"net_highs": cached_figure(svc, state, "net-highs-fig", build)}


def _ranges_patch(svc: BreadthService, state: ViewState, ranges: Any) -> Patch:
    try:
        frame = svc.breadth(query(state))
    except BreadthError:
        return _patch(state.start, state.end, {})
    return _patch(state.start, state.end, ranges(frame) if not frame.empty else {})


def windows_patch(svc: BreadthService, state: ViewState) -> dict[str, Any]:
    """{"windows": Patch}: the new date range (the 0–100 scale stays)."""
    patch = _ranges_patch(svc, state, lambda f: fw.windows_ranges(f, state.start, state.end))
    return {"windows": patch}


def net_highs_patch(svc: BreadthService, state: ViewState) -> dict[str, Any]:
    """{"net_highs": Patch}: the new date range and both rows' y-ranges over it."""
    patch = _ranges_patch(
        svc, state, lambda f: fw.net_highs_ranges(f, state.hl_weeks, state.start, state.end)
    )
    return {"net_highs": patch}
