"""The Rotation (RRG) tab: layout, the end-date slider's positions, and its callback.

The sector SPDRs and style ETFs against the large-cap benchmark (``components.rotation_data``),
drawn by ``components.figures_rrg``; the slider steps the end date through the periods of the
selected date range, the tail length and daily/weekly periods are URL fields.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, callback, dcc, html, no_update
from dash.development.base_component import Component

from components import rotation_data as rd
from components.figstyle import message_figure
from components.figures_rrg import RRG_HEIGHT, rrg_figure, rrg_rows, tail_frame
from components.ids import Ids
from components.tables import notice_list
from components.urlstate import ViewState
from components.urlstate_tabs import DEFAULT_TAIL, MAX_TAIL, MIN_TAIL, from_store
from data.errors import BreadthError
from service.breadth import BreadthService

HOW_TO_READ = (
    "Each series is compared with the large-cap benchmark. RS-Ratio (x) measures the trend of "
    "its relative strength, RS-Momentum (y) the rate of change of that trend; both are "
    "z-scores against the trailing window only (100 = the window's average), so a point never "
    "uses data after its date. Series tend to rotate clockwise: Improving → Leading → "
    "Weakening → Lagging. The tail shows the path over the last periods; the slider moves "
    "the end date through the selected range. Weekly periods: window 52, momentum 10 weeks; "
    "daily: 52 and 10 sessions."
)


def _label(text: str, target: str | None = None) -> html.Label:
    return html.Label(text, className="control-label", htmlFor=target)


def rrg_tab() -> Component:
    """Controls (tail, daily/weekly, end-date slider), the graph, notices and a table."""
    controls = dbc.Row(
        [
            dbc.Col(
                [
                    _label("Tail (periods)", Ids.RRG_TAIL),
                    dbc.Input(
                        id=Ids.RRG_TAIL, type="number", min=MIN_TAIL, max=MAX_TAIL, step=1,
                        value=DEFAULT_TAIL, debounce=True, size="sm", inputmode="numeric",
                    ),
                ],
                xs=5, md=2,
            ),
            dbc.Col(
                [
                    _label("Periods"),
                    dbc.RadioItems(
                        id=Ids.RRG_FREQ, inline=True, value="W",
                        options=[{"label": "Weekly", "value": "W"},
                                 {"label": "Daily", "value": "D"}],
                    ),
                ],
                xs=7, md=3,
            ),
            dbc.Col(
                [
                    _label("End date", Ids.RRG_END),
                    html.Span(id=Ids.RRG_END_LABEL, className="rrg-end-label ms-2"),
                    dcc.Slider(
                        id=Ids.RRG_END, min=0, max=1, step=1, value=1, marks={},
                        updatemode="mouseup", allow_direct_input=False,
                        className="rrg-slider",
                    ),
                ],
                xs=12, md=7,
            ),
        ],
        className="g-2 mb-2 align-items-end",
    )  # fmt: skip
    graph = dcc.Loading(
        dcc.Graph(
            id=Ids.RRG,
            figure={},
            config={"displaylogo": False, "responsive": True, "displayModeBar": "hover"},
            style={"height": f"{RRG_HEIGHT}px"},
        ),
        type="dot",
        delay_show=400,
    )
    return dbc.Card(
        dbc.CardBody(
            [
                html.H2("Relative rotation graph", className="h6 mb-2"),
                controls,
                html.Div(id=Ids.RRG_NOTICE),
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


def _data(svc: BreadthService, state: ViewState) -> rd.RrgData | None:
    try:
        return rd.rrg_data(svc, state)
    except BreadthError:
        return None


def slider_config(svc: BreadthService, state: ViewState) -> list[Any]:
    """[min, max, marks, value] of the end-date slider for the view's range and periods."""
    data = _data(svc, state)
    periods = data.periods if data is not None else pd.DatetimeIndex([])
    last = max(len(periods) - 1, 0)
    return [0, last, rd.slider_marks(periods), rd.end_index(periods, state.rrg_end)]


def end_of(svc: BreadthService, state: ViewState, position: Any) -> date | None:
    """The end date a slider position stands for (None: the range's last period)."""
    data = _data(svc, state)
    return rd.end_date(data.periods, position) if data is not None else None


def rrg_table(rows: pd.DataFrame) -> Component:
    """Where each series' head is: quadrant, RS-Ratio, RS-Momentum."""
    if rows.empty:
        return html.P("No series to list.", className="small")
    head = html.Thead(
        html.Tr([html.Th(h) for h in ("Series", "Ticker", "Quadrant")] + [
            html.Th(h, className="num") for h in ("RS-Ratio", "RS-Momentum")])
    )  # fmt: skip
    body = html.Tbody(
        [
            html.Tr(
                [
                    html.Td(r.name),
                    html.Td(html.Code(r.ticker)),
                    html.Td(r.quadrant, className=f"quadrant-{str(r.quadrant).lower()}"),
                    html.Td(f"{r.ratio:.2f}", className="num"),
                    html.Td(f"{r.momentum:.2f}", className="num"),
                ]
            )
            for r in rows.itertuples(index=False)
        ]
    )
    return dbc.Table([head, body], size="sm", hover=True, className="returns-table rrg-table")


def rrg_panel(svc: BreadthService, state: ViewState) -> tuple[Any, ...]:
    """(figure, end label, notices, table) of the RRG tab for ``state``."""
    try:
        data = rd.rrg_data(svc, state)
    except BreadthError as exc:
        fig = message_figure(f"Cannot compute the RRG: {exc}", height=RRG_HEIGHT)
        return fig, "", None, None
    notices = notice_list(data.notices, heading="Rotation graph:", color="secondary")
    if len(data.periods) == 0:
        fig = message_figure("No periods with RS-Ratio in the selected range.", height=RRG_HEIGHT)
        return fig, "", notices, None
    pos = rd.end_index(data.periods, state.rrg_end)
    end = data.periods[pos]
    fig = rrg_figure(
        data.ratio, data.momentum, end=end, tail=state.rrg_tail, labels=data.labels,
        benchmark=data.benchmark, freq=state.rrg_freq,
    )  # fmt: skip
    tails = {
        t: tail_frame(data.ratio, data.momentum, t, end, state.rrg_tail)
        for t in data.labels
        if t in data.ratio.columns
    }
    label = f"{end:%a %d %b %Y} · period {pos + 1} of {len(data.periods)}"
    return fig, label, notices, rrg_table(rrg_rows(tails, data.labels))


def update_rrg(data: dict[str, Any] | None) -> tuple[Any, ...]:
    """Redraw the RRG when the view changes and its tab is active."""
    from components.views import get_service

    state = from_store(data)
    if state.tab != "rrg":
        return (no_update,) * 4
    return rrg_panel(get_service(), state)


def register() -> None:
    """Register this tab's callback with ``dash.callback``."""
    callback(
        Output(Ids.RRG, "figure"),
        Output(Ids.RRG_END_LABEL, "children"),
        Output(Ids.RRG_NOTICE, "children"),
        Output(Ids.RRG_TABLE, "children"),
        Input(Ids.TAB_STATE, "data"),
    )(update_rrg)
