"""The URL <-> the controls, both ways: two callbacks derived from ``fields``.

- ``sync_url``: the header's controls (``tab == PAGE`` fields). Page load or back/forward:
  URL -> controls; a control or a preset button: controls -> URL (the tabs' fields stay as
  the URL has them). Writes the two view stores (``VIEW``: what the frames depend on;
  ``RANGE``: the dates) only when they change, and lists what the link got wrong.
- ``sync_tabs``: the tabs' controls. URL -> controls; one tab control -> only its key of the
  current query. Also the RRG end-date slider (positions stand for dates) and the Claim
  check's two date buttons. ``TAB_STATE`` holds the parsed state for the tab views.

Registered per app by ``register(app)``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

from dash import ALL, Dash, Input, Output, State, ctx, no_update

from components.context import choices as store_choices
from components.context import get_service
from components.ids import Ids
from components.page.tables import notice_list
from components.rrg.view import end_of, slider_config
from components.url.fields import BY_KEY, FIELDS, NOTE_DATE, PAGE, Choices, Control, ViewState
from components.url.query import (
    controls_query,
    edited_query,
    keep_tab_fields,
    parse_query,
    preset_range,
    to_query,
    to_store,
)

PAGE_CONTROLS: tuple[tuple[str, Control], ...] = tuple(
    (name, spec.control) for name, spec in FIELDS if spec.tab == PAGE and spec.control
)
TAB_CONTROLS: tuple[tuple[str, Control], ...] = tuple(
    (name, spec.control) for name, spec in FIELDS if spec.tab != PAGE and spec.control
)
CONTROL_FIELD: dict[str, str] = {str(c.id): name for name, c in TAB_CONTROLS}
"""A tab control's id -> its ViewState attribute."""
KEY_OF: dict[str, str] = {name: key for key, (name, _) in BY_KEY.items()}
BUTTONS: dict[str, tuple[str, date | None]] = {
    Ids.CLAIM_NOTE_DATE: ("asof", NOTE_DATE),
    Ids.CLAIM_LATEST: ("asof", None),
}
"""Buttons that set a field to a fixed value (None: its default)."""
SLIDER: tuple[str, ...] = ("min", "max", "marks", "value")
RANGE_FIELDS: tuple[str, ...] = ("start", "end")
VIEW_FIELDS: tuple[str, ...] = tuple(n for n, _ in PAGE_CONTROLS if n not in RANGE_FIELDS)


def shown(controls: tuple[tuple[str, Control], ...], state: ViewState, ch: Choices) -> list[Any]:
    """What each control displays for ``state``."""
    return [c.show(getattr(state, name), state, ch) for name, c in controls]


def stores(state: ViewState) -> tuple[dict[str, Any], dict[str, Any]]:
    """(VIEW, RANGE) store contents of a state."""
    return to_store(state, VIEW_FIELDS), to_store(state, RANGE_FIELDS)


def sync_url(search: str | None, *args: Any) -> tuple[Any, ...]:
    """Page load or back/forward: URL -> controls. A control or preset: controls -> URL."""
    raw, view, rng = args[: len(PAGE_CONTROLS)], args[-2], args[-1]
    ch = store_choices(get_service())
    trigger = ctx.triggered_id
    if not trigger or trigger == Ids.URL:
        state, notices = parse_query(search, ch)
    else:
        values = dict(zip((n for n, _ in PAGE_CONTROLS), raw, strict=True))
        state, notices = parse_query(controls_query(values, ch), ch)
    if isinstance(trigger, dict):  # a preset button: keep the other controls
        start, end = preset_range(str(trigger.get("preset")), ch)
        state = replace(state, start=start, end=end)
    if trigger and trigger != Ids.URL:  # the tabs' fields stay as the URL has them
        state = keep_tab_fields(state, parse_query(search, ch)[0], ch)
    new_view, new_rng = stores(state)
    heading = "Parts of the link were ignored:" if trigger in (None, "", Ids.URL) else "Ignored:"
    return (
        to_query(state),
        *shown(PAGE_CONTROLS, state, ch),
        new_view if new_view != view else no_update,
        new_rng if new_rng != rng else no_update,
        notice_list(notices, heading=heading),
    )


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


def sync_tabs(search: str | None, *args: Any) -> tuple[Any, ...]:
    """URL -> tab controls (page load, back/forward); a tab control -> the URL."""
    svc = get_service()
    ch = store_choices(svc)
    values = dict(zip((str(c.id) for _, c in TAB_CONTROLS), args, strict=False))
    stored = args[-1]
    trigger = ctx.triggered_id
    state, _ = parse_query(search, ch)
    if trigger and trigger != Ids.URL:
        current = state
        state = query_after(
            search,
            trigger,
            values.get(str(trigger), args[len(TAB_CONTROLS)] if trigger == Ids.RRG_END else None),
            ch,
            end_of=lambda pos: end_of(svc, current, pos),
        )
    query = to_query(state)
    slider = slider_config(svc, state) if state.tab == "rrg" else [no_update] * len(SLIDER)
    data = to_store(state)
    return (
        query if query != search else no_update,
        *shown(TAB_CONTROLS, state, ch),
        *slider,
        data if data != stored else no_update,
    )


def register(app: Dash) -> None:
    """Register both syncs on ``app``."""
    app.callback(
        Output(Ids.URL, "search"),
        *[Output(c.id, c.prop) for _, c in PAGE_CONTROLS],
        Output(Ids.VIEW, "data"),
        Output(Ids.RANGE, "data"),
        Output(Ids.NOTICES, "children"),
        Input(Ids.URL, "search"),
        *[Input(c.id, c.prop) for _, c in PAGE_CONTROLS],
        Input({"type": Ids.PRESET, "preset": ALL}, "n_clicks"),
        State(Ids.VIEW, "data"),
        State(Ids.RANGE, "data"),
    )(sync_url)
    app.callback(
        Output(Ids.URL, "search", allow_duplicate=True),
        *[Output(c.id, c.prop) for _, c in TAB_CONTROLS],
        *[Output(Ids.RRG_END, prop) for prop in SLIDER],
        Output(Ids.TAB_STATE, "data"),
        Input(Ids.URL, "search"),
        *[Input(c.id, c.prop) for _, c in TAB_CONTROLS],
        Input(Ids.RRG_END, "value"),
        *[Input(b, "n_clicks") for b in BUTTONS],
        State(Ids.TAB_STATE, "data"),
        prevent_initial_call="initial_duplicate",
    )(sync_tabs)
