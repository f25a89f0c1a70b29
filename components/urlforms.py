"""The controls' side of the URL state: presets, raw control values, store dictionaries.

Pure helpers around ``components.urlstate`` (no Dash): a preset's date range, the query string
that the controls' raw values stand for (validated by ``parse_query``), and the JSON form of a
``ViewState`` kept in a ``dcc.Store``.
"""

from __future__ import annotations

from datetime import date, datetime
from urllib.parse import urlencode

from components.urlstate import DEFAULT_FAST, DEFAULT_SLOW, Choices, ViewState


def state_to_dict(state: ViewState) -> dict[str, object]:
    """JSON-ready form for a dcc.Store (dates as ISO strings)."""
    return {
        "universe": state.universe,
        "compare": state.compare,
        "start": state.start.isoformat() if state.start else None,
        "end": state.end.isoformat() if state.end else None,
        "fast": state.fast,
        "slow": state.slow,
        "intraday": state.intraday,
        "ratio_adjusted": state.ratio_adjusted,
    }


def state_from_dict(data: dict[str, object] | None) -> ViewState:
    """Inverse of ``state_to_dict`` (a store written by this module; defaults when empty)."""
    if not data:
        return ViewState()

    def day(value: object) -> date | None:
        return date.fromisoformat(str(value)) if value else None

    return ViewState(
        universe=str(data.get("universe", "all")),
        compare=str(data.get("compare") or ""),
        start=day(data.get("start")),
        end=day(data.get("end")),
        fast=int(str(data.get("fast", DEFAULT_FAST))),
        slow=int(str(data.get("slow", DEFAULT_SLOW))),
        intraday=bool(data.get("intraday", True)),
        ratio_adjusted=bool(data.get("ratio_adjusted", False)),
    )


PRESETS: tuple[str, ...] = ("6M", "YTD", "1Y", "3Y", "5Y", "10Y", "Max")


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


def controls_query(
    universe: object,
    compare: object,
    start: object,
    end: object,
    fast: object,
    slow: object,
    highs: object,
    mcc: object,
) -> str:
    """The query string the controls' raw values stand for (validated by ``parse_query``)."""

    def text(value: object) -> str:
        return "" if value is None else str(value)

    def day(value: object) -> str:
        raw = text(value)
        return raw[:10] if len(raw) > 10 and raw[10] in "T " else raw

    pairs = [
        ("u", text(universe)),
        ("cmp", text(compare)),
        ("start", day(start)),
        ("end", day(end)),
        ("fast", text(fast)),
        ("slow", text(slow)),
        ("highs", text(highs)),
        ("mcc", text(mcc)),
    ]
    return "?" + urlencode([(k, v) for k, v in pairs if v != "" or k == "cmp"])
