"""The header's controls: universe, comparison, dates with presets, windows, options.

Initial values are placeholders: the URL callback sets every control from the query string
as soon as the page loads. On narrow screens (< 768 px) they fold behind a "View settings"
button (``view_settings``; assets/phone.css keeps them open on wider screens).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html
from dash.development.base_component import Component

from components.ids import Ids
from components.tabs import TABS
from components.url.query import default_state
from components.url.values import (
    HL_WEEK_CHOICES,
    MAX_WINDOW,
    MAX_WINDOWS,
    MIN_WINDOW,
    PRESETS,
    Choices,
)
from data.model import UniverseInfo
from service.catalog import ALL, ALL_LABEL

WEEKS_GROUP = f"{Ids.HL_WEEKS}-group"

IDLE_ON: dict[str, tuple[str, ...]] = {
    Ids.DATE_CONTROLS: ("claims", "analogs"),
    Ids.OPTION_CONTROLS: ("sectors", "claims", "analogs"),
    WEEKS_GROUP: ("sectors",),
}
"""Header control groups -> the tabs where they change nothing, so they are hidden there: the
Claim check and Analogs read their own as-of date and the default 200-day / 52-week breadth,
never the date range, the moving-average windows, the highs basis or the McClellan form; the
Sectors tab reads the date range and its own window (``sw``), nothing else of the header.
(The week boxes sit in the date column, hidden with it on Claim check and Analogs.)"""
IDLE_NOTES: dict[str, str] = {
    "sectors": "The moving-average windows, new-high weeks and highs and McClellan options shape "
    "the Breadth charts; this tab uses the date range and its own 200- or 50-day window.",
    "claims": "The date range, moving-average windows and highs and McClellan options shape the "
    "Breadth charts (the date range also the RRG); this tab uses its own as-of date and the "
    "200-day and 52-week definitions.",
}
"""Tab -> the line said in place of its hidden controls (Analogs says what Claim check says)."""
IDLE_NOTES["analogs"] = IDLE_NOTES["claims"]
HIDDEN = {"display": "none"}


def idle_styles(tab: str | None) -> tuple[Any, ...]:
    """Styles of ``IDLE_ON``'s groups (hidden on their idle tabs), then the style and text of
    the note that says why (shown only where something is hidden)."""
    groups = tuple(HIDDEN if tab in tabs else {} for tabs in IDLE_ON.values())
    note = IDLE_NOTES.get(tab or "", "")
    return (*groups, {} if any(groups) else HIDDEN, note)


def idle_table() -> dict[str, list[Any]]:
    """``idle_styles`` of every tab by name ("": no tab), for the page's clientside callback
    (a tab click then asks the server nothing for them)."""
    return {name: list(idle_styles(name or None)) for name in ("", *TABS)}


def idle_note() -> dbc.Col:
    """Said in place of the hidden controls (see ``IDLE_ON``, ``IDLE_NOTES``), with the
    table of what each tab hides (``idle_table``)."""
    return dbc.Col(
        [
            html.P(id=f"{Ids.IDLE_CONTROLS_NOTE}-text", className="form-text mb-0"),
            dcc.Store(id=Ids.IDLE_TABLE, data=idle_table()),
        ],
        id=Ids.IDLE_CONTROLS_NOTE,
        style=HIDDEN,
        xs=12,
        md=6,
        xl=7,
    )


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def control_label(text: str, target: str | None = None) -> html.Label:
    """A control's label, tied to its input by id (every tab's controls use it)."""
    return html.Label(text, className="control-label", htmlFor=target)


def universe_options(infos: list[UniverseInfo]) -> list[dict[str, Any]]:
    """Dropdown options: stored universes by their display label (the name is added only
    where two labels are the same), then every stock in the store."""
    labels = [u.label or u.name for u in infos]
    opts = [
        {"label": lab if labels.count(lab) == 1 else f"{lab} · {u.name}", "value": u.name}
        for u, lab in zip(infos, labels, strict=True)
    ]
    return [*opts, {"label": ALL_LABEL, "value": ALL}]


def universe_controls(choices: Choices, infos: list[UniverseInfo]) -> dbc.Col:
    """Universe and comparison universe (for % at 52-week highs)."""
    opts = universe_options(infos)
    return dbc.Col(
        [
            control_label("Universe", Ids.UNIVERSE),
            dcc.Dropdown(
                id=Ids.UNIVERSE,
                options=opts,
                value=choices.default_universe,
                clearable=False,
                className="mb-2",
            ),
            control_label("Compare % at highs with", Ids.COMPARE),
            dcc.Dropdown(
                id=Ids.COMPARE,
                options=opts,
                value=None,
                clearable=True,
                placeholder="No comparison",
            ),
        ],
        xs=12,
        md=6,
        xl=3,
    )


def date_controls(choices: Choices) -> dbc.Col:
    """Date range picker with presets (6M … Max) ending at the last stored session, and the
    week counts of "New highs − new lows"."""
    state = default_state(choices)
    buttons = [
        dbc.Button(
            p,
            id={"type": Ids.PRESET, "preset": p},
            size="sm",
            color="secondary",
            outline=True,
            n_clicks=0,
        )
        for p in PRESETS
    ]
    return dbc.Col(
        [
            control_label("Date range"),
            html.Div(
                dcc.DatePickerRange(
                    id=Ids.DATES,
                    min_date_allowed=_iso(choices.first),
                    max_date_allowed=_iso(choices.last),
                    start_date=_iso(state.start),
                    end_date=_iso(state.end),
                    display_format="YYYY-MM-DD",
                    first_day_of_week=1,
                    minimum_nights=0,
                    updatemode="bothdates",
                ),
                className="mb-2",
            ),
            dbc.ButtonGroup(buttons, size="sm", className="preset-group flex-wrap mb-2"),
            # issue #15: here, where the column has room, so the header keeps its height;
            # like the dates, the weeks shape the Breadth charts only (hidden with them)
            hl_weeks_control(state.hl_weeks),
        ],
        id=Ids.DATE_CONTROLS,
        xs=12,
        md=6,
        xl=3,
    )


def integer_input(id_: Ids, value: int, lo: int, hi: int) -> dbc.Input:
    """A whole-number input in [lo, hi] that reports on blur or Enter (debounced)."""
    return dbc.Input(
        id=id_,
        type="number",
        min=lo,
        max=hi,
        step=1,
        value=value,
        debounce=True,
        size="sm",
        inputmode="numeric",
    )


def option_controls(choices: Choices) -> dbc.Col:
    """Moving-average windows, intraday vs closing highs, classic vs ratio-adjusted McClellan."""
    state = default_state(choices)
    highs_note = (
        "The store has closes only: 52-week highs are closing highs."
        if choices.close_only
        else "Intraday uses daily highs and lows; closing uses closes only."
    )
    windows = dbc.Row(
        [
            dbc.Col(
                [
                    control_label("Fast MA (days)", Ids.FAST),
                    integer_input(Ids.FAST, state.fast, MIN_WINDOW, MAX_WINDOW),
                ]
            ),
            dbc.Col(
                [
                    control_label("Slow MA (days)", Ids.SLOW),
                    integer_input(Ids.SLOW, state.slow, MIN_WINDOW, MAX_WINDOW),
                ]
            ),
            ma_windows_control(state.windows),  # issue #15
        ],
        className="g-2 mb-2",
    )
    highs = dbc.RadioItems(
        id=Ids.HIGHS,
        inline=True,
        value="intraday" if state.intraday else "close",
        options=[
            {"label": "Intraday", "value": "intraday", "disabled": choices.close_only},
            {"label": "Closing", "value": "close"},
        ],
    )
    mcc = dbc.RadioItems(
        id=Ids.MCCLELLAN,
        inline=True,
        value="classic",
        options=[
            {"label": "Classic", "value": "classic"},
            {"label": "Ratio-adjusted", "value": "ratio"},
        ],
    )
    return dbc.Col(
        [
            windows,
            dbc.Row(
                [
                    dbc.Col(
                        [
                            control_label("52-week highs"),
                            highs,
                            html.Div(highs_note, id=Ids.HIGHS_NOTE, className="form-text"),
                        ],
                        xs=12,
                        sm=7,
                    ),
                    dbc.Col([control_label("McClellan"), mcc], xs=12, sm=5),
                ],
                className="g-2",
            ),
        ],
        id=Ids.OPTION_CONTROLS,
        xs=12,
        md=8,
        xl=4,
    )


WEEKS_LABEL = f"{Ids.HL_WEEKS}-label"


def ma_windows_control(windows: tuple[int, ...]) -> dbc.Col:
    """Issue #15: the windows of "Participation across windows", typed ('20, 50, 200';
    applied on Enter or blur; a bad set keeps the default and the notice says why)."""
    return dbc.Col(
        [
            control_label("Windows (days)", Ids.MA_WINDOWS),
            dbc.Input(
                id=Ids.MA_WINDOWS,
                type="text",
                value=", ".join(map(str, windows)),
                debounce=True,
                size="sm",
                inputmode="numeric",
                placeholder=f"≤ {MAX_WINDOWS}, {MIN_WINDOW}–{MAX_WINDOW}",
            ),
        ],
        xs=12,
        sm=4,
    )


def hl_weeks_control(weeks: tuple[int, ...]) -> html.Div:
    """Issue #15: the week counts of "New highs − new lows" (a labelled group of boxes)."""
    return html.Div(
        id=WEEKS_GROUP,
        children=[
            html.Label("New highs − lows (weeks)", id=WEEKS_LABEL, className="control-label"),
            html.Div(
                dbc.Checklist(
                    id=Ids.HL_WEEKS,
                    inline=True,
                    value=list(weeks),
                    options=[{"label": str(w), "value": w} for w in HL_WEEK_CHOICES],
                ),
                role="group",
                **_aria(labelledby=WEEKS_LABEL),
            ),
        ],
    )


def download_controls() -> dbc.Col:
    """The view's link (copied, confirmed on the page), the active tab's CSV; PNGs come
    from each chart's toolbar."""
    return dbc.Col(
        [
            control_label("Share and export"),
            html.Div(
                [
                    dbc.Button(
                        "Copy link",
                        id=Ids.COPY_LINK,
                        color="primary",
                        size="sm",
                        n_clicks=0,
                        title="Copy this view's address (every setting is in it)",
                    ),
                    html.Span(id=Ids.COPY_STATUS, role="status", className="small ms-2"),
                ],
                className="mb-1",
            ),
            dbc.Button(
                "Download CSV",
                id=Ids.DOWNLOAD_BUTTON,
                color="primary",
                size="sm",
                className="d-block mb-1",
                title="The active tab's table as CSV",
            ),
            html.Div("PNG: camera icon on each chart", className="form-text"),
            dcc.Download(id=Ids.DOWNLOAD),
        ],
        xs=12,
        md=4,
        xl=2,
    )


def controls_card(choices: Choices, infos: list[UniverseInfo]) -> dbc.Card:
    """All controls in one card under the header."""
    return dbc.Card(
        dbc.CardBody(
            dbc.Row(
                [
                    universe_controls(choices, infos),
                    date_controls(choices),
                    option_controls(choices),
                    idle_note(),
                    download_controls(),
                ],
                className="g-3",
            )
        ),
        className="mb-3 controls-card shadow-sm",
    )


def view_settings(*parts: Component) -> html.Div:
    """``parts`` in a collapse with a "View settings" button shown below 768 px only.

    Closed by default, so on a phone the first chart is on the first screen; wider screens
    hide the button and always show ``parts`` (assets/phone.css). The button is a real
    ``<button>`` (Enter and Space work) whose ``aria-expanded`` follows the collapse
    (the clientside callback in components/page/callbacks.py).
    """
    toggle = html.Button(
        [
            html.Span("View settings"),
            html.Span("▾", className="settings-chevron", **_aria(hidden="true")),
        ],
        id=Ids.SETTINGS_TOGGLE,
        n_clicks=0,
        type="button",
        className="btn btn-outline-primary btn-sm settings-toggle d-md-none mb-2",
        **_aria(expanded="false", controls=str(Ids.SETTINGS)),
    )
    return html.Div(
        [
            toggle,
            dbc.Collapse(
                list(parts), id=Ids.SETTINGS, is_open=False, class_name="settings-collapse"
            ),
        ],
        className="view-settings",
    )


def _aria(**attrs: str) -> dict[str, Any]:
    """``aria-*`` attributes (typed loosely for Dash's kwargs)."""
    return {f"aria-{k}": v for k, v in attrs.items()}
