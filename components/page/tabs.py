"""The tab strip, and each tab's parts found by its folder name.

``parts(name)`` imports ``components/<name>/{layout,callbacks,export}.py`` and returns what
they must define (a test checks every tab has them).

``page_tabs`` lays out every tab of ``components.tabs.TAB_LIST`` as a WAI-ARIA tab strip
(https://www.w3.org/WAI/ARIA/apg/patterns/tabs/): a ``tablist`` of buttons, each a ``tab``
with ``aria-selected`` and ``aria-controls``, and one ``tabpanel`` per tab labelled by its
button. Only the selected tab is in the Tab order (roving tabindex); the arrow keys, Home and
End move to another tab and select it (assets/tabs.js). The selected tab's name lives in the
``Ids.TABS`` store, which the URL sync (``tab=``) reads and writes.

dbc.Tabs is not used: dash-bootstrap-components 2.0.4 renders its nav links without an
event key, so every tab had ``tabindex=-1`` and the same id ending ``-tab-null`` (no keyboard
access, broken ``aria-controls``; dbc-team/dash-bootstrap-components#891).

Every tab's content is in the page from the start (``hidden`` when inactive). The URL sync
writes the page's state to ``TAB_STATE`` (the layout holds it at a page's load);
``tabs.route`` (clientside, also at the load) copies it to the active
tab's own store (``components.tabs.view_store``), which that tab's callback reads. So a tab
click, or a control of one tab, sends one view callback to the server, the active tab's:
before, all five tabs' callbacks fired and the four inactive ones answered nothing, and the
renderer's bookkeeping of those requests delayed the active tab's drawing (the RRG's click
to drawn, median 0.68-0.74 s then, 0.53-0.64 s now in bench T3).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from dash import ALL, ClientsideFunction, Dash, Input, Output, State, dcc, html
from dash.development.base_component import Component

from components.ids import Ids
from components.tabs import TAB_LIST, view_store
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


TAB_PROPS = ("aria-selected", "tabIndex", "className")
"""A tab button's props that say whether it is selected (assets/tabs.js ``shown``)."""
TAB_CLASS = "nav-link"
ACTIVE_CLASS = "nav-link active"


def tab_id(name: object) -> dict[str, object]:
    """The pattern-matching id of a tab's button."""
    return {"type": Ids.TAB, "tab": name}


def panel_id(name: object) -> dict[str, object]:
    """The pattern-matching id of a tab's panel."""
    return {"type": Ids.TAB_PANEL, "tab": name}


def dom_id(component_id: dict[str, object]) -> str:
    """The ``id`` attribute Dash gives a pattern-matching id in the page (keys sorted, compact
    JSON: dash-renderer's ``stringifyId``), for ``aria-controls`` / ``aria-labelledby``."""
    return json.dumps(
        {k: str(v) for k, v in component_id.items()}, sort_keys=True, separators=(",", ":")
    )


def aria(**attrs: str) -> dict[str, Any]:
    """``aria-*`` attributes as keyword arguments: ``aria(selected="true")``."""
    return {f"aria-{key}": value for key, value in attrs.items()}


def tab_button(name: str, label: str, active: bool) -> html.Button:
    """One tab: selected or not, in the Tab order only when selected."""
    return html.Button(
        label,
        id=tab_id(name),
        type="button",
        role="tab",
        n_clicks=0,
        tabIndex="0" if active else "-1",
        className=ACTIVE_CLASS if active else TAB_CLASS,
        **aria(selected="true" if active else "false", controls=dom_id(panel_id(name))),
    )


def page_tabs(choices: Choices, infos: list[UniverseInfo]) -> Component:
    """The tab strip and one panel per entry of ``components.tabs.TAB_LIST``."""
    first = TAB_LIST[0].name
    return html.Div(
        [
            dcc.Store(id=Ids.TAB_STATE),
            *[dcc.Store(id=view_store(tab.name)) for tab in TAB_LIST],
            dcc.Store(id=Ids.TABS, data=first),
            html.Div(
                [tab_button(tab.name, tab.label, tab.name == first) for tab in TAB_LIST],
                role="tablist",
                className="page-tabs nav nav-tabs mb-2",
                **aria(label="Views"),
            ),
            *[
                html.Div(
                    list(parts(tab.name).layout(choices, infos)),
                    id=panel_id(tab.name),
                    role="tabpanel",
                    hidden=tab.name != first,
                    className="pt-2",
                    **aria(labelledby=dom_id(tab_id(tab.name))),
                )
                for tab in TAB_LIST
            ],
        ],
    )


def register(app: Dash) -> None:
    """The tab strip's clientside callbacks (assets/tabs.js): a tab's click shows its tab
    (button states, panels' ``hidden``), sends the page's state with that tab to the tab's
    own store (its view is asked for at once) and selects the tab (writes the tab store,
    which the URL sync reads, just after); the store shows its tab (after Back/Forward); the
    URL sync's state reaches the active tab's own store (``route``), unless the click sent
    that state already."""
    app.clientside_callback(  # the view at once; the tab store (the sync's input) just after
        ClientsideFunction(namespace="tabs", function_name="select"),
        Output(view_store(ALL), "data", allow_duplicate=True),
        *[Output(tab_id(ALL), p, allow_duplicate=True) for p in TAB_PROPS],
        Output(panel_id(ALL), "hidden", allow_duplicate=True),
        Input(tab_id(ALL), "n_clicks"),
        State(Ids.TABS, "data"),
        State(Ids.TABS, "id"),
        State(Ids.TAB_STATE, "data"),
        State(view_store(ALL), "id"),
        State(tab_id(ALL), "id"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        ClientsideFunction(namespace="tabs", function_name="show"),
        *[Output(tab_id(ALL), p) for p in TAB_PROPS],
        Output(panel_id(ALL), "hidden"),
        Input(Ids.TABS, "data"),
        State(tab_id(ALL), "id"),
    )
    app.clientside_callback(
        ClientsideFunction(namespace="tabs", function_name="route"),
        Output(view_store(ALL), "data"),
        Input(Ids.TAB_STATE, "data"),
        State(view_store(ALL), "id"),
    )
