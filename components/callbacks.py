"""Callbacks, registered with ``dash.callback`` when this module is imported (by app.py).

Three server callbacks, each a few lines that unpack, type, call ``components.views`` and
return; one clientside callback (assets/linked_axes.js) keeps the charts' date axes linked.

- ``sync_url``: the URL query string <-> every control, both ways, and the two view stores
  (``VIEW``: what the frames depend on; ``RANGE``: the dates).
- ``update_charts``: a ``VIEW`` change rebuilds the charts; a ``RANGE`` change only patches
  their axis ranges (no data resent) and rebuilds the small rotation chart and table.
- ``download_csv``: what the charts show, as CSV.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from dash import (
    ALL,
    ClientsideFunction,
    Dash,
    Input,
    Output,
    State,
    callback,
    clientside_callback,
    ctx,
    dcc,
    no_update,
)
from dash import _callback as dash_callbacks

from components import export, views
from components.figure_cache import cached_benchmark, cached_panels, cached_rotation
from components.ids import LINKED_GRAPHS, Ids
from components.tab_callbacks import register_tabs
from components.tables import notice_list, returns_table, survivorship_alert
from components.urlforms import controls_query, preset_range, state_from_dict, state_to_dict
from components.urlstate import ViewState, parse_query, to_query
from components.urlstate_tabs import keep_tab_fields

_BEFORE_MAP = set(dash_callbacks.GLOBAL_CALLBACK_MAP)
_BEFORE_LIST = len(dash_callbacks.GLOBAL_CALLBACK_LIST)

CONTROLS = [
    (Ids.UNIVERSE, "value"),
    (Ids.COMPARE, "value"),
    (Ids.DATES, "start_date"),
    (Ids.DATES, "end_date"),
    (Ids.FAST, "value"),
    (Ids.SLOW, "value"),
    (Ids.HIGHS, "value"),
    (Ids.MCCLELLAN, "value"),
]
VIEW_DATA, RANGE_DATA = f"{Ids.VIEW}.data", f"{Ids.RANGE}.data"
VERSION_DATA = f"{Ids.DATA_VERSION}.data"  # a refresh from the page landed
CHARTS = (Ids.PARTICIPATION, Ids.HIGHS_LOWS, Ids.ADVANCE_DECLINE, Ids.BENCHMARK)


def _stores(state: ViewState) -> tuple[dict[str, Any], dict[str, Any]]:
    """(VIEW, RANGE) store contents of a state."""
    data = state_to_dict(state)
    rng = {"start": data.pop("start"), "end": data.pop("end")}
    return data, rng


def _merge(view: dict[str, Any] | None, rng: dict[str, Any] | None) -> ViewState:
    return state_from_dict({**(view or {}), **(rng or {})})


@callback(
    Output(Ids.URL, "search"),
    *[Output(i, p) for i, p in CONTROLS],
    Output(Ids.VIEW, "data"),
    Output(Ids.RANGE, "data"),
    Output(Ids.NOTICES, "children"),
    Input(Ids.URL, "search"),
    *[Input(i, p) for i, p in CONTROLS],
    Input({"type": Ids.PRESET, "preset": ALL}, "n_clicks"),
    State(Ids.VIEW, "data"),
    State(Ids.RANGE, "data"),
)
def sync_url(search: str | None, *args: Any) -> tuple[Any, ...]:
    """Page load or back/forward: URL -> controls. A control or preset: controls -> URL."""
    raw, view, rng = args[: len(CONTROLS)], args[-2], args[-1]
    choices = views.choices(views.get_service())
    trigger = ctx.triggered_id
    if not trigger or trigger == Ids.URL:
        state, notices = parse_query(search, choices)
    else:
        state, notices = parse_query(controls_query(*raw), choices)
    if isinstance(trigger, dict):  # a preset button: keep the other controls
        start, end = preset_range(str(trigger.get("preset")), choices)
        state = replace(state, start=start, end=end)
    if trigger and trigger != Ids.URL:  # the tabs' fields stay as the URL has them
        state = keep_tab_fields(state, parse_query(search, choices)[0], choices)
    new_view, new_rng = _stores(state)
    heading = "Parts of the link were ignored:" if trigger in (None, "", Ids.URL) else "Ignored:"
    return (
        to_query(state),
        state.universe,
        state.compare or None,
        state.start.isoformat() if state.start else None,
        state.end.isoformat() if state.end else None,
        state.fast,
        state.slow,
        "intraday" if state.intraday else "close",
        "ratio" if state.ratio_adjusted else "classic",
        new_view if new_view != view else no_update,
        new_rng if new_rng != rng else no_update,
        notice_list(notices, heading=heading),
    )


@callback(
    *[Output(i, "figure") for i in CHARTS],
    Output(Ids.COVERAGE, "children"),
    Output(Ids.SURVIVORSHIP, "children"),
    Output(Ids.ROTATION, "figure"),
    Output(Ids.ROTATION_TABLE, "children"),
    Output(Ids.ROTATION_NOTICE, "children"),
    Input(Ids.VIEW, "data"),
    Input(Ids.RANGE, "data"),
    Input(Ids.DATA_VERSION, "data"),
)
def update_charts(
    view: dict[str, Any] | None, rng: dict[str, Any] | None, _version: Any = None
) -> tuple[Any, ...]:
    """Rebuild on a VIEW change; on a RANGE change patch ranges and redo the rotation."""
    svc, state = views.get_service(), _merge(view, rng)
    fired = set(ctx.triggered_prop_ids) - {"."} or {"init"}
    fired = {"init"} if VERSION_DATA in fired else fired  # new data: rebuild everything
    out: list[Any] = [no_update] * 9
    if fired & {"init", VIEW_DATA}:
        panels = cached_panels(svc, state)
        label, note = views.survivorship(svc, state.universe)
        out[:6] = [
            panels.participation,
            panels.highs_lows,
            panels.advance_decline,
            cached_benchmark(svc, state),
            panels.coverage,
            survivorship_alert(note, label),
        ]
    elif RANGE_DATA in fired:
        out[:4] = [*views.breadth_patches(svc, state), views.benchmark_patch(svc, state)]
    if fired & {"init", RANGE_DATA}:
        rot = cached_rotation(svc, state, patch="init" not in fired and VIEW_DATA not in fired)
        out[6:] = [
            rot.figure,
            returns_table(rot.table, state.start, state.end),
            notice_list(rot.notices, heading="Rotation notes:"),
        ]
    return tuple(out)


@callback(
    Output(Ids.DOWNLOAD, "data"),
    Input(Ids.DOWNLOAD_BUTTON, "n_clicks"),
    State(Ids.VIEW, "data"),
    State(Ids.RANGE, "data"),
    prevent_initial_call=True,
)
def download_csv(
    n_clicks: int | None, view: dict[str, Any] | None, rng: dict[str, Any] | None
) -> dict[str, Any]:
    """The CSV of the current view (breadth, context, benchmark and rotation columns)."""
    state = _merge(view, rng)
    svc = views.get_service()
    return dcc.send_string(export.view_csv(svc, state), export.file_name(state))


clientside_callback(
    ClientsideFunction(namespace="breadth", function_name="syncX"),
    Output(Ids.SYNC, "data"),
    *[Input(i, "relayoutData") for i in LINKED_GRAPHS],
    prevent_initial_call=True,
)

register_tabs()  # the tabs' URL sync and views (components.tab_callbacks)

_OWN_MAP = {k: v for k, v in dash_callbacks.GLOBAL_CALLBACK_MAP.items() if k not in _BEFORE_MAP}
_OWN_LIST = list(dash_callbacks.GLOBAL_CALLBACK_LIST[_BEFORE_LIST:])


def attach(app: Dash) -> None:
    """Give ``app`` this module's callbacks.

    ``dash.callback`` hands its registrations to the first app that serves a request and
    then forgets them, so a second app in the same process (tests, or ``python app.py`` after
    the module-level ``server``) would have none. Each app gets its own copy instead.
    """
    for key, spec in _OWN_MAP.items():
        dash_callbacks.GLOBAL_CALLBACK_MAP.pop(key, None)
        app.callback_map[key] = spec
    own_ids = {id(item) for item in _OWN_LIST}
    dash_callbacks.GLOBAL_CALLBACK_LIST[:] = [
        item for item in dash_callbacks.GLOBAL_CALLBACK_LIST if id(item) not in own_ids
    ]
    app._callback_list.extend(_OWN_LIST)
