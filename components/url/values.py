"""What a URL value may be: the store's ``Choices``, the parsers (URL text -> value; a
``ValueError``'s message goes into the page's notice), the serialisers (value -> URL text)
and the conversions of a control's value into URL text. The fields that use them are
declared in ``components.url.fields``. Pure: no Dash, no data.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

MIN_WINDOW, MAX_WINDOW = 5, 400
DEFAULT_YEARS = 3
MIN_TAIL, MAX_TAIL = 1, 52
FREQS: tuple[str, ...] = ("W", "D")
# issue #15 items 1-2: the window sets of "Participation across windows" and "NH − NL (%)"
DEFAULT_WINDOWS: tuple[int, ...] = (20, 50, 200)
MAX_WINDOWS = 8
HL_WEEK_CHOICES: tuple[int, ...] = (4, 13, 26, 52)
"""New-high/low windows a link may ask for, in weeks (indicators.breadth.HL_WEEKS)."""

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
def parse_day(raw: str, _: Choices) -> date:
    if not _DATE_RE.fullmatch(raw):
        raise ValueError("not a date (YYYY-MM-DD)")
    return date.fromisoformat(raw)


def parse_window(raw: str, _: Choices) -> int:
    if not raw.isascii() or not raw.isdigit():
        raise ValueError("not a whole number of sessions")
    value = int(raw) if len(raw) <= 6 else MAX_WINDOW + 1
    if not MIN_WINDOW <= value <= MAX_WINDOW:
        raise ValueError(f"outside {MIN_WINDOW}–{MAX_WINDOW} sessions")
    return value


def parse_flag(on: str, off: str, message: str) -> Parse:
    def parse(raw: str, _: Choices) -> bool:
        if raw not in (on, off):
            raise ValueError(message)
        return raw == on

    return parse


def parse_universe(empty_ok: bool) -> Parse:
    def parse(raw: str, choices: Choices) -> str:
        if raw == "" and empty_ok:
            return ""
        if raw not in choices.universes:
            raise ValueError("unknown universe")
        return raw

    return parse


PRESETS: tuple[str, ...] = ("6M", "YTD", "1Y", "3Y", "5Y", "10Y", "Max")
"""Rolling date ranges ending at the last stored session (``range=1Y`` in a link)."""


def parse_preset(raw: str, _: Choices) -> str:
    if raw not in PRESETS:
        raise ValueError(f"expected one of {', '.join(PRESETS)}")
    return raw


def parse_tail(raw: str, _: Choices) -> int:
    if not raw.isascii() or not raw.isdigit() or len(raw) > 4:
        raise ValueError("not a whole number of periods")
    value = int(raw)
    if not MIN_TAIL <= value <= MAX_TAIL:
        raise ValueError(f"outside {MIN_TAIL}–{MAX_TAIL} periods")
    return value


def parse_freq(raw: str, _: Choices) -> str:
    if raw not in FREQS:
        raise ValueError("expected W (weekly) or D (daily)")
    return raw


SECTOR_WINDOWS: tuple[int, ...] = (200, 50)
"""The Sectors tab's moving-average windows (URL ``sw``), the first the default."""


def parse_sector_window(raw: str, _: Choices) -> int:
    if raw not in {str(w) for w in SECTOR_WINDOWS}:
        raise ValueError(f"expected {' or '.join(map(str, SECTOR_WINDOWS))}")
    return int(raw)


def parse_number(limit: float) -> Parse:
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


def _whole_numbers(raw: str, unit: str, most: int) -> tuple[int, ...]:
    """Comma-separated whole numbers of ``unit``, sorted without repeats, at most ``most``
    of them (ValueError: why not)."""
    items = [i.strip() for i in raw.split(",")]
    if len(items) > 4 * most:
        raise ValueError(f"at most {most} windows")
    if not all(i.isascii() and i.isdigit() and len(i) <= 6 for i in items):
        raise ValueError(f"expected whole numbers of {unit} separated by commas")
    values = tuple(sorted({int(i) for i in items}))
    if len(values) > most:
        raise ValueError(f"at most {most} windows")
    return values


def parse_windows(raw: str, _: Choices) -> tuple[int, ...]:
    """``mw``: up to MAX_WINDOWS moving-average windows, each MIN_WINDOW–MAX_WINDOW sessions."""
    values = _whole_numbers(raw, "sessions", MAX_WINDOWS)
    if not all(MIN_WINDOW <= v <= MAX_WINDOW for v in values):
        raise ValueError(f"each window must be {MIN_WINDOW}–{MAX_WINDOW} sessions")
    return values


def parse_weeks(raw: str, _: Choices) -> tuple[int, ...]:
    """``hw``: new-high/low windows in weeks, from HL_WEEK_CHOICES."""
    values = _whole_numbers(raw, "weeks", len(HL_WEEK_CHOICES))
    if not set(values) <= set(HL_WEEK_CHOICES):
        raise ValueError(f"expected weeks from {', '.join(map(str, HL_WEEK_CHOICES))}")
    return values


def parse_between(low: float, high: float, unit: str = "") -> Parse:
    """A finite number within [low, high] (``unit`` names it in the notice)."""

    def parse(raw: str, _: Choices) -> float:
        if not raw.isascii() or len(raw) > 12:
            raise ValueError("not a number")
        try:
            value = float(raw)
        except ValueError:
            raise ValueError("not a number") from None
        if not math.isfinite(value) or not low <= value <= high:
            raise ValueError(f"outside {low:g}–{high:g}{unit}")
        return value

    return parse


def parse_count(low: int, high: int, unit: str) -> Parse:
    """A whole number within [low, high] ``unit`` (e.g. sessions)."""

    def parse(raw: str, _: Choices) -> int:
        if not raw.isascii() or not raw.isdigit() or len(raw) > 6:
            raise ValueError(f"not a whole number of {unit}")
        value = int(raw)
        if not low <= value <= high:
            raise ValueError(f"outside {low}–{high} {unit}")
        return value

    return parse


# -- serialisers and control conversions ---------------------------------------------------
def text_str(value: Any) -> str:
    return str(value)


def text_iso(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


def text_num(value: Any) -> str:
    return f"{value:g}"


def text_ints(value: Any) -> str:
    """A window set as URL text: '20,50,200'."""
    return ",".join(str(int(v)) for v in value)


def text_words(on: str, off: str) -> Callable[[Any], str]:
    return lambda value: on if value else off


def raw_text(value: Any, _: Choices) -> str | None:
    """A control's value as URL text (None: leave the key out, i.e. the default)."""
    return None if value is None or value == "" else str(value)


def raw_day(value: Any, choices: Choices) -> str | None:
    """A date picker's value ('2025-07-28' or '2025-07-28T00:00:00') as URL text."""
    raw = raw_text(value, choices)
    return raw[:10] if raw is not None and len(raw) > 10 and raw[10] in "T " else raw


def raw_optional(value: Any, _: Choices) -> str:
    """A clearable dropdown: cleared is the explicit empty value."""
    return "" if value is None else str(value)


def raw_flag(on: str, off: str) -> Callable[[Any, Choices], str | None]:
    return lambda value, _: None if value is None or value == "" else (on if value else off)


def raw_asof(value: Any, choices: Choices) -> str | None:
    raw = raw_text(value, choices)
    return None if raw is None else raw[:10]


def raw_ints(value: Any, _: Choices) -> str | None:
    """A window-set control (typed text '20, 50' or a checklist's list) as URL text; empty
    leaves the key out (the default set)."""
    if value is None:
        return None
    text = value if isinstance(value, str) else ",".join(str(v) for v in value)
    return ",".join(p for p in re.split(r"[\s,;]+", text) if p) or None
