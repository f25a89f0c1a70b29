"""Every URL field of the page, declared once: the ``ViewState`` dataclass below.

Each field of ``ViewState`` carries ``metadata=url(...)``: its URL key, parser (raises
``ValueError`` on bad input), serialiser, whether the query always carries it, the tab whose
controls edit it (``PAGE``: the header's controls, read by every tab) and the control it
syncs with. Parsing, serialising, the ``dcc.Store`` forms and both control syncs read these
declarations (``components.url.query``, ``components.url.sync``); the field's position in
the class is its position in the query string.

Adding a URL field: one ``field(default=..., metadata=url(...))`` here (plus its control in
a tab's layout).
Pure: no Dash, no data.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

from components.ids import Ids

PAGE = "page"
"""``UrlField.tab`` of the header's controls (universe, dates, windows, options)."""
TAB_SELECTOR = "tabs"
"""``UrlField.tab`` of the active-tab field itself."""

MIN_WINDOW, MAX_WINDOW = 5, 400
DEFAULT_FAST, DEFAULT_SLOW = 50, 200
DEFAULT_YEARS = 3
MIN_TAIL, MAX_TAIL, DEFAULT_TAIL = 1, 52, 8
FREQS: tuple[str, ...] = ("W", "D")
DEFAULT_GAP, MAX_GAP = 0.0, 50.0
DEFAULT_NEAR, MAX_NEAR = 5.0, 30.0
NOTE_DATE = date(2025, 7, 28)
"""The date of the note whose claims the Claim check tab recomputes."""
CLAIM_UNIVERSES: tuple[str, ...] = ("russell3000", "sim-all", "all")
CLAIM_COMPARES: tuple[str, ...] = ("sp500", "sim-large")
"""Preferred defaults of ``cu`` / ``ccmp`` (the first one the store holds)."""
TABS: dict[str, str] = {
    "breadth": "Breadth",
    "rrg": "Rotation (RRG)",
    "claims": "Claim check",
    "analogs": "Analogs",
}
"""The page's tabs, in order: URL value -> label (the first is the default)."""

_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass(frozen=True)
class Choices:
    """What the store allows: universe names, the stored date range, close-only data."""

    universes: tuple[str, ...] = ("all",)
    default_universe: str = "all"
    first: date | None = None
    last: date | None = None
    close_only: bool = False
    default_years: int = DEFAULT_YEARS
    extra: dict[str, str] = field(default_factory=dict)


Parse = Callable[[str, Choices], Any]
"""URL text -> value; raises ValueError (its message goes into the page's notice)."""


# -- parsers -------------------------------------------------------------------------------
def _day(raw: str, _: Choices) -> date:
    if not _DATE_RE.fullmatch(raw):
        raise ValueError("not a date (YYYY-MM-DD)")
    return date.fromisoformat(raw)


def _window(raw: str, _: Choices) -> int:
    if not raw.isascii() or not raw.isdigit():
        raise ValueError("not a whole number of sessions")
    value = int(raw) if len(raw) <= 6 else MAX_WINDOW + 1
    if not MIN_WINDOW <= value <= MAX_WINDOW:
        raise ValueError(f"outside {MIN_WINDOW}–{MAX_WINDOW} sessions")
    return value


def _flag(on: str, off: str, message: str) -> Parse:
    def parse(raw: str, _: Choices) -> bool:
        if raw not in (on, off):
            raise ValueError(message)
        return raw == on

    return parse


def _universe(empty_ok: bool) -> Parse:
    def parse(raw: str, choices: Choices) -> str:
        if raw == "" and empty_ok:
            return ""
        if raw not in choices.universes:
            raise ValueError("unknown universe")
        return raw

    return parse


def _tab(raw: str, _: Choices) -> str:
    if raw not in TABS:
        raise ValueError(f"expected one of {', '.join(TABS)}")
    return raw


def _tail(raw: str, _: Choices) -> int:
    if not raw.isascii() or not raw.isdigit() or len(raw) > 4:
        raise ValueError("not a whole number of periods")
    value = int(raw)
    if not MIN_TAIL <= value <= MAX_TAIL:
        raise ValueError(f"outside {MIN_TAIL}–{MAX_TAIL} periods")
    return value


def _freq(raw: str, _: Choices) -> str:
    if raw not in FREQS:
        raise ValueError("expected W (weekly) or D (daily)")
    return raw


def _number(limit: float) -> Parse:
    def parse(raw: str, _: Choices) -> float:
        if not raw.isascii() or len(raw) > 12:
            raise ValueError("not a number")
        try:
            value = float(raw)
        except ValueError:
            raise ValueError("not a number") from None
        if not math.isfinite(value) or not 0.0 <= value <= limit:
            raise ValueError(f"outside 0–{limit:g}")
        return value

    return parse


# -- serialisers and control conversions ---------------------------------------------------
def _str(value: Any) -> str:
    return str(value)


def _iso(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


def _num(value: Any) -> str:
    return f"{value:g}"


def _words(on: str, off: str) -> Callable[[Any], str]:
    return lambda value: on if value else off


def _raw(value: Any, _: Choices) -> str | None:
    """A control's value as URL text (None: leave the key out, i.e. the default)."""
    return None if value is None or value == "" else str(value)


def _raw_day(value: Any, choices: Choices) -> str | None:
    """A date picker's value ('2025-07-28' or '2025-07-28T00:00:00') as URL text."""
    raw = _raw(value, choices)
    return raw[:10] if raw is not None and len(raw) > 10 and raw[10] in "T " else raw


def _raw_optional(value: Any, _: Choices) -> str:
    """A clearable dropdown: cleared is the explicit empty value."""
    return "" if value is None else str(value)


def _raw_flag(on: str, off: str) -> Callable[[Any, Choices], str | None]:
    return lambda value, _: None if value is None or value == "" else (on if value else off)


def _raw_asof(value: Any, choices: Choices) -> str | None:
    raw = _raw(value, choices)
    return None if raw is None else raw[:10]


def _shown(value: Any, _: ViewState, __: Choices) -> Any:
    return value


def _shown_day(value: Any, _: ViewState, __: Choices) -> str | None:
    return value.isoformat() if isinstance(value, date) else None


def _shown_optional(value: Any, _: ViewState, __: Choices) -> Any:
    return value or None


def _shown_words(on: str, off: str) -> Callable[[Any, ViewState, Choices], str]:
    return lambda value, _, __: on if value else off


def preferred(names: tuple[str, ...], preference: tuple[str, ...], fallback: str = "") -> str:
    """The first of ``preference`` that ``names`` holds (``fallback`` when none)."""
    return next((n for n in preference if n in names), fallback)


def claim_universes(state: ViewState, choices: Choices) -> tuple[str, str]:
    """(universe, compare) of the claim check, with the store's preferred defaults filled in."""
    universe = state.claim_universe or preferred(choices.universes, CLAIM_UNIVERSES, "all")
    compare = state.claim_compare or preferred(choices.universes, CLAIM_COMPARES)
    return universe, "" if compare == universe else compare


def _claim_shown(index: int) -> Callable[[Any, ViewState, Choices], Any]:
    return lambda _, state, choices: claim_universes(state, choices)[index] or None


def _claim_raw(index: int) -> Callable[[Any, Choices], str | None]:
    def raw(value: Any, choices: Choices) -> str | None:
        text = _raw(value, choices)
        default = claim_universes(ViewState(), choices)[index]
        return None if text == default else text  # the store's preferred default: implicit

    return raw


def _asof_shown(value: Any, _: ViewState, choices: Choices) -> str | None:
    day = value or choices.last
    return day.isoformat() if day else None


# -- declarations --------------------------------------------------------------------------
@dataclass(frozen=True)
class Control:
    """The page control a URL field syncs with.

    ``show``: what the control displays for a state (field value, whole state, choices);
    ``raw``: a control value as URL text (None: leave the key out).
    """

    id: Ids
    prop: str = "value"
    show: Callable[[Any, ViewState, Choices], Any] = _shown
    raw: Callable[[Any, Choices], str | None] = _raw


@dataclass(frozen=True)
class UrlField:
    """One URL field: key, parser, serialiser, tab and control (see the module docstring).

    ``always``: the query carries it even at its default (the header's main settings);
    otherwise it is left out while it holds the ``ViewState`` default.
    """

    key: str
    parse: Parse
    text: Callable[[Any], str]
    tab: str
    control: Control | None = None
    always: bool = False


URL = "url"


def url(
    key: str,
    parse: Parse,
    *,
    tab: str,
    text: Callable[[Any], str] = _str,
    control: Control | None = None,
    always: bool = False,
) -> dict[str, UrlField]:
    """The metadata of a ``ViewState`` field that is a URL field."""
    return {URL: UrlField(key, parse, text, tab, control, always)}


@dataclass(frozen=True, kw_only=True)
class ViewState:
    """Everything the page shows depends on this (and on the data version).

    Field order is the query string's order; construct by keyword.
    """

    # the header's controls (every tab reads them)
    universe: str = field(
        default="all",
        metadata=url("u", _universe(False), tab=PAGE, always=True, control=Control(Ids.UNIVERSE)),
    )
    compare: str = field(
        default="",
        metadata=url(
            "cmp",
            _universe(True),
            tab=PAGE,
            control=Control(Ids.COMPARE, show=_shown_optional, raw=_raw_optional),
        ),
    )
    start: date | None = field(
        default=None,
        metadata=url(
            "start",
            _day,
            tab=PAGE,
            text=_iso,
            control=Control(Ids.DATES, "start_date", show=_shown_day, raw=_raw_day),
        ),
    )
    end: date | None = field(
        default=None,
        metadata=url(
            "end",
            _day,
            tab=PAGE,
            text=_iso,
            control=Control(Ids.DATES, "end_date", show=_shown_day, raw=_raw_day),
        ),
    )
    fast: int = field(
        default=DEFAULT_FAST,
        metadata=url("fast", _window, tab=PAGE, always=True, control=Control(Ids.FAST)),
    )
    slow: int = field(
        default=DEFAULT_SLOW,
        metadata=url("slow", _window, tab=PAGE, always=True, control=Control(Ids.SLOW)),
    )
    intraday: bool = field(
        default=True,
        metadata=url(
            "highs",
            _flag("intraday", "close", "expected intraday or close"),
            tab=PAGE,
            always=True,
            text=_words("intraday", "close"),
            control=Control(Ids.HIGHS, show=_shown_words("intraday", "close")),
        ),
    )
    ratio_adjusted: bool = field(
        default=False,
        metadata=url(
            "mcc",
            _flag("ratio", "classic", "expected classic or ratio"),
            tab=PAGE,
            always=True,
            text=_words("ratio", "classic"),
            control=Control(Ids.MCCLELLAN, show=_shown_words("ratio", "classic")),
        ),
    )
    # the tabs
    tab: str = field(
        default=next(iter(TABS)),
        metadata=url("tab", _tab, tab=TAB_SELECTOR, control=Control(Ids.TABS, "active_tab")),
    )
    rrg_tail: int = field(
        default=DEFAULT_TAIL,
        metadata=url("tail", _tail, tab="rrg", control=Control(Ids.RRG_TAIL)),
    )
    rrg_freq: str = field(
        default=FREQS[0],
        metadata=url("freq", _freq, tab="rrg", control=Control(Ids.RRG_FREQ)),
    )
    rrg_end: date | None = field(
        default=None,
        # synced with the RRG slider, whose positions stand for dates (components.url.sync)
        metadata=url("rrgend", _day, tab="rrg", text=_iso),
    )
    asof: date | None = field(
        default=None,
        metadata=url(
            "asof",
            _day,
            tab="claims",
            text=_iso,
            control=Control(Ids.CLAIM_ASOF, "date", show=_asof_shown, raw=_raw_asof),
        ),
    )
    claim_universe: str = field(
        default="",
        metadata=url(
            "cu",
            _universe(False),
            tab="claims",
            control=Control(Ids.CLAIM_UNIVERSE, show=_claim_shown(0), raw=_claim_raw(0)),
        ),
    )
    claim_compare: str = field(
        default="",
        metadata=url(
            "ccmp",
            _universe(True),
            tab="claims",
            control=Control(Ids.CLAIM_COMPARE, show=_claim_shown(1), raw=_claim_raw(1)),
        ),
    )
    analog_gap: float = field(
        default=DEFAULT_GAP,
        metadata=url(
            "gap", _number(MAX_GAP), tab="analogs", text=_num, control=Control(Ids.ANALOG_GAP)
        ),
    )
    analog_near: float = field(
        default=DEFAULT_NEAR,
        metadata=url(
            "near", _number(MAX_NEAR), tab="analogs", text=_num, control=Control(Ids.ANALOG_NEAR)
        ),
    )
    analog_marks: bool = field(
        default=True,
        metadata=url(
            "marks",
            _flag("on", "off", "expected on or off"),
            tab="analogs",
            text=_words("on", "off"),
            control=Control(Ids.ANALOG_MARKS, raw=_raw_flag("on", "off")),
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
DATE_FIELDS: tuple[str, ...] = tuple(n for n, spec in FIELDS if spec.parse is _day)
PAGE_FIELDS: tuple[str, ...] = tuple(n for n, spec in FIELDS if spec.tab == PAGE)
TAB_FIELDS: tuple[str, ...] = tuple(n for n, spec in FIELDS if spec.tab != PAGE)
"""ViewState fields of the tabs (the rest belong to the header's controls)."""
TAB_KEYS: tuple[str, ...] = tuple(spec.key for _, spec in FIELDS if spec.tab != PAGE)
