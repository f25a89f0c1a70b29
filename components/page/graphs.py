"""The one ``dcc.Graph`` config of the page and the report: no button sends data anywhere;
``BLANK``, the figure every graph of the page mounts with; ``held(height)``, the room a graph
keeps before its code has loaded.

Plotly.js 3 (3.8 here; the page and the report load the same bundle) shows a "Share
chart..." button (``sendChartToCloud``, an upload to Plotly's cloud) unless
``showSendToCloud`` is false; 3.x has no edit-in-Chart-Studio button or "Edit chart" link
left to switch off. Sharing is the page's own "Copy link".
"""

from __future__ import annotations

from typing import Any

NO_THIRD_PARTY: dict[str, Any] = {"showSendToCloud": False, "displaylogo": False}
BLANK: dict[str, Any] = {"layout": {"xaxis": {"visible": False}, "yaxis": {"visible": False}}}
"""A graph's figure until its callback answers: no axes. dcc.Graph draws its figure when it
mounts; Plotly's default axes (-1 to 6, 0 to 4) took ~23 ms a graph to draw, this ~16 ms."""


def graph_config(**extra: Any) -> Any:
    """A dcc.Graph ``config`` (a TypedDict mypy cannot import, hence ``Any``): responsive,
    nothing sent to a third party, plus ``extra``."""
    return {**NO_THIRD_PARTY, "responsive": True, **extra}


def held(height_px: int) -> dict[str, str]:
    """The ``parent_style`` of the ``dcc.Loading`` around a graph ``height_px`` tall: it keeps
    the graph's room while the graph's code loads. dcc.Graph renders nothing until its lazy
    chunk has loaded, and the page below moved down by every chart's height when they
    appeared (tests/browser/test_page.py br001: layout shift)."""
    return {"minHeight": f"{height_px}px"}
