"""The whole view in the URL query string: ``parse_query`` and ``to_query`` (pure, no Dash).

Keys: ``u`` universe, ``cmp`` comparison universe (for % at 52-week highs), ``start``/``end``
(ISO dates), ``fast``/``slow`` moving-average windows (5–400 sessions, fast < slow), ``highs``
(``intraday`` or ``close``), ``mcc`` (``classic`` or ``ratio``); the tabs' keys are
listed in ``components.urlstate_tabs``. A malformed, unknown,
repeated or out-of-range value falls back to its default and adds one line to the notices the
page shows; parsing never raises.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from urllib.parse import parse_qsl, urlencode

from components import urlstate_tabs as tabs

MIN_WINDOW, MAX_WINDOW = 5, 400
DEFAULT_FAST, DEFAULT_SLOW = 50, 200
MAX_QUERY_CHARS = 2000
MAX_FIELDS = 40
DEFAULT_YEARS = 3
KEYS: tuple[str, ...] = ("u", "cmp", "start", "end", "fast", "slow", "highs", "mcc", *tabs.TAB_KEYS)
_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_HIGHS = {"intraday": True, "close": False}
_MCC = {"classic": False, "ratio": True}


@dataclass(frozen=True)
class ViewState:
    """Everything the page shows depends on this (and on the data version)."""

    universe: str = "all"
    start: date | None = None
    end: date | None = None
    fast: int = DEFAULT_FAST
    slow: int = DEFAULT_SLOW
    intraday: bool = True
    ratio_adjusted: bool = False
    compare: str = ""
    # the tabs (components.urlstate_tabs): Rotation (RRG), Claim check, Analogs
    tab: str = "breadth"
    rrg_tail: int = tabs.DEFAULT_TAIL
    rrg_freq: str = "W"
    rrg_end: date | None = None
    asof: date | None = None
    claim_universe: str = ""
    claim_compare: str = ""
    analog_gap: float = tabs.DEFAULT_GAP
    analog_near: float = tabs.DEFAULT_NEAR
    analog_marks: bool = True


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


def default_start(choices: Choices) -> date | None:
    """The default view: the last ``default_years`` years of stored data."""
    if choices.last is None:
        return None
    last = choices.last
    try:
        start = last.replace(year=last.year - choices.default_years)
    except ValueError:  # 29 February
        start = last.replace(year=last.year - choices.default_years, day=28)
    if choices.first is not None and start < choices.first:
        return choices.first
    return start


def default_state(choices: Choices) -> ViewState:
    """The view of a link without a query string."""
    return ViewState(
        universe=choices.default_universe,
        start=default_start(choices),
        end=choices.last,
        intraday=not choices.close_only,
    )


def _shown(raw: str, limit: int = 24) -> str:
    """A value as a notice quotes it: printable, short."""
    clean = "".join(ch if ch.isprintable() else "?" for ch in raw)
    return repr(clean if len(clean) <= limit else clean[:limit] + "…")


def _window(raw: str) -> int:
    if not raw.isascii() or not raw.isdigit():
        raise ValueError("not a whole number of sessions")
    value = int(raw) if len(raw) <= 6 else MAX_WINDOW + 1
    if not MIN_WINDOW <= value <= MAX_WINDOW:
        raise ValueError(f"outside {MIN_WINDOW}–{MAX_WINDOW} sessions")
    return value


def _date(raw: str) -> date:
    if not _DATE_RE.fullmatch(raw):
        raise ValueError("not a date (YYYY-MM-DD)")
    return date.fromisoformat(raw)


def _one_of(options: dict[str, bool]) -> Callable[[str], bool]:
    def parse(raw: str) -> bool:
        if raw not in options:
            raise ValueError(f"expected {' or '.join(options)}")
        return options[raw]

    return parse


def _universe(choices: Choices) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        if raw not in choices.universes:
            raise ValueError("unknown universe")
        return raw

    return parse


def _compare(choices: Choices) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        return "" if raw == "" else _universe(choices)(raw)

    return parse


def _fields(query: str, notices: list[str]) -> dict[str, str]:
    """Single-valued known keys; notices for unknown and repeated ones."""
    try:
        pairs = parse_qsl(query, keep_blank_values=True, max_num_fields=MAX_FIELDS)
    except ValueError:
        notices.append(f"the link has more than {MAX_FIELDS} parameters; all ignored")
        return {}
    grouped: dict[str, list[str]] = {}
    for key, value in pairs:
        grouped.setdefault(key, []).append(value.strip())
    out: dict[str, str] = {}
    for key, values in grouped.items():
        if key not in KEYS:
            notices.append(f"unknown parameter {_shown(key)} ignored")
        elif len(values) > 1:
            notices.append(f"{key} given {len(values)} times; using the default")
        else:
            out[key] = values[0]
    return out


def parse_query(query: str | None, choices: Choices) -> tuple[ViewState, list[str]]:
    """The view a query string asks for, and what was ignored (one notice per problem)."""
    notices: list[str] = []
    default = default_state(choices)
    text = (query or "").removeprefix("?")
    if len(text) > MAX_QUERY_CHARS:
        notices.append(f"the link's query is too long ({len(text):,} characters); ignored")
        return default, notices
    raw = _fields(text, notices)
    parsers: dict[str, tuple[str, Callable[[str], object]]] = {
        "u": ("universe", _universe(choices)),
        "cmp": ("compare", _compare(choices)),
        "start": ("start", _date),
        "end": ("end", _date),
        "fast": ("fast", _window),
        "slow": ("slow", _window),
        "highs": ("intraday", _one_of(_HIGHS)),
        "mcc": ("ratio_adjusted", _one_of(_MCC)),
        **tabs.tab_parsers(choices),
    }
    values: dict[str, object] = {}
    for key, (name, parse) in parsers.items():
        if key not in raw:
            continue
        try:
            values[name] = parse(raw[key])
        except ValueError as exc:
            notices.append(f"{key}={_shown(raw[key])} ignored ({exc})")
    state = replace(default, **values)  # type: ignore[arg-type]
    state = _reconcile(state, default, choices, notices)
    return tabs.reconcile_tabs(state, choices, notices), notices


def _reconcile(
    state: ViewState, default: ViewState, choices: Choices, notices: list[str]
) -> ViewState:
    """Cross-field rules: fast < slow, start <= end within the stored range, OHLC for highs."""
    if state.fast >= state.slow:
        notices.append(
            f"fast window {state.fast} is not shorter than slow window {state.slow}; "
            f"using {default.fast}/{default.slow}"
        )
        state = replace(state, fast=default.fast, slow=default.slow)
    if state.intraday and choices.close_only:
        notices.append("intraday highs need high/low prices; the store has closes only")
        state = replace(state, intraday=False)
    if state.compare and state.compare == state.universe:
        notices.append("comparison universe equals the universe; comparison dropped")
        state = replace(state, compare="")
    return _reconcile_dates(state, default, choices, notices)


def _reconcile_dates(
    state: ViewState, default: ViewState, choices: Choices, notices: list[str]
) -> ViewState:
    first, last = choices.first, choices.last
    start, end = state.start, state.end
    if first is not None and last is not None:
        if start is not None and start > last:
            notices.append(f"start {start} is after the last stored session {last}; default used")
            start = default.start
        if end is not None and end < first:
            notices.append(f"end {end} is before the first stored session {first}; default used")
            end = default.end
        if start is not None and start < first:
            notices.append(f"start {start} is before the stored data; using {first}")
            start = first
        if end is not None and end > last:
            notices.append(f"end {end} is after the stored data; using {last}")
            end = last
    if start is not None and end is not None and start > end:
        notices.append(f"start {start} is after end {end}; using the default range")
        start, end = default.start, default.end
    return replace(state, start=start, end=end)


def to_query(state: ViewState) -> str:
    """The query string (with its leading '?') that ``parse_query`` reads back as ``state``."""
    pairs: list[tuple[str, str]] = [("u", state.universe)]
    if state.compare:
        pairs.append(("cmp", state.compare))
    if state.start is not None:
        pairs.append(("start", state.start.isoformat()))
    if state.end is not None:
        pairs.append(("end", state.end.isoformat()))
    pairs += [
        ("fast", str(state.fast)),
        ("slow", str(state.slow)),
        ("highs", "intraday" if state.intraday else "close"),
        ("mcc", "ratio" if state.ratio_adjusted else "classic"),
    ]
    pairs += tabs.tab_query(state)
    return "?" + urlencode(pairs)
