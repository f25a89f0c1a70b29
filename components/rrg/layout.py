"""The Rotation (RRG) tab's layout: tail, daily/weekly, end-date slider, graph and table."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html
from dash.development.base_component import Component

from components.ids import Ids
from components.page.controls import control_label, integer_input
from components.page.graphs import BLANK, graph_config, held
from components.rrg.figures import RRG_HEIGHT
from components.url.fields import DEFAULT_TAIL
from components.url.values import MAX_TAIL, MIN_TAIL, Choices
from data.model import UniverseInfo

HOW_TO_READ = (
    "Each series is compared with the large-cap benchmark. RS-Ratio (x) measures the trend of "
    "its relative strength, RS-Momentum (y) the rate of change of that trend; both are "
    "z-scores against the trailing window only (100 = the window's average), so a point never "
    "uses data after its date. Series tend to rotate clockwise: Improving → Leading → "
    "Weakening → Lagging. The tail shows the path over the last periods; the slider moves "
    "the end date through the selected range. Weekly periods: window 52, momentum 10 weeks; "
    "daily: 52 and 10 sessions."
)


def rrg_tab() -> Component:
    """Controls (tail, daily/weekly, end-date slider), the graph, notices and a table."""
    controls = dbc.Row(
        [
            dbc.Col(
                [
                    control_label("Tail (periods)", Ids.RRG_TAIL),
                    integer_input(Ids.RRG_TAIL, DEFAULT_TAIL, MIN_TAIL, MAX_TAIL),
                ],
                xs=5,
                md=2,
            ),
            dbc.Col(
                [
                    control_label("Periods"),
                    dbc.RadioItems(
                        id=Ids.RRG_FREQ,
                        inline=True,
                        value="W",
                        options=[
                            {"label": "Weekly", "value": "W"},
                            {"label": "Daily", "value": "D"},
                        ],
                    ),
                ],
                xs=7,
                md=3,
            ),
            dbc.Col(
                [
                    control_label("End date", Ids.RRG_END),
                    html.Span(id=Ids.RRG_END_LABEL, className="rrg-end-label ms-2"),
                    dcc.Slider(
                        id=Ids.RRG_END,
                        min=0,
                        max=1,
                        step=1,
                        value=1,
                        marks={},
                        updatemode="mouseup",
                        allow_direct_input=False,
                        className="rrg-slider",
                    ),
                ],
                xs=12,
                md=7,
            ),
        ],
        className="g-2 mb-2 align-items-end",
    )
    graph = dcc.Loading(
        dcc.Graph(
            id=Ids.RRG,
            figure=BLANK,
            config=graph_config(displayModeBar="hover"),
            style={"height": f"{RRG_HEIGHT}px"},
            clear_on_unhover=True,  # the hovered series is highlighted until the mouse leaves
        ),
        type="dot",
        delay_show=400,
        parent_style=held(RRG_HEIGHT),
    )
    return dbc.Card(
        dbc.CardBody(
            [
                html.H2("Relative rotation graph", className="h6 mb-2"),
                controls,
                html.Div(id=Ids.RRG_NOTICE),
                dcc.Store(id=Ids.RRG_WIDTH),  # the graph's width in pixels, for its labels
                dcc.Store(id=Ids.RRG_REDRAW),  # its view asked again: the width changed
                dcc.Store(id=Ids.RRG_FOCUS),  # the highlighted series (assets/rrg.js)
                graph,
                html.Div(id=Ids.RRG_TABLE, className="table-responsive"),
                html.Details(
                    [html.Summary("How to read this"), html.P(HOW_TO_READ)],
                    className="how-to-read",
                ),
            ],
            className="p-2",
        ),
        className="mb-3 shadow-sm chart-card",
    )


def layout(choices: Choices, infos: list[UniverseInfo]) -> list[Component]:
    """The tab's content (``components.tabs``)."""
    return [rrg_tab()]
