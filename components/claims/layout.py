"""The Claim check tab's layout: as-of date (the note's date one click away), universes,
then the table."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html
from dash.development.base_component import Component

from components.ids import Ids
from components.page.controls import control_label, universe_options
from components.url.fields import ViewState, claim_universes
from components.url.values import Choices
from data.model import UniverseInfo
from service.note import LEVEL_TOLERANCE, NOTE_DATE, RETURN_TOLERANCE


def claims_tab(choices: Choices, infos: list[UniverseInfo]) -> Component:
    """As-of date (with the note's date one click away), universes, then the table."""
    opts = universe_options(infos)
    uni, cmp_ = claim_universes(ViewState(), choices)
    first = choices.first.isoformat() if choices.first else None
    last = choices.last.isoformat() if choices.last else None
    controls = dbc.Row(
        [
            dbc.Col(
                [
                    control_label("As of", Ids.CLAIM_ASOF),
                    html.Div(
                        [
                            dcc.DatePickerSingle(
                                id=Ids.CLAIM_ASOF,
                                date=last,
                                min_date_allowed=first,
                                max_date_allowed=last,
                                display_format="YYYY-MM-DD",
                                first_day_of_week=1,
                            ),
                            dbc.Button(
                                f"Note's date: {NOTE_DATE.isoformat()}",
                                id=Ids.CLAIM_NOTE_DATE,
                                color="link",
                                size="sm",
                                n_clicks=0,
                                className="px-2",
                            ),
                            dbc.Button(
                                "Latest session",
                                id=Ids.CLAIM_LATEST,
                                color="link",
                                size="sm",
                                n_clicks=0,
                                className="px-1",
                            ),
                        ],
                        className="d-flex flex-wrap align-items-center",
                    ),
                ],
                xs=12,
                lg=5,
            ),
            dbc.Col(
                [
                    control_label("Universe", Ids.CLAIM_UNIVERSE),
                    dcc.Dropdown(id=Ids.CLAIM_UNIVERSE, options=opts, value=uni, clearable=False),
                ],
                xs=12,
                md=6,
                lg=3,
            ),
            dbc.Col(
                [
                    control_label("Compare % at highs with", Ids.CLAIM_COMPARE),
                    dcc.Dropdown(
                        id=Ids.CLAIM_COMPARE,
                        options=opts,
                        value=cmp_ or None,
                        clearable=False,
                        placeholder="No comparison",
                    ),
                ],
                xs=12,
                md=6,
                lg=3,
            ),
        ],
        className="g-2 mb-2 align-items-end",
    )
    return dbc.Card(
        dbc.CardBody(
            [
                html.H2("Claim check: a narrow rally, then broadening?", className="h6 mb-1"),
                html.P(
                    "The note's figures recomputed from the stored data, each beside what the "
                    "note said, a verdict on the note's date (within a stated tolerance: "
                    f"±{LEVEL_TOLERANCE:g} pp for breadth shares, ±{RETURN_TOLERANCE:g} pp for "
                    "returns), its long-run average and its "
                    "percentile among all sessions up to the date (only what was known then).",
                    className="small text-muted mb-2",
                ),
                controls,
                dcc.Loading(html.Div(id=Ids.CLAIM_TABLE), type="dot", delay_show=400),
            ],
            className="p-2",
        ),
        className="mb-3 shadow-sm chart-card",
    )


def layout(choices: Choices, infos: list[UniverseInfo]) -> list[Component]:
    """The tab's content (``components.tabs``)."""
    return [claims_tab(choices, infos)]
