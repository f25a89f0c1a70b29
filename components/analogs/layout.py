"""The Analogs tab's layout: thresholds, the setup on the as-of date, summary, forward
plot, episodes."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html
from dash.development.base_component import Component

from components.analogs.figures import FORWARD_HEIGHT
from components.ids import Ids
from components.page.graphs import BLANK, graph_config, held
from components.url.fields import MAX_GAP, MAX_NEAR
from components.url.values import Choices
from data.model import UniverseInfo


def _number(id_: Ids, limit: float, label: str) -> dbc.Col:
    return dbc.Col(
        [
            html.Label(label, className="control-label", htmlFor=id_),
            dbc.Input(
                id=id_,
                type="number",
                min=0,
                max=limit,
                step=0.5,
                debounce=True,
                size="sm",
                inputmode="decimal",
            ),
        ],
        xs=6,
        md=3,
    )


def analogs_tab() -> Component:
    """Threshold controls, the setup on the as-of date, summary, forward plot, episodes."""
    controls = dbc.Row(
        [
            _number(Ids.ANALOG_GAP, MAX_GAP, "Breadth below long-run avg by ≥ (pts)"),
            _number(Ids.ANALOG_NEAR, MAX_NEAR, "Index within % of 52-week high"),
            dbc.Col(
                dbc.Switch(
                    id=Ids.ANALOG_MARKS, value=False, label="Shade episodes on the Breadth tab"
                ),
                xs=12,
                md=4,
                className="pb-1",
            ),
        ],
        className="g-2 mb-2 align-items-end",
    )
    return dbc.Card(
        dbc.CardBody(
            [
                html.H2("Historical analogs", className="h6 mb-1"),
                html.P(
                    "Past sessions whose setup resembled the as-of date (set on the Claim "
                    "check tab): participation below its long-run average while the "
                    "cap-weighted index sat near its 52-week high. Each is selected with data "
                    "up to its own date only; what followed is measured from it.",
                    className="small text-muted mb-2",
                ),
                controls,
                dcc.Loading(
                    [
                        html.Div(id=Ids.ANALOG_SETUP),
                        html.Div(id=Ids.ANALOG_SUMMARY, className="table-responsive"),
                        dcc.Graph(
                            id=Ids.ANALOG_FORWARD,
                            figure=BLANK,
                            config=graph_config(displayModeBar="hover"),
                            style={"height": f"{FORWARD_HEIGHT}px"},
                        ),
                        html.Div(id=Ids.ANALOG_TABLE, className="table-responsive"),
                    ],
                    type="dot",
                    delay_show=400,
                    parent_style=held(FORWARD_HEIGHT),
                ),
            ],
            className="p-2",
        ),
        className="mb-3 shadow-sm chart-card",
    )


def layout(choices: Choices, infos: list[UniverseInfo]) -> list[Component]:
    """The tab's content (``components.tabs``)."""
    return [analogs_tab()]
