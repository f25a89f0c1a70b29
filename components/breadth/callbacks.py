"""The Breadth tab's callbacks, registered per app by ``register(app)``.

- ``update_charts``: draws every chart of ``charts_of("breadth")`` (outputs derived from the
  registry, keyed by name). A ``VIEW`` change redraws the charts that depend on the view; a
  ``RANGE`` change only re-ranges them (``Chart.redraw``: Patches, no data resent, and the
  rotation chart rebased at the new start); a new data version redraws everything. It also
  owns the analog episode bands on the participation chart (``TAB_STATE``: the Analogs
  tab's thresholds): laid on each fresh drawing, patched when only the tab fields change
  (the tab's own store, ``view_store("breadth")``, fired: it follows ``TAB_STATE`` while the
  Breadth tab is active), shown while the Breadth tab is active. At a page's load it fires
  from its own store alone (the layout holds ``VIEW`` and ``RANGE``): ``Ids.DRAWN``, set by
  its first full drawing, says the charts are not drawn yet. The divergence marks
  (``dvn``, ``dvt``, ``dv``: Breadth tab fields) are drawn with the benchmark and
  participation charts, and replaced by position (``views.DIVERGENCE_TRACES``) when only the
  tab fields change.
- a clientside callback (assets/linked_axes.js) keeps the charts' date axes linked.

The URL <-> controls sync that writes ``VIEW`` and ``RANGE`` is ``components.url.sync``.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from dash import ClientsideFunction, Dash, Input, Output, Patch, State, ctx, no_update

from components.analogs.view import episode_bands
from components.breadth.figures_div import traces_json
from components.breadth.views import DIVERGENCE_TRACES, divergence_marks
from components.charts import LINKED_GRAPHS, Chart, charts_of
from components.context import choices, get_service
from components.ids import Ids
from components.page.tabs import dom_id
from components.tabs import view_store
from components.url.fields import ViewState
from components.url.query import from_store

DIVERGENCE_FIELDS = ("div_near", "div_trail", "div_marks")
"""The Breadth tab's fields the marks depend on (the rest of its state is the VIEW's)."""

VIEW_DATA, RANGE_DATA = f"{Ids.VIEW}.data", f"{Ids.RANGE}.data"
VERSION_DATA = f"{Ids.DATA_VERSION}.data"  # a refresh from the page landed
TAB_DATA = f"{dom_id(view_store('breadth'))}.data"
"""The prop id of the tab's own store as ``ctx.triggered_prop_ids`` names it."""


def _merge(view: dict[str, Any] | None, rng: dict[str, Any] | None) -> ViewState:
    return from_store({**(view or {}), **(rng or {})})


def outputs(charts: tuple[Chart, ...]) -> dict[str, Output]:
    """Output name -> Output of the charts (figure, then extras)."""
    out: dict[str, Output] = {}
    for chart in charts:
        if chart.graph is not None:
            out[chart.key] = Output(chart.graph, "figure")
        out.update({name: Output(i, prop) for name, i, prop in chart.extras})
    return out


CHARTS = charts_of("breadth")
OUTPUTS = {**outputs(CHARTS), "drawn": Output(Ids.DRAWN, "data")}


def _with_bands(figure: Any, bands: list[dict[str, Any]]) -> Any:
    """The participation chart's output with the episode bands as its shapes: a new drawing
    (a dict; the cached one is left alone) gets them in its layout, a range Patch gets them
    added, and no output becomes a Patch of the shapes alone."""
    if isinstance(figure, dict) and "layout" in figure:
        return {**figure, "layout": {**figure["layout"], "shapes": bands}}
    patch = figure if isinstance(figure, Patch) else Patch()
    patch["layout"]["shapes"] = bands
    return patch


def _with_marks(figure: Any, traces: list[dict[str, Any]], first: int) -> Any:
    """The chart's output with its two divergence traces replaced by position: a range
    Patch gets them added, no output becomes a Patch of the traces alone."""
    patch = figure if isinstance(figure, Patch) else Patch()
    for offset, trace in enumerate(traces):
        patch["data"][first + offset] = trace
    return patch


def update_charts(
    view: dict[str, Any] | None,
    rng: dict[str, Any] | None,
    _version: Any = None,
    routed: dict[str, Any] | None = None,
    tabs: dict[str, Any] | None = None,
    drawn: Any = None,
) -> dict[str, Any]:
    """Redraw what the fired stores changed (see the module docstring). ``tabs`` is the page's
    state (``TAB_STATE``); ``routed``, the tab's own copy of it, is the newer when it fired
    (a click on the tab sends it before the URL sync's answer: ``tabs.select``); ``drawn``
    (``Ids.DRAWN``) is set once the charts were drawn in this page."""
    svc, state = get_service(), _merge(view, rng)
    fired = set(ctx.triggered_prop_ids) - {"."} or {"init"}
    if TAB_DATA in fired and routed:
        tabs = routed
    shown = from_store(tabs)
    if tabs:  # the marks' parameters live in the tab state
        state = replace(state, **{f: getattr(shown, f) for f in DIVERGENCE_FIELDS})
    if VERSION_DATA in fired or not drawn:  # new data, or the page's first drawing: everything
        fired = {"init"}
    full = bool(fired & {"init", VIEW_DATA})
    out: dict[str, Any] = dict.fromkeys(OUTPUTS, no_update)
    for chart in CHARTS:
        if chart.per_view and full and chart.draw is not None:
            out.update(chart.draw(svc, state))
        elif fired & {"init", RANGE_DATA}:
            draw = chart.draw if full else chart.redraw
            out.update(draw(svc, state) if draw is not None else {})
    if tabs and shown.tab == "breadth" and TAB_DATA in fired and not full:
        for key, traces in divergence_marks(svc, state).items():
            out[key] = _with_marks(out[key], traces_json(traces), DIVERGENCE_TRACES[key])
    fresh = full and out["participation"] is not no_update
    if tabs and shown.tab == "breadth" and (fresh or TAB_DATA in fired):
        bands = episode_bands(svc, shown, choices(svc))
        out["participation"] = _with_bands(out["participation"], bands)
    out["drawn"] = True if full and not drawn else no_update
    return out


def register(app: Dash) -> None:
    """Register the Breadth tab's callbacks on ``app``."""
    app.callback(
        output=OUTPUTS,
        inputs=[
            Input(Ids.VIEW, "data"),
            Input(Ids.RANGE, "data"),
            Input(Ids.DATA_VERSION, "data"),
            Input(view_store("breadth"), "data"),
            State(Ids.TAB_STATE, "data"),  # current when a VIEW change fired (the own store is not)
            State(Ids.DRAWN, "data"),
        ],
    )(update_charts)
    app.clientside_callback(
        ClientsideFunction(namespace="breadth", function_name="syncX"),
        Output(Ids.SYNC, "data"),
        *[Input(i, "relayoutData") for i in LINKED_GRAPHS],
        State(Ids.RANGE, "data"),
        prevent_initial_call=True,
    )
