"""The page's tabs, declared once: a tab is a folder (``layout.py``, ``figures.py``,
``callbacks.py``) plus one entry in ``TAB_LIST``.

Each entry names the folder's layout function and its ``register(app)``; the tab's URL value
and label are in ``components.url.fields.TABS`` (the ``tab`` URL field validates against it,
and a test checks both lists name the same tabs in the same order).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from dash import Dash
from dash.development.base_component import Component

from components.analogs import callbacks as analogs_callbacks
from components.analogs.layout import analogs_tab
from components.breadth import callbacks as breadth_callbacks
from components.breadth.layout import tab as breadth_tab
from components.claims import callbacks as claims_callbacks
from components.claims.layout import claims_tab
from components.rrg import callbacks as rrg_callbacks
from components.rrg.layout import rrg_tab
from components.url.values import Choices
from data.model import UniverseInfo

Layout = Callable[[Choices, list[UniverseInfo]], Sequence[Component | None]]


@dataclass(frozen=True)
class Tab:
    """One tab: its URL value, layout (built per request) and callbacks."""

    name: str
    layout: Layout
    register: Callable[[Dash], None]


TAB_LIST: tuple[Tab, ...] = (
    Tab("breadth", breadth_tab, breadth_callbacks.register),
    Tab("rrg", lambda _, __: [rrg_tab()], rrg_callbacks.register),
    Tab("claims", lambda choices, infos: [claims_tab(choices, infos)], claims_callbacks.register),
    Tab("analogs", lambda _, __: [analogs_tab()], analogs_callbacks.register),
)
