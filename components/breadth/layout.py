"""The Breadth tab's layout: the survivorship note, then one card per chart of
``charts_of("breadth")`` (title, graph, "How to read this" from the registry)."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html
from dash.development.base_component import Component

from components.charts import Chart, charts_of
from components.ids import Ids
from components.page.graphs import BLANK, graph_config, held
from components.url.fields import DIV_NEAR_RANGE, DIV_TRAIL_RANGE
from components.url.values import Choices
from data.model import UniverseInfo

GRAPH_CONFIG = graph_config(
    modeBarButtonsToRemove=["lasso2d", "select2d", "autoScale2d", "zoomIn2d", "zoomOut2d"],
    toImageButtonOptions={"format": "png", "scale": 2},
    # a double-click always autoranges, which assets/linked_axes.js turns into the view's
    # range; Plotly's default first resets to the range the figure was first drawn with,
    # stale once the view's dates changed (CI: test_view004 returned to the page-load range)
    doubleClick="autosize",
)


def chart_card(chart: Chart, *extra: Component) -> dbc.Card:
    """A chart with a one-line header and a folded 'How to read this'."""
    return dbc.Card(
        [
            html.H2(chart.header, className="visually-hidden"),
            dbc.CardBody(
                [
                    dcc.Loading(
                        dcc.Graph(
                            id=chart.graph,
                            config=GRAPH_CONFIG,
                            figure=BLANK,
                            className="linked-graph",
                            style={"height": f"{chart.height}px"},
                        ),
                        type="dot",
                        delay_show=400,
                        parent_style=held(chart.height),
                    ),
                    *extra,
                    html.Details(
                        [html.Summary("How to read this"), html.P(chart.help)],
                        className="how-to-read",
                    ),
                ],
                className="p-2",
            ),
        ],
        className="mb-3 shadow-sm chart-card",
    )


def divergence_controls() -> dbc.Row:
    """Under the benchmark chart: the divergence marks on/off, and their two thresholds
    (URL ``dv``, ``dvn``, ``dvt``; synced by ``components.url.sync``)."""

    def number(id_: Ids, label: str, bounds: tuple[float, float], step: float) -> dbc.Col:
        return dbc.Col(
            [
                html.Label(label, className="control-label", htmlFor=id_),
                dbc.Input(id=id_, type="number", min=bounds[0], max=bounds[1], step=step,
                          debounce=True, size="sm", inputmode="decimal"),
            ],
            xs=6,
            md=3,
        )  # fmt: skip

    return dbc.Row(
        [
            dbc.Col(
                dbc.Switch(id=Ids.DIV_MARKS, value=True, label="Divergence marks"),
                xs=12,
                md=3,
                className="pb-1",
            ),
            number(Ids.DIV_NEAR, "Index within % of 52-week high/low", DIV_NEAR_RANGE, 0.5),
            number(Ids.DIV_TRAIL, "Breadth vs its average over (sessions)", DIV_TRAIL_RANGE, 1),
        ],
        className="g-2 mt-1 align-items-end",
    )


def layout(choices: Choices, infos: list[UniverseInfo]) -> list[Component]:
    """The tab's content: the survivorship note and the chart cards, in registry order."""
    extras: dict[str, list[Component]] = {
        "benchmark": [divergence_controls()],
        "rotation": [
            html.Div(id=Ids.ROTATION_NOTICE),
            html.Div(id=Ids.ROTATION_TABLE, className="table-responsive"),
        ],
    }
    return [
        dcc.Store(id=Ids.DRAWN),  # components/breadth/callbacks.py: the charts drawn once
        html.Div(id=Ids.SURVIVORSHIP),
        *[chart_card(c, *extras.get(c.key, [])) for c in charts_of("breadth")],
    ]
