"""The Sectors tab's layout: the window choice, the heatmap, the end-date table."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html
from dash.development.base_component import Component

from components.ids import Ids
from components.page.controls import control_label
from components.page.graphs import BLANK, graph_config
from components.sectors.figures import heatmap_height
from components.url.values import SECTOR_WINDOWS, Choices
from data.model import UniverseInfo

HOW_TO_READ = (
    "Each cell: the share of the sector's members in the page's universe that closed above "
    "their own n-day simple moving average, on the last session of the week (members with "
    "fewer than n bars are left out). Purple: most members above; orange: most below; white "
    "near 50%; grey: no member with enough history. Sectors come from stored assignments "
    "(your CSV, then sector holdings, then Yahoo Finance); stocks without one are "
    "'Unassigned'. The table ranks each sector's value on the end date against the sector's "
    "own history up to that date."
)


def sectors_tab() -> Component:
    """Window choice, message, heatmap, table and how to read them."""
    controls = dbc.Row(
        dbc.Col(
            [
                control_label("Moving average"),
                dbc.RadioItems(
                    id=Ids.SECTOR_WINDOW,
                    inline=True,
                    value=SECTOR_WINDOWS[0],
                    options=[{"label": f"{w}-day", "value": w} for w in SECTOR_WINDOWS],
                ),
            ],
            xs=12,
            md=4,
        ),
        className="g-2 mb-2 align-items-end",
    )
    return dbc.Card(
        dbc.CardBody(
            [
                html.H2("Sector breadth", className="h6 mb-2"),
                controls,
                dcc.Loading(
                    [
                        html.Div(id=Ids.SECTOR_MESSAGE),
                        dcc.Graph(
                            id=Ids.SECTOR_HEATMAP,
                            figure=BLANK,
                            config=graph_config(displayModeBar="hover"),
                            style={"height": f"{heatmap_height(12)}px"},
                        ),
                        html.Div(id=Ids.SECTOR_TABLE, className="table-responsive"),
                    ],
                    type="dot",
                    delay_show=400,
                ),
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
    return [sectors_tab()]
