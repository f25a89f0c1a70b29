"""The page, built per request from what the store holds (never at import time)."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html
from dash.development.base_component import Component

from components.controls import controls_card
from components.figstyle import HEIGHTS
from components.ids import Ids
from components.refresh_panel import age_text, page_panel
from components.report_ui import report_controls
from components.tabs import page_tabs
from components.views import choices, get_service
from data.universes import available_universes

GRAPH_CONFIG: Any = {
    "displaylogo": False,
    "responsive": True,
    "modeBarButtonsToRemove": ["lasso2d", "select2d", "autoScale2d", "zoomIn2d", "zoomOut2d"],
    "toImageButtonOptions": {"format": "png", "scale": 2},
}

HOW_TO_READ: dict[Ids, str] = {
    Ids.BENCHMARK: (
        "The large-cap benchmark's adjusted close, for context: breadth that weakens while "
        "the index makes new highs (a negative divergence) is a classic warning sign."
    ),
    Ids.PARTICIPATION: (
        "Share of members whose close is above its own moving average. Above ~70% is broad "
        "participation, below ~30% a washed-out market. The shaded band is the 10th–90th "
        "percentile of the series' own history up to each day (trailing, no look-ahead); the "
        "dashed line is its long-run average. Hover shows the trailing percentile and how many "
        "members had data."
    ),
    Ids.HIGHS_LOWS: (
        "Share of eligible members (a year of history) closing at a 52-week high or low, and "
        "the net count. Expanding highs confirm an advance; rising lows during a rally are a "
        "divergence. A second universe's % at highs can be overlaid for comparison."
    ),
    Ids.ADVANCE_DECLINE: (
        "A/D line: running sum of advancers minus decliners. McClellan oscillator: 19-day minus "
        "39-day EMA of net advances (ratio-adjusted: per mille of issues traded, comparable "
        "across universe sizes); above zero is positive momentum. The summation index is the "
        "running sum of the oscillator."
    ),
    Ids.ROTATION: (
        "Each line is the first leg's price divided by the second's, rebased to 100 at the "
        "range start: rising means the first leg is outperforming. The table gives each leg's "
        "total return since the range start and year to date (as of the range end)."
    ),
}


GRAPH_HEIGHT: dict[Ids, int] = {
    Ids.BENCHMARK: HEIGHTS["benchmark"],
    Ids.PARTICIPATION: HEIGHTS["participation"],
    Ids.HIGHS_LOWS: HEIGHTS["highs_lows"],
    Ids.ADVANCE_DECLINE: HEIGHTS["advance_decline"],
    Ids.ROTATION: HEIGHTS["rotation"],
}


def chart_card(graph_id: Ids, header: str, *extra: Component) -> dbc.Card:
    """A chart with a one-line header and a folded 'How to read this'."""
    return dbc.Card(
        [
            html.H2(header, className="visually-hidden"),
            dbc.CardBody(
                [
                    dcc.Loading(
                        dcc.Graph(
                            id=graph_id,
                            config=GRAPH_CONFIG,
                            figure={},
                            className="linked-graph",
                            style={"height": f"{GRAPH_HEIGHT[graph_id]}px"},
                        ),
                        type="dot",
                        delay_show=400,
                    ),
                    *extra,
                    html.Details(
                        [html.Summary("How to read this"), html.P(HOW_TO_READ[graph_id])],
                        className="how-to-read",
                    ),
                ],
                className="p-2",
            ),
        ],
        className="mb-3 shadow-sm chart-card",
    )


def data_info(manifest: dict[str, Any]) -> list[Component]:
    """Source, as-of date with its age, and size (refreshed in place when new data lands)."""
    src = manifest.get("source", {})
    label = src.get("label", "") if isinstance(src, dict) else str(src)
    kind = src.get("kind", "") if isinstance(src, dict) else ""
    fields = "close only" if manifest.get("close_only") else "OHLC"
    return [
        dbc.Badge(f"Source: {kind}", color="dark", className="me-1"),
        html.Span(label, className="me-2 badge-text"),
        dbc.Badge(age_text(manifest.get("last_date")), color="primary", className="me-1"),
        dbc.Badge(
            f"{manifest.get('n_tickers', 0):,} series · {fields}",
            color="secondary",
            className="me-1",
        ),
    ]


def data_badge(manifest: dict[str, Any]) -> html.Div:
    """Source, as-of date and age, size of what the store holds; coverage of the view."""
    return html.Div(
        [
            html.Span(data_info(manifest), id=Ids.DATA_INFO),
            html.Span(id=Ids.COVERAGE, className="badge-text"),
        ],
        id=Ids.BADGE,
        className="data-badge",
    )


def simulated_banner() -> dbc.Alert:
    """Shown whenever the store holds the simulated demo market."""
    return dbc.Alert(
        [
            html.Strong("Simulated data. "),
            "Every price, index and universe on this page comes from a seeded simulation, not "
            "from real securities. Load real data with ",
            html.Code("python cli.py import FILE"),
            " or ",
            html.Code("python cli.py refresh"),
            ".",
        ],
        id=Ids.BANNER,
        color="warning",
        className="py-2 mb-3 simulated-banner",
    )


def empty_page(root: str, *extra: Component) -> dbc.Container:
    """What the page says when the store holds nothing yet."""
    return dbc.Container(
        [
            html.H1("Breadth & Rotation Monitor", className="h3 mt-4"),
            dbc.Alert(
                [
                    html.H2("No data loaded yet", className="h5"),
                    html.P(f"The store at {root} is empty, so there is nothing to chart."),
                    html.P(
                        [
                            "Load the simulated demo market: ",
                            html.Code("python cli.py demo"),
                            " (or start the app with ",
                            html.Code("python app.py"),
                            ", which loads it when the store is empty).",
                        ]
                    ),
                    html.P(
                        [
                            "Or import your own prices: ",
                            html.Code("python cli.py import FILE"),
                            ", or download from Yahoo Finance: ",
                            html.Code("python cli.py refresh"),
                            ". Then reload this page.",
                        ]
                    ),
                ],
                color="info",
                id=Ids.BANNER,
            ),
            *extra,
        ],
        className="py-3",
    )


def serve_layout() -> Component:
    """The whole page for the store's current contents."""
    svc = get_service()
    store = svc.store
    if store.is_empty():
        return empty_page(str(store.root), page_panel(store, reload=True))
    manifest = store.manifest()
    ch = choices(svc)
    header = html.Header(
        [html.H1("Breadth & Rotation Monitor", className="h4 mb-1"), data_badge(manifest)],
        className="page-header mb-2",
    )
    return dbc.Container(
        [
            dcc.Location(id=Ids.URL, refresh=False),
            dcc.Store(id=Ids.VIEW),
            dcc.Store(id=Ids.RANGE),
            dcc.Store(id=Ids.SYNC),
            header,
            simulated_banner() if manifest.get("simulated") else None,
            page_panel(store),  # "Load real data" / "Refresh data"
            controls_card(ch, available_universes(store)),
            report_controls(),  # "Export report": HTML and PNGs of this view
            html.Div(id=Ids.NOTICES),
            page_tabs(  # Breadth (these charts), Rotation (RRG), Claim check, Analogs
                html.Div(id=Ids.SURVIVORSHIP),
                chart_card(Ids.BENCHMARK, "Benchmark (large caps) for context"),
                chart_card(Ids.PARTICIPATION, "Participation: % of members above their averages"),
                chart_card(Ids.HIGHS_LOWS, "New 52-week highs and lows"),
                chart_card(Ids.ADVANCE_DECLINE, "Advance–decline line, McClellan oscillator"),
                chart_card(
                    Ids.ROTATION,
                    "Cap and style rotation: small vs large, value vs growth, equal vs cap weight",
                    html.Div(id=Ids.ROTATION_NOTICE),
                    html.Div(id=Ids.ROTATION_TABLE, className="table-responsive"),
                ),
                choices=ch,
                infos=available_universes(store),
            ),
            html.Footer(
                "Breadth counts only members with a bar and enough history on each date; "
                "values never depend on the chosen start date (computed over the whole history).",
                className="text-muted small mb-4",
            ),
        ],
        fluid=True,
        className="page py-2",
    )
