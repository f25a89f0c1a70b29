"""What the store offers a reader: its universes (with labels and notes) and its date range.

The page's controls, URL parsing and tabs ask here instead of reading ``data.universes`` or
the manifest themselves; the names ``ALL``/``ALL_LABEL``/``ALL_NOTE`` are the universe "all"
(every stock in the store) as ``data.universes`` defines it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from data.model import UniverseInfo
from data.universes import ALL, ALL_LABEL, ALL_NOTE, available_universes
from service.breadth import BreadthService

__all__ = [
    "ALL",
    "ALL_LABEL",
    "ALL_NOTE",
    "PREFERRED_DEFAULTS",
    "Catalog",
    "catalog",
    "labels",
    "universes",
]

PREFERRED_DEFAULTS = ("russell3000", "sp500", "sim-large")
"""The default universe of a view: the first of these that is stored, else ``all``. The
broad market (the Russell 3000, when its holdings are stored) comes first: it is what breadth
notes, and the Claim check, are about, and one universe drives every tab."""


@dataclass(frozen=True)
class Catalog:
    """The universes a view may ask for (``all`` first), the default one, and the stored
    session range."""

    universes: tuple[str, ...]
    default_universe: str
    first: date | None
    last: date | None
    close_only: bool


def universes(svc: BreadthService) -> list[UniverseInfo]:
    """Stored and built-in universes that can be shown, with labels and notes (no ``all``)."""
    return available_universes(svc.store)


def labels(svc: BreadthService) -> dict[str, str]:
    """Universe name -> display label, ``all`` included."""
    return {ALL: ALL_LABEL, **{u.name: u.label for u in universes(svc)}}


def catalog(svc: BreadthService) -> Catalog:
    """The store's catalog, from its manifest and stored universes."""
    m = svc.store.manifest()
    names = (ALL, *(u.name for u in universes(svc)))
    default = next((n for n in PREFERRED_DEFAULTS if n in names), ALL)
    first, last = m.get("first_date"), m.get("last_date")
    return Catalog(
        universes=names,
        default_universe=default,
        first=date.fromisoformat(first) if first else None,
        last=date.fromisoformat(last) if last else None,
        close_only=bool(m.get("close_only", False)),
    )
