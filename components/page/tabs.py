"""The tab strip, and each tab's parts found by its folder name.

``page_tabs`` lays out every tab of ``components.tabs.TAB_LIST``; the active tab is set from
the URL (``tab=``) by ``components.url.sync``. Every tab's content is in the page from the
start (hidden when inactive), and each view computes only while its tab is active.
``parts(name)`` imports ``components/<name>/{layout,callbacks,export}.py`` and returns what
they must define (a test checks every tab has them).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import import_module

import dash_bootstrap_components as dbc
from dash import Dash, dcc
from dash.development.base_component import Component

from components.ids import Ids
from components.tabs import TAB_LIST
from components.url.fields import ViewState
from components.url.values import Choices
from data.model import UniverseInfo
from service.breadth import BreadthService


@dataclass(frozen=True)
class TabParts:
    """What a tab folder defines: its content, its callbacks, its CSV download."""

    layout: Callable[[Choices, list[UniverseInfo]], Sequence[Component]]
    register: Callable[[Dash], None]
    view_csv: Callable[[BreadthService, ViewState], str]
    file_name: Callable[[ViewState], str]


def parts(name: str) -> TabParts:
    """The parts of the tab ``name`` (its folder ``components/<name>/``)."""
    layout = import_module(f"components.{name}.layout")
    callbacks = import_module(f"components.{name}.callbacks")
    export = import_module(f"components.{name}.export")
    return TabParts(layout.layout, callbacks.register, export.view_csv, export.file_name)


def page_tabs(choices: Choices, infos: list[UniverseInfo]) -> Component:
    """A dbc.Tabs with one tab per entry of ``components.tabs.TAB_LIST``."""
    return dbc.Container(
        [
            dcc.Store(id=Ids.TAB_STATE),
            dbc.Tabs(
                [
                    dbc.Tab(
                        list(parts(tab.name).layout(choices, infos)),
                        label=tab.label,
                        tab_id=tab.name,
                        class_name="pt-2",
                    )
                    for tab in TAB_LIST
                ],
                id=Ids.TABS,
                active_tab=TAB_LIST[0].name,
                class_name="page-tabs mb-2",
            ),
        ],
        fluid=True,
        class_name="px-0",
    )
