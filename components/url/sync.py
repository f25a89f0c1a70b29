"""The URL <-> every control, both ways: ``sync_url``, the one callback that writes the URL
(its inputs and outputs derived from ``fields``).

- Back/forward: URL -> every control, and the notices of what the link got wrong. A page's
  load does not call it: the layout is its answer for the page's address (``arrival``,
  read by ``serve_layout`` from the layout request's Referer), so the page's first requests
  are its views' (0.15 s sooner to a first load's charts, bench T3); ``url.arrive``
  (assets/url.js) then writes the link's canonical form to the address bar, or, for a layout
  made for another address (no Referer), hands the address here as a load.
- A header control (``tab == PAGE`` fields) or a preset button: those controls -> URL (the
  tabs' fields stay as the URL has them). A preset is a rolling range (``range=1Y``) until
  fixed dates replace it (the date picker, a zoom).
- A zoom (drag) on the linked charts (``SYNC``, written by assets/linked_axes.js): its days
  become the view's start and end, so the URL, the picker, the rebased rotation chart and
  the returns table follow; Back undoes it like any other change.
- A tab control, the RRG end-date slider (positions stand for dates) or one of the Claim
  check's date buttons: only its key of the current query changes.
- A refresh from the page landed: the refreshed universe and the new data's default date
  range, the other controls kept. It fires on the universe list the refresh panel writes
  after a landing (``UNIVERSE.options``), not on ``DATA_VERSION`` itself, so the value
  always follows the new options (a dcc.Dropdown may drop a value that is not among its
  options yet: plotly/dash#2931, #3004).

It writes the stores the views read only when they change: ``VIEW`` (what the breadth
frames depend on), ``RANGE`` (the dates) and ``TAB_STATE`` (the whole state, for the tabs).
Registered per app by ``register(app)``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

from dash import ALL, ClientsideFunction, Dash, Input, Output, State, ctx, no_update

from components.context import choices as store_choices
from components.context import get_service
from components.ids import Ids
from components.page.tables import notice_list
from components.rrg.view import end_of, slider_config
from components.url.fields import BY_KEY, FIELDS, ViewState
from components.url.query import (
    controls_query,
    edited_query,
    keep_tab_fields,
    parse_query,
    preset_range,
    to_query,
    to_store,
    zoomed,
)
from components.url.spec import PAGE, Control
from components.url.values import PRESETS, Choices
from service.breadth import BreadthService
from service.note import NOTE_DATE

PAGE_CONTROLS: tuple[tuple[str, Control], ...] = tuple(
    (name, spec.control) for name, spec in FIELDS if spec.tab == PAGE and spec.control
)
TAB_CONTROLS: tuple[tuple[str, Control], ...] = tuple(
    (name, spec.control) for name, spec in FIELDS if spec.tab != PAGE and spec.control
)
N_PAGE, N_TAB = len(PAGE_CONTROLS), len(TAB_CONTROLS)
PAGE_IDS: frozenset[str] = frozenset(str(c.id) for _, c in PAGE_CONTROLS)
TAB_IDS: tuple[str, ...] = tuple(str(c.id) for _, c in TAB_CONTROLS)
CONTROL_FIELD: dict[str, str] = {str(c.id): name for name, c in TAB_CONTROLS}
"""A tab control's id -> its ViewState attribute."""
KEY_OF: dict[str, str] = {name: key for key, (name, _) in BY_KEY.items()}
BUTTONS: dict[str, tuple[str, date | None]] = {
    Ids.CLAIM_NOTE_DATE: ("asof", NOTE_DATE),
    Ids.CLAIM_LATEST: ("asof", None),
}
"""Buttons that set a field to a fixed value (None: its default)."""
SLIDER: tuple[str, ...] = ("min", "max", "marks", "value")
LANDED = f"{Ids.UNIVERSE}.options"
"""The input that says a refresh from the page landed (the panel writes the new list)."""
URL_HEADING = "Parts of the link were ignored:"
RANGE_FIELDS: tuple[str, ...] = ("start", "end")
VIEW_FIELDS: tuple[str, ...] = tuple(n for n, _ in PAGE_CONTROLS if n not in RANGE_FIELDS)


def shown(controls: tuple[tuple[str, Control], ...], state: ViewState, ch: Choices) -> list[Any]:
    """What each control displays for ``state``."""
    return [c.show(getattr(state, name), state, ch) for name, c in controls]


def changed(new: list[Any], current: tuple[Any, ...]) -> list[Any]:
    """``new`` with ``no_update`` where a control already shows that value: a control the
    user changed while this call was on its way (a tab clicked during the page's first
    sync) keeps the user's value instead of being set back."""
    return [no_update if n == c else n for n, c in zip(new, current, strict=True)]


def stores(state: ViewState) -> tuple[dict[str, Any], dict[str, Any]]:
    """(VIEW, RANGE) store contents of a state."""
    return to_store(state, VIEW_FIELDS), to_store(state, RANGE_FIELDS)


def _from_controls(
    search: str | None, trigger: object, raw: tuple[Any, ...], ch: Choices
) -> tuple[ViewState, list[str]]:
    """The state after a header control or preset button changed (tab fields kept)."""
    values = dict(zip((n for n, _ in PAGE_CONTROLS), raw, strict=True))
    current = parse_query(search, ch)[0]
    cleared: list[str] = []
    if trigger == Ids.DATES:  # the picker clears a date it cannot read: keep the old one
        for name in RANGE_FIELDS:
            if not values.get(name) and getattr(current, name) is not None:
                values[name] = getattr(current, name).isoformat()
                cleared.append(f"the typed {name} date was not a valid date; kept {values[name]}")
    state, notices = parse_query(controls_query(values, ch), ch)
    notices = [*cleared, *notices]
    preset = str(trigger.get("preset")) if isinstance(trigger, dict) else current.preset
    if trigger == Ids.DATES:  # fixed dates replace a rolling range
        preset = ""
    if preset:  # a preset button, or a rolling range the other controls keep
        start, end = preset_range(preset, ch)
        state = replace(state, preset=preset, start=start, end=end)
    return keep_tab_fields(state, current, ch), notices


def sync_url(search: str | None, *args: Any) -> tuple[Any, ...]:
    """Page load or back/forward: URL -> every control. A header control or preset: those
    controls -> URL. A tab control, the RRG slider or a date button: only its key."""
    page, tabs = args[:N_PAGE], args[N_PAGE + 1 : N_PAGE + 1 + N_TAB]
    slider_value = args[N_PAGE + 1 + N_TAB]
    zoom, _options, landed, view, rng, stored = args[-6:]
    svc = get_service()
    ch = store_choices(svc)
    trigger = ctx.triggered_id
    heading = "Ignored:"
    if not trigger or trigger == Ids.URL:
        state, notices = parse_query(search, ch)
        heading = URL_HEADING
    elif LANDED in ctx.triggered_prop_ids:  # a refresh landed: its universe, new default range
        wanted = (landed or {}).get("universe")
        universe = wanted if wanted in ch.universes else ch.default_universe
        values = dict(zip((n for n, _ in PAGE_CONTROLS), page, strict=True))
        values.update(universe=universe, start=None, end=None)
        state, notices = _from_controls(search, trigger, tuple(values.values()), ch)
    elif isinstance(trigger, dict) or str(trigger) in PAGE_IDS:
        state, notices = _from_controls(search, trigger, page, ch)
    elif trigger == Ids.SYNC:  # a zoom on the linked charts
        current, _ = parse_query(search, ch)
        state, notices = zoomed(current, str(zoom or ""), ch) or current, []
    else:
        current, _ = parse_query(search, ch)
        values = {**dict(zip(TAB_IDS, tabs, strict=True)), str(Ids.RRG_END): slider_value}
        state = query_after(
            search,
            trigger,
            values.get(str(trigger)),
            ch,
            end_of=lambda pos: end_of(svc, current, pos),
        )
        notices = []  # the query is rewritten in its canonical form: nothing to report
    out = written(svc, state, ch, notices, heading)
    out[PAGE_AT] = changed(out[PAGE_AT], page)
    out[TABS_AT] = changed(out[TABS_AT], tabs)
    for at, now in ((VIEW_AT, view), (RANGE_AT, rng), (-1, stored)):  # stores: only changes
        out[at] = no_update if out[at] == now else out[at]
    return tuple(out)


def written(
    svc: BreadthService, state: ViewState, ch: Choices, notices: list[str], heading: str
) -> list[Any]:
    """Every output of ``sync_url`` for ``state`` (``OUTPUTS``' order), before it leaves out
    the controls and stores that already show it."""
    new_view, new_rng = stores(state)
    slider = slider_config(svc, state) if state.tab == "rrg" else [no_update] * len(SLIDER)
    return [
        to_query(state),
        *shown(PAGE_CONTROLS, state, ch),
        new_view,
        new_rng,
        notice_list(notices, heading=heading),
        [p == state.preset for p in PRESETS],  # the active rolling range, highlighted
        *shown(TAB_CONTROLS, state, ch),
        *slider,
        to_store(state),
    ]


def arrival(
    search: str, svc: BreadthService, ch: Choices
) -> tuple[str, list[tuple[Any, str, Any]]]:
    """What ``sync_url`` writes for a page opened at ``search``: the link in canonical form
    (its URL output), and every other output as (component id, property, value) in
    ``OUTPUTS``' order, without ``no_update``. The layout starts from it (``serve_layout``),
    so a first load asks the server for no sync before its view."""
    state, notices = parse_query(search, ch)
    link, *out = written(svc, state, ch, notices, URL_HEADING)
    rest = [
        (o.component_id, o.component_property, v)
        for o, v in zip(OUTPUTS[1:], out, strict=True)
        if v is not no_update
    ]
    return link, rest


def query_after(
    search: str | None,
    trigger: object,
    value: Any,
    ch: Choices,
    end_of: Callable[[Any], date | None] | None = None,
) -> ViewState:
    """The state after ``trigger`` (a tab control or button) took ``value``.

    ``end_of`` maps an RRG slider position to its date (None: the default end).
    """
    if str(trigger) in BUTTONS:
        name, day = BUTTONS[str(trigger)]
        raw = day.isoformat() if day else None
    elif trigger == Ids.RRG_END:
        name, day = "rrg_end", end_of(value) if end_of is not None else None
        raw = day.isoformat() if day else None
    else:
        name = CONTROL_FIELD[str(trigger)]
        raw = BY_KEY[KEY_OF[name]][1].control.raw(value, ch)  # type: ignore[union-attr]
    state, _ = parse_query(edited_query(search, KEY_OF[name], raw), ch)
    return state


OUTPUTS: tuple[Output, ...] = (
    Output(Ids.URL, "search"),
    *[Output(c.id, c.prop) for _, c in PAGE_CONTROLS],
    Output(Ids.VIEW, "data"),
    Output(Ids.RANGE, "data"),
    Output(Ids.NOTICES, "children"),
    Output({"type": Ids.PRESET, "preset": ALL}, "active"),
    *[Output(c.id, c.prop) for _, c in TAB_CONTROLS],
    *[Output(Ids.RRG_END, prop) for prop in SLIDER],
    Output(Ids.TAB_STATE, "data"),
)
"""What ``sync_url`` writes, in order."""
PAGE_AT = slice(1, 1 + N_PAGE)
VIEW_AT, RANGE_AT = 1 + N_PAGE, 2 + N_PAGE
TABS_AT = slice(5 + N_PAGE, 5 + N_PAGE + N_TAB)
"""Positions in ``OUTPUTS``: the page controls, the two view stores, the tab controls."""


def register(app: Dash) -> None:
    """Register the sync on ``app``: the one callback that writes the URL. A page's first
    load does not call it (the layout is its answer for the page's address, see
    ``arrival``); ``url.arrive`` (assets/url.js) puts the link's canonical form in the
    address bar, or, when the layout was made for another address (no ``Referer``), hands
    the address to the sync."""
    app.callback(
        *OUTPUTS,
        Input(Ids.URL, "search"),
        *[Input(c.id, c.prop) for _, c in PAGE_CONTROLS],
        Input({"type": Ids.PRESET, "preset": ALL}, "n_clicks"),
        *[Input(c.id, c.prop) for _, c in TAB_CONTROLS],
        Input(Ids.RRG_END, "value"),
        *[Input(b, "n_clicks") for b in BUTTONS],
        Input(Ids.SYNC, "data"),
        Input(Ids.UNIVERSE, "options"),  # written after a landing (see the module's note)
        State(Ids.DATA_VERSION, "data"),
        State(Ids.VIEW, "data"),
        State(Ids.RANGE, "data"),
        State(Ids.TAB_STATE, "data"),
        prevent_initial_call=True,
    )(sync_url)
    app.clientside_callback(
        ClientsideFunction(namespace="url", function_name="arrive"),
        Output(Ids.URL, "search", allow_duplicate=True),
        Output(Ids.URL, "href"),
        Input(Ids.LINK, "data"),  # never written: this fires once, at the page's load
        State(Ids.URL, "search"),
        prevent_initial_call="initial_duplicate",
    )
