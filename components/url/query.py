"""The whole view in the URL query string, read from the declarations in ``fields``.

``parse_query`` and ``to_query`` (pure, no Dash): a malformed, unknown, repeated or
out-of-range value falls back to its default and adds one line to the notices the page
shows; parsing never raises. Cross-field rules (fast < slow, dates inside the stored data,
a comparison universe other than the universe) are in ``_reconcile``. Also the JSON form of
a state for a ``dcc.Store``, the query a set of control values stands for, and the
presets' date ranges.
"""

from __future__ import annotations

from dataclasses import asdict, replace
from datetime import date, datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode

from components.url.fields import BY_KEY, DATE_FIELDS, DEFAULTS, FIELDS, TAB_FIELDS, ViewState
from components.url.values import Choices

MAX_QUERY_CHARS = 2000
MAX_FIELDS = 40


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
        if key not in BY_KEY:
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
    values: dict[str, Any] = {}
    for name, spec in FIELDS:
        if spec.key not in raw:
            continue
        try:
            values[name] = spec.parse(raw[spec.key], choices)
        except ValueError as exc:
            notices.append(f"{spec.key}={_shown(raw[spec.key])} ignored ({exc})")
    state = replace(default, **values)
    if state.preset:
        if "start" in values or "end" in values:
            notices.append(f"range={state.preset} is a rolling range; start and end ignored")
        start, end = preset_range(state.preset, choices)
        state = replace(state, start=start, end=end)
    state = _reconcile(state, default, choices, notices)
    return reconcile_tabs(state, choices, notices), notices


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


def reconcile_tabs(state: ViewState, choices: Choices, notices: list[str]) -> ViewState:
    """Cross-field rules of the tabs: dates inside the stored data (and the RRG end inside
    the range), a claim universe only when it overrides the page's universe, a claim
    comparison other than the claim universe."""
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
    own = "" if state.claim_universe == state.universe else state.claim_universe
    compare = state.claim_compare
    if compare and compare == (own or state.universe):
        notices.append("claim comparison universe equals its universe; comparison dropped")
        compare = ""
    return replace(state, asof=asof, rrg_end=end, claim_universe=own, claim_compare=compare)


def to_query(state: ViewState) -> str:
    """The query string (with its leading '?') that ``parse_query`` reads back as ``state``."""
    pairs: list[tuple[str, str]] = []
    for name, spec in FIELDS:
        value = getattr(state, name)
        if spec.omit_if and getattr(state, spec.omit_if):
            continue  # e.g. start/end of a rolling range: the link says range=1Y instead
        if spec.always or value != DEFAULTS[name]:
            pairs.append((spec.key, spec.text(value)))
    return "?" + urlencode(pairs, safe=",")  # window sets read mw=20,50,200


def keep_tab_fields(state: ViewState, current: ViewState, choices: Choices) -> ViewState:
    """``state`` (from the header's controls) with the tab fields of ``current`` (the URL's).

    An RRG end date the new range no longer contains is dropped silently (the range moved).
    """
    carried = replace(state, **{f: getattr(current, f) for f in TAB_FIELDS})
    return reconcile_tabs(carried, choices, [])


def to_store(state: ViewState, names: tuple[str, ...] | None = None) -> dict[str, Any]:
    """JSON-ready form of ``state`` (or of its fields ``names``) for a dcc.Store: dates as
    ISO text, window sets as lists, so that it equals what the store gives back (the URL
    sync compares them to write a store only when it changed)."""
    data = asdict(state)
    return {name: _plain(value) for name, value in data.items() if names is None or name in names}


def _plain(value: Any) -> Any:
    """A state field's value as JSON gives it back."""
    if isinstance(value, date):
        return value.isoformat()
    return list(value) if isinstance(value, tuple) else value


def from_store(data: dict[str, Any] | None) -> ViewState:
    """Inverse of ``to_store``, also of several stores merged (missing fields: defaults)."""
    if not data:
        return ViewState()
    values: dict[str, Any] = {}
    for name, _ in FIELDS:
        if name not in data:
            continue
        value = data[name]
        values[name] = (
            (date.fromisoformat(str(value)) if value else None) if (name in DATE_FIELDS) else value
        )
        if isinstance(DEFAULTS[name], tuple):  # a window set: JSON gives a list
            values[name] = tuple(int(v) for v in value)
    return ViewState(**values)


def controls_query(raw: dict[str, Any], choices: Choices) -> str:
    """The query string that controls' values stand for (ViewState attribute -> control
    value), validated afterwards by ``parse_query``; keys whose control is empty are left
    out."""
    pairs: list[tuple[str, str]] = []
    for name, spec in FIELDS:
        if name in raw and spec.control is not None:
            text = spec.control.raw(raw[name], choices)
            if text is not None:
                pairs.append((spec.key, text))
    return "?" + urlencode(pairs)


def edited_query(search: str | None, key: str, raw: str | None) -> str:
    """The current query with ``key`` replaced by ``raw`` (removed when None)."""
    text = (search or "").removeprefix("?")
    try:
        pairs = [(k, v) for k, v in parse_qsl(text, keep_blank_values=True) if k != key]
    except ValueError:
        pairs = []
    if raw is not None:
        pairs.append((key, raw))
    return "?" + urlencode(pairs, safe=",")


def raw_value(key: str, value: Any, choices: Choices | None = None) -> str | None:
    """A control's value as the URL text of field ``key`` (None: drop the key)."""
    spec = BY_KEY[key][1]
    convert = spec.control.raw if spec.control is not None else None
    if convert is None:
        return None if value is None or value == "" else str(value)
    return convert(value, choices or Choices())


def zoomed(state: ViewState, key: str, choices: Choices) -> ViewState | None:
    """The view after a zoom on the linked charts: ``key`` is "<x0>|<x1>" (Plotly axis
    values, e.g. "2025-02-03 10:00:00") -> fixed dates (the days they fall on, inside the
    stored data). None when ``key`` is no zoom (e.g. "auto", a double-click back to the
    view's own range)."""
    parts = key.split("|")
    if len(parts) != 2:
        return None
    try:
        start, end = (date.fromisoformat(p.strip()[:10]) for p in parts)
    except ValueError:
        return None
    if choices.first is not None:
        start, end = max(start, choices.first), max(end, choices.first)
    if choices.last is not None:
        start, end = min(start, choices.last), min(end, choices.last)
    if start > end:
        return None
    return reconcile_tabs(replace(state, preset="", start=start, end=end), choices, [])


def preset_range(name: str, choices: Choices) -> tuple[date | None, date | None]:
    """(start, end) of a preset, ending at the last stored session, clipped to the data."""
    last, first = choices.last, choices.first
    if last is None:
        return None, None
    if name == "Max":
        return first, last
    if name == "YTD":
        start = date(last.year, 1, 1)
    else:
        months = 6 if name == "6M" else 12 * int(name.removesuffix("Y"))
        start = (_months_before(last, months)).date()
    if first is not None and start < first:
        start = first
    return start, last


def _months_before(day: date, months: int) -> datetime:
    """``day`` minus ``months`` calendar months (end of month clipped)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    for d in (day.day, 30, 29, 28):
        try:
            return datetime(year, month, d)
        except ValueError:
            continue
    return datetime(year, month, 28)
