"""URL fields of the tabs (Rotation, Claim check, Analogs): pure parsers, query and rules.

``components.urlstate`` owns ``ViewState`` and calls these helpers, so the whole view stays
one query string. Keys (each omitted from the query when it holds its default):

- ``tab``: ``breadth`` | ``rrg`` | ``claims`` | ``analogs`` (the active tab);
- ``tail``: RRG tail length in periods (1–52), ``freq``: ``W`` (weekly) or ``D`` (daily),
  ``rrgend``: the RRG's end date (ISO; default: the end of the selected range);
- ``asof``: the claim check's and analogs' as-of date (default: the latest session),
  ``cu`` / ``ccmp``: the claim check's universe and comparison universe;
- ``gap``: analog setup, % above the 200-day average at least this many points *below*
  its long-run average (0–50); ``near``: the cap-weighted index within this many % of its
  52-week high (0–30); ``marks``: ``on``/``off``, shade the episodes on the Breadth tab.

A malformed or out-of-range value falls back to its default with one notice, like the
other fields; nothing here raises on user input.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from components.urlstate import Choices, ViewState

TABS: tuple[str, ...] = ("breadth", "rrg", "claims", "analogs")
TAB_LABELS: dict[str, str] = {
    "breadth": "Breadth",
    "rrg": "Rotation (RRG)",
    "claims": "Claim check",
    "analogs": "Analogs",
}
TAB_KEYS: tuple[str, ...] = (
    "tab", "tail", "freq", "rrgend", "asof", "cu", "ccmp", "gap", "near", "marks",
)  # fmt: skip
FREQS: tuple[str, ...] = ("W", "D")
MIN_TAIL, MAX_TAIL, DEFAULT_TAIL = 1, 52, 8
DEFAULT_GAP, MAX_GAP = 0.0, 50.0
DEFAULT_NEAR, MAX_NEAR = 5.0, 30.0
NOTE_DATE = date(2025, 7, 28)
"""The date of the note whose claims the Claim check tab recomputes."""

CLAIM_UNIVERSES: tuple[str, ...] = ("russell3000", "sim-all", "all")
CLAIM_COMPARES: tuple[str, ...] = ("sp500", "sim-large")
"""Preferred defaults of ``cu`` / ``ccmp`` (the first one the store holds)."""

_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _day(raw: str) -> date:
    if not _DATE_RE.fullmatch(raw):
        raise ValueError("not a date (YYYY-MM-DD)")
    return date.fromisoformat(raw)


def _tab(raw: str) -> str:
    if raw not in TABS:
        raise ValueError(f"expected one of {', '.join(TABS)}")
    return raw


def _tail(raw: str) -> int:
    if not raw.isascii() or not raw.isdigit() or len(raw) > 4:
        raise ValueError("not a whole number of periods")
    value = int(raw)
    if not MIN_TAIL <= value <= MAX_TAIL:
        raise ValueError(f"outside {MIN_TAIL}–{MAX_TAIL} periods")
    return value


def _freq(raw: str) -> str:
    if raw not in FREQS:
        raise ValueError("expected W (weekly) or D (daily)")
    return raw


def _number(limit: float) -> Callable[[str], float]:
    def parse(raw: str) -> float:
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


def _marks(raw: str) -> bool:
    if raw not in ("on", "off"):
        raise ValueError("expected on or off")
    return raw == "on"


def _universe(choices: Choices, empty_ok: bool) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        if raw == "" and empty_ok:
            return ""
        if raw not in choices.universes:
            raise ValueError("unknown universe")
        return raw

    return parse


def tab_parsers(choices: Choices) -> dict[str, tuple[str, Callable[[str], Any]]]:
    """URL key -> (ViewState field, parser) of the tab fields."""
    return {
        "tab": ("tab", _tab),
        "tail": ("rrg_tail", _tail),
        "freq": ("rrg_freq", _freq),
        "rrgend": ("rrg_end", _day),
        "asof": ("asof", _day),
        "cu": ("claim_universe", _universe(choices, empty_ok=False)),
        "ccmp": ("claim_compare", _universe(choices, empty_ok=True)),
        "gap": ("analog_gap", _number(MAX_GAP)),
        "near": ("analog_near", _number(MAX_NEAR)),
        "marks": ("analog_marks", _marks),
    }


def reconcile_tabs(state: ViewState, choices: Choices, notices: list[str]) -> ViewState:
    """Cross-field rules: dates inside the stored data (and the RRG end inside the range)."""
    first, last = choices.first, choices.last
    asof, end = state.asof, state.rrg_end
    if asof is not None and first is not None and last is not None and not first <= asof <= last:
        notices.append(f"as-of {asof} is outside the stored data; using the latest session")
        asof = None
    if end is not None:
        lo = state.start or first
        hi = state.end or last
        if (lo is not None and end < lo) or (hi is not None and end > hi):
            notices.append(f"RRG end {end} is outside the selected range; using its end")
            end = None
    compare = state.claim_compare
    if compare and compare == state.claim_universe:
        notices.append("claim comparison universe equals its universe; comparison dropped")
        compare = ""
    return replace(state, asof=asof, rrg_end=end, claim_compare=compare)


def _num(value: float) -> str:
    return f"{value:g}"


def tab_query(state: ViewState) -> list[tuple[str, str]]:
    """(key, value) pairs of the tab fields that differ from their defaults."""
    pairs: list[tuple[str, str]] = []
    if state.tab != TABS[0]:
        pairs.append(("tab", state.tab))
    if state.rrg_tail != DEFAULT_TAIL:
        pairs.append(("tail", str(state.rrg_tail)))
    if state.rrg_freq != FREQS[0]:
        pairs.append(("freq", state.rrg_freq))
    if state.rrg_end is not None:
        pairs.append(("rrgend", state.rrg_end.isoformat()))
    if state.asof is not None:
        pairs.append(("asof", state.asof.isoformat()))
    if state.claim_universe:
        pairs.append(("cu", state.claim_universe))
    if state.claim_compare:
        pairs.append(("ccmp", state.claim_compare))
    if state.analog_gap != DEFAULT_GAP:
        pairs.append(("gap", _num(state.analog_gap)))
    if state.analog_near != DEFAULT_NEAR:
        pairs.append(("near", _num(state.analog_near)))
    if not state.analog_marks:
        pairs.append(("marks", "off"))
    return pairs


def preferred(names: tuple[str, ...], preference: tuple[str, ...], fallback: str = "") -> str:
    """The first of ``preference`` that ``names`` holds (``fallback`` when none)."""
    return next((n for n in preference if n in names), fallback)


def claim_universes(state: ViewState, choices: Choices) -> tuple[str, str]:
    """(universe, compare) of the claim check, with the store's preferred defaults filled in."""
    universe = state.claim_universe or preferred(choices.universes, CLAIM_UNIVERSES, "all")
    compare = state.claim_compare or preferred(choices.universes, CLAIM_COMPARES)
    return universe, "" if compare == universe else compare


DATE_FIELDS: tuple[str, ...] = ("start", "end", "rrg_end", "asof")
TAB_FIELDS: tuple[str, ...] = (
    "tab", "rrg_tail", "rrg_freq", "rrg_end", "asof", "claim_universe", "claim_compare",
    "analog_gap", "analog_near", "analog_marks",
)  # fmt: skip
"""ViewState fields of the tabs (the rest belong to the Breadth controls)."""


def to_store(state: ViewState) -> dict[str, Any]:
    """JSON-ready form of the whole state for a dcc.Store (dates as ISO strings)."""
    from dataclasses import asdict

    return {k: v.isoformat() if isinstance(v, date) else v for k, v in asdict(state).items()}


def from_store(data: dict[str, Any] | None) -> ViewState:
    """Inverse of ``to_store`` (unknown keys ignored; the default state when empty)."""
    from dataclasses import fields

    from components.urlstate import ViewState

    if not data:
        return ViewState()
    names = {f.name for f in fields(ViewState)}
    values: dict[str, Any] = {
        k: (date.fromisoformat(v) if v else None) if k in DATE_FIELDS else v
        for k, v in data.items()
        if k in names
    }
    return ViewState(**values)


def keep_tab_fields(state: ViewState, current: ViewState, choices: Choices) -> ViewState:
    """``state`` (from the Breadth controls) with the tab fields of ``current`` (the URL's).

    An RRG end date the new range no longer contains is dropped silently (the range moved).
    """
    carried = replace(state, **{f: getattr(current, f) for f in TAB_FIELDS})
    return reconcile_tabs(carried, choices, [])
