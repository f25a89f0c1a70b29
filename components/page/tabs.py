"""The page's tabs: Breadth (the existing charts), Rotation (RRG), Claim check, Analogs.

``page_tabs`` lays out every tab of ``components.tabs.TAB_LIST``; the active tab is set
from the URL (``tab=``) by ``components.url.sync``. Every tab's
content is in the page from the start (hidden when inactive), and each view computes only
while its tab is active.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc
from dash.development.base_component import Component

from components.ids import Ids
from components.tabs import TAB_LIST
from components.url.fields import TABS
from components.url.values import Choices
from data.model import UniverseInfo


def page_tabs(choices: Choices, infos: list[UniverseInfo]) -> Component:
    """A dbc.Tabs with one tab per entry of ``components.tabs.TAB_LIST``."""
    return dbc.Container(
        [
            dcc.Store(id=Ids.TAB_STATE),
            dbc.Tabs(
                [
                    dbc.Tab(
                        list(tab.layout(choices, infos)),
                        label=TABS[tab.name],
                        tab_id=tab.name,
                        class_name="pt-2",
                    )
                    for tab in TAB_LIST
                ],
                id=Ids.TABS,
                active_tab=next(iter(TABS)),
                class_name="page-tabs mb-2",
            ),
        ],
        fluid=True,
        class_name="px-0",
    )
