"""The page, built per request from what the store holds (never at import time)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import dash_bootstrap_components as dbc
from dash import ALL, dcc, html
from dash.development.base_component import Component

from components.context import choices, get_service
from components.ids import Ids
from components.page.controls import controls_card, view_settings
from components.page.tabs import page_tabs
from components.refresh.layout import age_text, page_panel
from components.report.dashhtml import walk
from components.report.layout import report_controls
from components.url.sync import arrival
from server.http import page_query
from service.catalog import universes


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


def fill(root: Component, values: Iterable[tuple[Any, str, Any]]) -> Component:
    """``root`` with each (component id, property, value) of ``values`` set on the component
    of its tree with that id; a pattern-matching id with ``ALL`` takes a list, one item per
    match in layout order (dash-renderer's order for ``ALL``). An id found no or twice: a
    KeyError."""
    named = [(getattr(c, "id", None), c) for c in walk(root)]
    for cid, prop, value in values:
        matches = [c for i, c in named if i is not None and _matches(cid, i)]
        many = isinstance(cid, dict) and any(v is ALL for v in cid.values())
        if not matches or (len(matches) > 1 and not many):
            raise KeyError(f"{len(matches)} components with id {cid!r} in the layout")
        items = value if many else [value]
        if len(items) != len(matches):
            raise ValueError(f"{len(items)} values for {len(matches)} components {cid!r}")
        for c, v in zip(matches, items, strict=True):
            setattr(c, prop, v)
    return root


def _matches(pattern: object, cid: object) -> bool:
    """Whether component id ``cid`` is ``pattern`` (a dict pattern: same keys, each value
    equal or ``ALL``)."""
    if not isinstance(pattern, dict):
        return cid == pattern
    return (
        isinstance(cid, dict)
        and cid.keys() == pattern.keys()
        and all(v is ALL or cid[k] == v for k, v in pattern.items())
    )


def serve_layout() -> Component:
    """The whole page for the store's current contents, showing the view of the page's address
    (``server.http.page_query``): the URL sync's answer for it (``components.url.sync.
    arrival``) is in the layout, so the page's first callbacks are its views'."""
    svc = get_service()
    store = svc.store
    if store.is_empty():
        return empty_page(str(store.root), page_panel(svc, reload=True))
    manifest = store.manifest()
    ch = choices(svc)
    search = page_query()
    link, first = arrival(search, svc, ch)
    header = html.Header(
        [
            html.H1("Breadth & Rotation Monitor", className="h4 mb-1"),
            data_badge(manifest),
            html.Div(id=Ids.ALERTS, className="alerts-badge"),  # components/page/alerts.py
        ],
        className="page-header mb-2",
    )
    page = dbc.Container(
        [
            dcc.Location(id=Ids.URL, refresh=False, search=search),  # as the layout read it
            dcc.Store(id=Ids.LINK, data=link),  # canonical: assets/url.js shows it
            dcc.Store(id=Ids.VIEW),
            dcc.Store(id=Ids.RANGE),
            dcc.Store(id=Ids.SYNC),
            header,
            simulated_banner() if manifest.get("simulated") else None,
            page_panel(svc),  # "Load real data" / "Refresh data"
            view_settings(  # folded behind a "View settings" button on phones
                controls_card(ch, universes(svc)),
                report_controls(),  # "Export report": HTML and PNGs of this view
            ),
            html.Div(id=Ids.NOTICES),
            page_tabs(ch, universes(svc)),  # Breadth, RRG, Claim check, Analogs
            html.Footer(
                "Breadth counts only members with a bar and enough history on each date; "
                "values never depend on the chosen start date (computed over the whole history).",
                className="text-muted small mb-4",
            ),
        ],
        fluid=True,
        className="page py-2",
    )
    return fill(page, first)
