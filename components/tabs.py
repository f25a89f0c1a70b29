"""The page's tabs: Breadth (the existing charts), Rotation (RRG), Claim check, Analogs.

``page_tabs`` wraps the Breadth charts it is given and adds the other views' layouts; the
active tab is set from the URL (``tab=``) by ``components.tab_callbacks``. Every tab's
content is in the page from the start (hidden when inactive), and each view computes only
while its tab is active.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc
from dash.development.base_component import Component

from components.ids import Ids
from components.urlstate import Choices
from components.urlstate_tabs import TAB_LABELS, TABS
from data.model import UniverseInfo


def page_tabs(*breadth: Component | None, choices: Choices, infos: list[UniverseInfo]) -> Component:
    """A dbc.Tabs whose first tab holds ``breadth`` (unchanged) and then the other views."""
    from components.view_analogs import analogs_tab
    from components.view_claims import claims_tab
    from components.view_rrg import rrg_tab

    contents: dict[str, list[Component | None]] = {
        "breadth": list(breadth),
        "rrg": [rrg_tab()],
        "claims": [claims_tab(choices, infos)],
        "analogs": [analogs_tab()],
    }
    return dbc.Container(
        [
            dcc.Store(id=Ids.TAB_STATE),
            dbc.Tabs(
                [
                    dbc.Tab(
                        contents[name],
                        label=TAB_LABELS[name],
                        tab_id=name,
                        class_name="pt-2",
                    )
                    for name in TABS
                ],
                id=Ids.TABS,
                active_tab=TABS[0],
                class_name="page-tabs mb-2",
            ),
        ],
        fluid=True,
        class_name="px-0",
    )
