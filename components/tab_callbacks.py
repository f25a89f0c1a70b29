"""The tabs' controls <-> the URL, and the registration of every tab view's callbacks.

``sync_tabs`` mirrors ``components.callbacks.sync_url`` for the tab fields: on page load or
back/forward it sets the tab controls from the query string; when one tab control changes it
rewrites only that control's key of the current query (the Breadth keys stay as they are)
and normalises it with ``parse_query``/``to_query``. Malformed link values are reported by
``sync_url``'s notice list (one parser for the whole query). ``TAB_STATE`` holds the parsed
state for the views, written only when it changes.

``register_tabs`` is called once by ``components.callbacks`` (between its registry snapshots),
so ``attach`` gives each app these callbacks too; importing this module registers nothing.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode

from dash import Input, Output, State, callback, ctx, no_update

from components.ids import Ids
from components.urlstate import Choices, ViewState, parse_query, to_query
from components.urlstate_tabs import (
    NOTE_DATE,
    claim_universes,
    to_store,
)

CONTROL_KEYS: dict[str, tuple[str, str]] = {
    Ids.TABS: ("tab", "active_tab"),
    Ids.RRG_TAIL: ("tail", "value"),
    Ids.RRG_FREQ: ("freq", "value"),
    Ids.RRG_END: ("rrgend", "value"),
    Ids.CLAIM_ASOF: ("asof", "date"),
    Ids.CLAIM_UNIVERSE: ("cu", "value"),
    Ids.CLAIM_COMPARE: ("ccmp", "value"),
    Ids.ANALOG_GAP: ("gap", "value"),
    Ids.ANALOG_NEAR: ("near", "value"),
    Ids.ANALOG_MARKS: ("marks", "value"),
}
"""Tab control -> (URL key, the property it edits)."""
BUTTONS = (Ids.CLAIM_NOTE_DATE, Ids.CLAIM_LATEST)


def raw_value(key: str, value: Any) -> str | None:
    """A control's value as its URL text (None: drop the key, i.e. the default)."""
    if value is None or value == "":
        return None
    if key == "marks":
        return "on" if value else "off"
    if key == "asof":
        return str(value)[:10]
    return str(value)


def edited_query(search: str | None, key: str, raw: str | None) -> str:
    """The current query with ``key`` replaced by ``raw`` (removed when None)."""
    text = (search or "").removeprefix("?")
    try:
        pairs = [(k, v) for k, v in parse_qsl(text, keep_blank_values=True) if k != key]
    except ValueError:
        pairs = []
    if raw is not None:
        pairs.append((key, raw))
    return "?" + urlencode(pairs)


def query_after(
    search: str | None, trigger: object, value: Any, choices: Choices, end_of: Any = None
) -> ViewState:
    """The state after ``trigger`` (a tab control or button) took ``value``.

    ``end_of`` maps an RRG slider position to its date (None: the default end).
    """
    if trigger == Ids.CLAIM_NOTE_DATE:
        key, raw = "asof", NOTE_DATE.isoformat()
    elif trigger == Ids.CLAIM_LATEST:
        key, raw = "asof", None
    elif trigger == Ids.RRG_END:
        day = end_of(value) if end_of is not None else None
        key, raw = "rrgend", day.isoformat() if day else None
    else:
        key = CONTROL_KEYS[str(trigger)][0]
        raw = raw_value(key, value)
        defaults = claim_universes(ViewState(), choices)
        if (key, raw) in (("cu", defaults[0]), ("ccmp", defaults[1])):
            raw = None  # the store's preferred default stays implicit
    state, _ = parse_query(edited_query(search, key, raw), choices)
    return state


def control_values(state: ViewState, choices: Choices) -> list[Any]:
    """What each tab control shows for ``state`` (in CONTROL_KEYS order, slider excluded)."""
    universe, compare = claim_universes(state, choices)
    asof = state.asof or choices.last
    return [
        state.tab,
        state.rrg_tail,
        state.rrg_freq,
        asof.isoformat() if asof else None,
        universe,
        compare or None,
        state.analog_gap,
        state.analog_near,
        state.analog_marks,
    ]


def sync_tabs(search: str | None, *args: Any) -> tuple[Any, ...]:
    """URL -> tab controls (page load, back/forward); a tab control -> the URL."""
    from components import view_rrg, views

    svc = views.get_service()
    choices = views.choices(svc)
    values = dict(zip(CONTROL_KEYS, args[: len(CONTROL_KEYS)], strict=True))
    stored = args[-1]
    trigger = ctx.triggered_id
    if not trigger or trigger == Ids.URL:
        state, _ = parse_query(search, choices)
    else:
        current, _ = parse_query(search, choices)
        state = query_after(
            search,
            trigger,
            values.get(str(trigger)),
            choices,
            end_of=lambda pos: view_rrg.end_of(svc, current, pos),
        )
    query = to_query(state)
    slider = view_rrg.slider_config(svc, state) if state.tab == "rrg" else [no_update] * 4
    data = to_store(state)
    shown = control_values(state, choices)
    return (
        query if query != search else no_update,
        *shown[:3],
        *slider,
        *shown[3:],
        data if data != stored else no_update,
    )


def register_tabs() -> None:
    """Register the URL sync and every tab view's callbacks with ``dash.callback``."""
    from components import view_analogs, view_claims, view_rrg

    inputs = [Input(i, prop) for i, (_, prop) in CONTROL_KEYS.items()]
    callback(
        Output(Ids.URL, "search", allow_duplicate=True),
        Output(Ids.TABS, "active_tab"),
        Output(Ids.RRG_TAIL, "value"),
        Output(Ids.RRG_FREQ, "value"),
        Output(Ids.RRG_END, "min"),
        Output(Ids.RRG_END, "max"),
        Output(Ids.RRG_END, "marks"),
        Output(Ids.RRG_END, "value"),
        Output(Ids.CLAIM_ASOF, "date"),
        Output(Ids.CLAIM_UNIVERSE, "value"),
        Output(Ids.CLAIM_COMPARE, "value"),
        Output(Ids.ANALOG_GAP, "value"),
        Output(Ids.ANALOG_NEAR, "value"),
        Output(Ids.ANALOG_MARKS, "value"),
        Output(Ids.TAB_STATE, "data"),
        Input(Ids.URL, "search"),
        *inputs,
        *[Input(b, "n_clicks") for b in BUTTONS],
        State(Ids.TAB_STATE, "data"),
        prevent_initial_call="initial_duplicate",
    )(_sync_tabs_callback)
    view_rrg.register()
    view_claims.register()
    view_analogs.register()


def _sync_tabs_callback(search: str | None, *args: Any) -> tuple[Any, ...]:
    """``sync_tabs`` without the two buttons' click counts (only their trigger matters)."""
    controls, stored = args[: len(CONTROL_KEYS)], args[-1]
    return sync_tabs(search, *controls, stored)
