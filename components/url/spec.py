"""How a URL field is declared: ``url(...)`` (the metadata of a ``ViewState`` field, in
``components.url.fields``), its ``UrlField`` and the page ``Control`` it syncs with, and the
usual ways a control shows a value (``shown*``). Pure: no Dash, no data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from components.ids import Ids
from components.url.values import Choices, Parse, raw_text, text_str

ViewState = Any
"""A ``components.url.fields.ViewState`` (not imported: fields imports this module)."""

PAGE = "page"
"""``UrlField.tab`` of the header's controls (universe, dates, windows, options)."""
TAB_SELECTOR = "tabs"
"""``UrlField.tab`` of the active-tab field itself."""


def shown(value: Any, _: ViewState, __: Choices) -> Any:
    """A control shows the field's value as it is."""
    return value


def shown_day(value: Any, _: ViewState, __: Choices) -> str | None:
    return value.isoformat() if isinstance(value, date) else None


def shown_optional(value: Any, _: ViewState, __: Choices) -> Any:
    return value or None


def shown_ints(value: Any, _: ViewState, __: Choices) -> str:
    return ", ".join(str(v) for v in value)


def shown_list(value: Any, _: ViewState, __: Choices) -> list[int]:
    return list(value)


def shown_words(on: str, off: str) -> Callable[[Any, ViewState, Choices], str]:
    return lambda value, _, __: on if value else off


@dataclass(frozen=True)
class Control:
    """The page control a URL field syncs with.

    ``show``: what the control displays for a state (field value, whole state, choices);
    ``raw``: a control value as URL text (None: leave the key out).
    """

    id: Ids
    prop: str = "value"
    show: Callable[[Any, ViewState, Choices], Any] = shown
    raw: Callable[[Any, Choices], str | None] = raw_text


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
    omit_if: str = ""
    """Left out of the query while this other field is set (start/end under a preset)."""


URL = "url"


def url(
    key: str,
    parse: Parse,
    *,
    tab: str,
    text: Callable[[Any], str] = text_str,
    control: Control | None = None,
    always: bool = False,
    omit_if: str = "",
) -> dict[str, UrlField]:
    """The metadata of a ``ViewState`` field that is a URL field."""
    return {URL: UrlField(key, parse, text, tab, control, always, omit_if)}
