"""Built figures memoized per (data version, view), as plain dicts.

Building Plotly figures from cached indicator frames still costs ~0.1–0.3 s of CPU per view
(trace validation), which under load queues every other request behind it. The finished
figure dicts are small (float32 arrays are base64) and go through the service's two-level
cache (process LRU, then Redis or files), so any worker serves a view another one built.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable
from typing import Any

from components.breadth import views
from components.style import plain_figure
from components.url.fields import ViewState
from service.breadth import BreadthService

WINDOW_FIELDS = ("windows", "hl_weeks")
"""View fields only the window-set charts draw (issue #15): the other figures' keys leave
them out, so changing a window set rebuilds those two charts only."""
RANGE = ("start", "end")
FIELDS_OF: dict[str, tuple[str, ...]] = {
    "benchmark-fig": ("universe", *RANGE, "slow", "div_near", "div_trail", "div_marks"),
    "volume-fig": ("universe", *RANGE),
    "rotation-fig": RANGE,
    "windows-fig": ("universe", *RANGE, "windows"),
    "net-highs-fig": ("universe", *RANGE, "hl_weeks", "intraday"),
}
"""The view fields each figure depends on (the others' keys hold every field but the window
sets): a new fast or slow window rebuilds the panels, not the volume chart (tested by
building the figures of views that differ in the other fields)."""


def view_key(state: ViewState, name: str = "") -> str:
    """The memo key of figure ``name`` for ``state``: the fields of ``FIELDS_OF[name]``, else
    every field but the window sets (except for the window-set charts themselves)."""
    items = dataclasses.asdict(state)
    if name in FIELDS_OF:
        items = {k: items[k] for k in FIELDS_OF[name]}
    elif name not in ("windows-fig", "net-highs-fig"):
        items = {k: v for k, v in items.items() if k not in WINDOW_FIELDS}
    raw = repr(sorted(items.items()))
    return hashlib.sha1(raw.encode()).hexdigest()[:16]


def cached_panels(svc: BreadthService, state: ViewState) -> views.BreadthPanels:
    """``views.breadth_panels`` with its figures memoized (same data version, same view)."""

    def build() -> views.BreadthPanels:
        p = views.breadth_panels(svc, state)
        figures = (p.participation, p.highs_lows, p.advance_decline)
        return views.BreadthPanels(*(plain_figure(f) for f in figures))

    return svc.memo("panels", view_key(state), build)


def cached_benchmark(svc: BreadthService, state: ViewState) -> Any:
    """``views.benchmark`` memoized like ``cached_panels``."""
    name = "benchmark-fig"
    return svc.memo(name, view_key(state, name), lambda: plain_figure(views.benchmark(svc, state)))


def cached_volume(svc: BreadthService, state: ViewState) -> Any:
    """``views.volume`` memoized like ``cached_panels``."""
    name = "volume-fig"
    return svc.memo(name, view_key(state, name), lambda: plain_figure(views.volume(svc, state)))


def cached_rotation(
    svc: BreadthService, state: ViewState, *, patch: bool = False
) -> views.RotationPanel:
    """``views.rotation`` memoized when it builds a whole figure (a Patch is not cached)."""
    if patch:
        return views.rotation(svc, state, patch=True)

    def build() -> views.RotationPanel:
        r = views.rotation(svc, state)
        return views.RotationPanel(plain_figure(r.figure), r.table, list(r.notices))

    return svc.memo("rotation-fig", view_key(state, "rotation-fig"), build)


def cached_figure(
    svc: BreadthService, state: ViewState, name: str, build: Callable[[], Any]
) -> Any:
    """A window-set chart's figure (``build()``), memoized per data version and the fields
    of ``FIELDS_OF[name]``."""
    return svc.memo(name, view_key(state, name), lambda: plain_figure(build()))
