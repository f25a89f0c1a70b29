"""Every URL field of the page, declared once: the ``ViewState`` dataclass below.

Each field of ``ViewState`` carries ``metadata=url(...)``: its URL key, parser (raises
``ValueError`` on bad input), serialiser, whether the query always carries it, the tab whose
controls edit it (``PAGE``: the header's controls, read by every tab) and the control it
syncs with. Parsing, serialising, the ``dcc.Store`` forms and both control syncs read these
declarations (``components.url.query``, ``components.url.sync``); the field's position in
the class is its position in the query string.

Adding a URL field: one ``field(default=..., metadata=url(...))`` here (plus its control in
a tab's layout); its parser and serialiser come from ``components.url.values``, ``url``,
``Control`` and the usual control displays from ``components.url.spec``.
Pure: no Dash, no data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

from components.ids import Ids
from components.tabs import TABS
from components.url.spec import (
    PAGE,
    TAB_SELECTOR,
    URL,
    Control,
    UrlField,
    shown_day,
    shown_ints,
    shown_list,
    shown_optional,
    shown_words,
    url,
)
from components.url.values import (
    DEFAULT_WINDOWS,
    FREQS,
    HL_WEEK_CHOICES,
    SECTOR_WINDOWS,
    Choices,
    parse_between,
    parse_count,
    parse_day,
    parse_flag,
    parse_freq,
    parse_number,
    parse_preset,
    parse_sector_window,
    parse_tail,
    parse_universe,
    parse_weeks,
    parse_window,
    parse_windows,
    raw_asof,
    raw_day,
    raw_flag,
    raw_ints,
    raw_optional,
    raw_text,
    text_ints,
    text_iso,
    text_num,
    text_words,
)

DEFAULT_FAST, DEFAULT_SLOW = 50, 200
DEFAULT_TAIL = 8
DEFAULT_GAP, MAX_GAP = 0.0, 50.0
DEFAULT_NEAR, MAX_NEAR = 5.0, 30.0
DEFAULT_DIV_NEAR, DIV_NEAR_RANGE = 2.0, (0.5, 10.0)
DEFAULT_DIV_TRAIL, DIV_TRAIL_RANGE = 50, (10, 200)
CLAIM_COMPARES: tuple[str, ...] = ("sp500", "sim-large")
"""Preferred default of ``ccmp`` (the first one the store holds)."""


def _tab(raw: str, _: Choices) -> str:
    if raw not in TABS:
        raise ValueError(f"expected one of {', '.join(TABS)}")
    return raw


def preferred(names: tuple[str, ...], preference: tuple[str, ...], fallback: str = "") -> str:
    """The first of ``preference`` that ``names`` holds (``fallback`` when none)."""
    return next((n for n in preference if n in names), fallback)


def claim_universes(state: ViewState, choices: Choices) -> tuple[str, str]:
    """(universe, compare) of the Claim check and Analogs tabs: the page's universe unless
    the link overrides it (``cu``, shown on the page), and the comparison universe (``ccmp``,
    by default the first of CLAIM_COMPARES the store holds)."""
    universe = state.claim_universe or state.universe
    compare = state.claim_compare or preferred(choices.universes, CLAIM_COMPARES)
    return universe, "" if compare == universe else compare


def _claim_shown(index: int) -> Callable[[Any, ViewState, Choices], Any]:
    return lambda _, state, choices: claim_universes(state, choices)[index] or None


def _claim_raw(index: int) -> Callable[[Any, Choices], str | None]:
    def raw(value: Any, choices: Choices) -> str | None:
        text = raw_text(value, choices)
        if index == 0:
            return text  # the page's universe is dropped by query.reconcile_tabs
        default = claim_universes(ViewState(), choices)[index]
        return None if text == default else text  # the store's preferred default: implicit

    return raw


def _asof_shown(value: Any, _: ViewState, choices: Choices) -> str | None:
    day = value or choices.last
    return day.isoformat() if day else None


@dataclass(frozen=True, kw_only=True)
class ViewState:
    """Everything the page shows depends on this (and on the data version).

    Field order is the query string's order; construct by keyword.
    """

    # the header's controls (every tab reads them)
    universe: str = field(
        default="all",
        metadata=url(
            "u", parse_universe(False), tab=PAGE, always=True, control=Control(Ids.UNIVERSE)
        ),
    )
    compare: str = field(
        default="",
        metadata=url(
            "cmp",
            parse_universe(True),
            tab=PAGE,
            control=Control(Ids.COMPARE, show=shown_optional, raw=raw_optional),
        ),
    )
    preset: str = field(
        default="",
        # a rolling range (6M ... Max) ending at the last stored session; set by the preset
        # buttons (components.url.sync), cleared by fixed dates (picker, zoom)
        metadata=url("range", parse_preset, tab=PAGE),
    )
    start: date | None = field(
        default=None,
        metadata=url(
            "start",
            parse_day,
            tab=PAGE,
            text=text_iso,
            control=Control(Ids.DATES, "start_date", show=shown_day, raw=raw_day),
            omit_if="preset",
        ),
    )
    end: date | None = field(
        default=None,
        metadata=url(
            "end",
            parse_day,
            tab=PAGE,
            text=text_iso,
            control=Control(Ids.DATES, "end_date", show=shown_day, raw=raw_day),
            omit_if="preset",
        ),
    )
    fast: int = field(
        default=DEFAULT_FAST,
        metadata=url("fast", parse_window, tab=PAGE, always=True, control=Control(Ids.FAST)),
    )
    slow: int = field(
        default=DEFAULT_SLOW,
        metadata=url("slow", parse_window, tab=PAGE, always=True, control=Control(Ids.SLOW)),
    )
    intraday: bool = field(
        default=True,
        metadata=url(
            "highs",
            parse_flag("intraday", "close", "expected intraday or close"),
            tab=PAGE,
            always=True,
            text=text_words("intraday", "close"),
            control=Control(Ids.HIGHS, show=shown_words("intraday", "close")),
        ),
    )
    ratio_adjusted: bool = field(
        default=False,
        metadata=url(
            "mcc",
            parse_flag("ratio", "classic", "expected classic or ratio"),
            tab=PAGE,
            always=True,
            text=text_words("ratio", "classic"),
            control=Control(Ids.MCCLELLAN, show=shown_words("ratio", "classic")),
        ),
    )
    # issue #15: the windows of "Participation across windows" and "New highs − new lows"
    windows: tuple[int, ...] = field(
        default=DEFAULT_WINDOWS,
        metadata=url(
            "mw",
            parse_windows,
            tab=PAGE,
            text=text_ints,
            control=Control(Ids.MA_WINDOWS, show=shown_ints, raw=raw_ints),
        ),
    )
    hl_weeks: tuple[int, ...] = field(
        default=HL_WEEK_CHOICES,
        metadata=url(
            "hw",
            parse_weeks,
            tab=PAGE,
            text=text_ints,
            control=Control(Ids.HL_WEEKS, show=shown_list, raw=raw_ints),
        ),
    )
    # the tabs
    tab: str = field(
        default=next(iter(TABS)),
        metadata=url("tab", _tab, tab=TAB_SELECTOR, control=Control(Ids.TABS, "data")),
    )
    sector_window: int = field(
        default=SECTOR_WINDOWS[0],
        metadata=url("sw", parse_sector_window, tab="sectors", control=Control(Ids.SECTOR_WINDOW)),
    )
    rrg_tail: int = field(
        default=DEFAULT_TAIL,
        metadata=url("tail", parse_tail, tab="rrg", control=Control(Ids.RRG_TAIL)),
    )
    rrg_freq: str = field(
        default=FREQS[0],
        metadata=url("freq", parse_freq, tab="rrg", control=Control(Ids.RRG_FREQ)),
    )
    rrg_end: date | None = field(
        default=None,
        # synced with the RRG slider, whose positions stand for dates (components.url.sync)
        metadata=url("rrgend", parse_day, tab="rrg", text=text_iso),
    )
    asof: date | None = field(
        default=None,
        metadata=url(
            "asof",
            parse_day,
            tab="claims",
            text=text_iso,
            control=Control(Ids.CLAIM_ASOF, "date", show=_asof_shown, raw=raw_asof),
        ),
    )
    claim_universe: str = field(
        default="",
        metadata=url(
            "cu",
            parse_universe(False),
            tab="claims",
            control=Control(Ids.CLAIM_UNIVERSE, show=_claim_shown(0), raw=_claim_raw(0)),
        ),
    )
    claim_compare: str = field(
        default="",
        metadata=url(
            "ccmp",
            parse_universe(True),
            tab="claims",
            control=Control(Ids.CLAIM_COMPARE, show=_claim_shown(1), raw=_claim_raw(1)),
        ),
    )
    analog_gap: float = field(
        default=DEFAULT_GAP,
        metadata=url(
            "gap",
            parse_number(MAX_GAP),
            tab="analogs",
            text=text_num,
            control=Control(Ids.ANALOG_GAP),
        ),
    )
    analog_near: float = field(
        default=DEFAULT_NEAR,
        metadata=url(
            "near",
            parse_number(MAX_NEAR),
            tab="analogs",
            text=text_num,
            control=Control(Ids.ANALOG_NEAR),
        ),
    )
    analog_marks: bool = field(
        default=False,  # off: the episode bands cover much of the chart (issue #14, item 7)
        metadata=url(
            "marks",
            parse_flag("on", "off", "expected on or off"),
            tab="analogs",
            text=text_words("on", "off"),
            control=Control(Ids.ANALOG_MARKS, raw=raw_flag("on", "off")),
        ),
    )
    # divergences on the Breadth tab (issue #15 item 5; indicators.divergences)
    div_near: float = field(
        default=DEFAULT_DIV_NEAR,  # benchmark within this % of its 52-week high (low)
        metadata=url(
            "dvn",
            parse_between(*DIV_NEAR_RANGE, "%"),
            tab="breadth",
            text=text_num,
            control=Control(Ids.DIV_NEAR),
        ),
    )
    div_trail: int = field(
        default=DEFAULT_DIV_TRAIL,  # sessions of the breadth series' trailing average
        metadata=url(
            "dvt",
            parse_count(*DIV_TRAIL_RANGE, "sessions"),
            tab="breadth",
            control=Control(Ids.DIV_TRAIL),
        ),
    )
    div_marks: bool = field(
        default=True,  # draw the marks on the benchmark and participation charts
        metadata=url(
            "dv",
            parse_flag("on", "off", "expected on or off"),
            tab="breadth",
            text=text_words("on", "off"),
            control=Control(Ids.DIV_MARKS, raw=raw_flag("on", "off")),
        ),
    )


def _declared() -> tuple[tuple[str, UrlField], ...]:
    out: list[tuple[str, UrlField]] = []
    for f in fields(ViewState):
        spec = f.metadata.get(URL)
        if not isinstance(spec, UrlField):
            raise TypeError(f"ViewState.{f.name} has no url(...) metadata")
        out.append((f.name, spec))
    return tuple(out)


FIELDS: tuple[tuple[str, UrlField], ...] = _declared()
"""(ViewState attribute, its URL field), in query order."""
BY_KEY: dict[str, tuple[str, UrlField]] = {spec.key: (name, spec) for name, spec in FIELDS}
KEYS: tuple[str, ...] = tuple(BY_KEY)
DEFAULTS: dict[str, Any] = {f.name: f.default for f in fields(ViewState)}
DATE_FIELDS: tuple[str, ...] = tuple(n for n, spec in FIELDS if spec.parse is parse_day)
PAGE_FIELDS: tuple[str, ...] = tuple(n for n, spec in FIELDS if spec.tab == PAGE)
TAB_FIELDS: tuple[str, ...] = tuple(n for n, spec in FIELDS if spec.tab != PAGE)
"""ViewState fields of the tabs (the rest belong to the header's controls)."""
TAB_KEYS: tuple[str, ...] = tuple(spec.key for _, spec in FIELDS if spec.tab != PAGE)
