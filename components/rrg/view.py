"""What the Rotation (RRG) tab shows for a view: graph, table, the end-date slider's positions.

The sector SPDRs and style ETFs against the large-cap benchmark (``components.rrg.data``),
drawn by ``components.rrg.figures``; the slider steps the end date through the periods of the
selected date range, the tail length and daily/weekly periods are URL fields.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html
from dash.development.base_component import Component

from components.breadth.figure_cache import view_key
from components.page.tables import notice_list
from components.rrg import data as rd
from components.rrg.figures import RRG_HEIGHT, RRG_WIDTH, rrg_figure, rrg_rows, tail_frame
from components.style import message_figure, plain_figure
from components.url.fields import ViewState
from data.errors import BreadthError
from service.breadth import BreadthService


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
        html.Tr(
            [html.Th(h) for h in ("Series", "Ticker", "Quadrant")]
            + [html.Th(h, className="num") for h in ("RS-Ratio", "RS-Momentum")]
        )
    )
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


def rrg_panel(
    svc: BreadthService, state: ViewState, *, width: int | None = None
) -> tuple[Any, ...]:
    """(figure, end label, notices, table) of the RRG tab for ``state``; labels placed for a
    graph ``width`` pixels wide (the report's width when None)."""
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
        data.ratio,
        data.momentum,
        end=end,
        tail=state.rrg_tail,
        labels=data.labels,
        benchmark=data.benchmark,
        freq=state.rrg_freq,
        width=width or RRG_WIDTH,
    )
    tails = {
        t: tail_frame(data.ratio, data.momentum, t, end, state.rrg_tail)
        for t in data.labels
        if t in data.ratio.columns
    }
    label = f"{end:%a %d %b %Y} · period {pos + 1} of {len(data.periods)}"
    return fig, label, notices, rrg_table(rrg_rows(tails, data.labels))


def cached_rrg_panel(
    svc: BreadthService, state: ViewState, *, width: int | None = None
) -> tuple[Any, ...]:
    """``rrg_panel`` memoized per (data version, view but its window sets, width), its figure
    as the plain dict Dash sends: a tab switch back to the RRG, or another user's same view,
    costs no figure build (~0.2–0.5 s of CPU: every tail is a validated trace)."""

    def build() -> tuple[Any, ...]:
        fig, *rest = rrg_panel(svc, state, width=width)
        return (plain_figure(fig), *rest)

    return svc.memo("rrg-panel", f"{view_key(state, 'rrg-panel')}:{width}", build)
