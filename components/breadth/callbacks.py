"""The Breadth tab's callbacks, registered per app by ``register(app)``.

- ``update_charts``: draws every chart of ``charts_of("breadth")`` (outputs derived from the
  registry, keyed by name). A ``VIEW`` change redraws the charts that depend on the view; a
  ``RANGE`` change only re-ranges them (``Chart.redraw``: Patches, no data resent, and the
  rotation chart rebased at the new start); a new data version redraws everything. Writes
  ``BREADTH_DRAWN`` whenever the participation chart is drawn anew (the episode bands of
  ``components.analogs.callbacks`` are laid on that drawing).
- ``download_csv``: what the charts show, as CSV.
- a clientside callback (assets/linked_axes.js) keeps the charts' date axes linked.

The URL <-> controls sync that writes ``VIEW`` and ``RANGE`` is ``components.url.sync``.
"""

from __future__ import annotations

from typing import Any

from dash import ClientsideFunction, Dash, Input, Output, State, ctx, dcc, no_update

from components.breadth import export
from components.charts import LINKED_GRAPHS, Chart, charts_of
from components.context import get_service
from components.ids import Ids
from components.url.fields import ViewState
from components.url.query import from_store

VIEW_DATA, RANGE_DATA = f"{Ids.VIEW}.data", f"{Ids.RANGE}.data"
VERSION_DATA = f"{Ids.DATA_VERSION}.data"  # a refresh from the page landed
DRAWN = "drawn"
"""Output name of ``BREADTH_DRAWN``."""


def _merge(view: dict[str, Any] | None, rng: dict[str, Any] | None) -> ViewState:
    return from_store({**(view or {}), **(rng or {})})


def outputs(charts: tuple[Chart, ...]) -> dict[str, Output]:
    """Output name -> Output of the charts (figure, then extras), and ``BREADTH_DRAWN``."""
    out: dict[str, Output] = {}
    for chart in charts:
        if chart.graph is not None:
            out[chart.key] = Output(chart.graph, "figure")
        out.update({name: Output(i, prop) for name, i, prop in chart.extras})
    out[DRAWN] = Output(Ids.BREADTH_DRAWN, "data")
    return out


CHARTS = charts_of("breadth")
OUTPUTS = outputs(CHARTS)


def update_charts(
    view: dict[str, Any] | None, rng: dict[str, Any] | None, _version: Any = None
) -> dict[str, Any]:
    """Redraw what the fired stores changed (see the module docstring)."""
    svc, state = get_service(), _merge(view, rng)
    fired = set(ctx.triggered_prop_ids) - {"."} or {"init"}
    fired = {"init"} if VERSION_DATA in fired else fired  # new data: redraw everything
    full = bool(fired & {"init", VIEW_DATA})
    out: dict[str, Any] = dict.fromkeys(OUTPUTS, no_update)
    for chart in CHARTS:
        if chart.per_view and full and chart.draw is not None:
            out.update(chart.draw(svc, state))
        elif fired & {"init", RANGE_DATA}:
            draw = chart.draw if full else chart.redraw
            out.update(draw(svc, state) if draw is not None else {})
    if full:
        out[DRAWN] = {"universe": state.universe, "version": svc.version()}
    return out


def download_csv(
    n_clicks: int | None, view: dict[str, Any] | None, rng: dict[str, Any] | None
) -> dict[str, Any]:
    """The CSV of the current view (breadth, context, benchmark and rotation columns)."""
    state = _merge(view, rng)
    svc = get_service()
    return dcc.send_string(export.view_csv(svc, state), export.file_name(state))


def register(app: Dash) -> None:
    """Register the Breadth tab's callbacks on ``app``."""
    app.callback(
        output=OUTPUTS,
        inputs=[Input(Ids.VIEW, "data"), Input(Ids.RANGE, "data"), Input(Ids.DATA_VERSION, "data")],
    )(update_charts)
    app.callback(
        Output(Ids.DOWNLOAD, "data"),
        Input(Ids.DOWNLOAD_BUTTON, "n_clicks"),
        State(Ids.VIEW, "data"),
        State(Ids.RANGE, "data"),
        prevent_initial_call=True,
    )(download_csv)
    app.clientside_callback(
        ClientsideFunction(namespace="breadth", function_name="syncX"),
        Output(Ids.SYNC, "data"),
        *[Input(i, "relayoutData") for i in LINKED_GRAPHS],
        prevent_initial_call=True,
    )
