"""Date windows of the CLI's exports, clamped to the stored sessions (no click here).

Dates follow one rule for ``--start``, ``--end`` and ``--asof``: a date beyond the stored
sessions is clamped to the nearest stored session, with a ``note:`` line on stderr naming the
session used; a date that leaves nothing to export is an error (exit code 2): ``--start``
after the last session, ``--end`` or ``--asof`` before the first one, ``--start`` after
``--end``. A date inside the stored range that is not a session needs no note: windows are
inclusive and ``--asof`` means the last session on or before it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from data.errors import InputError
from data.store import Store
from service.breadth import BreadthService
from service.rotation import RotationService

Note = Callable[[str], None]


def _store_range(store: Store) -> tuple[date, date] | None:
    """(first, last) stored session from the manifest; None for an empty store."""
    if store.is_empty():
        return None
    manifest = store.manifest()
    first, last = manifest.get("first_date"), manifest.get("last_date")
    if not first or not last:
        return None
    return date.fromisoformat(str(first)[:10]), date.fromisoformat(str(last)[:10])


def clamp_window(
    store: Store, start: date | None, end: date | None, note: Note
) -> tuple[date | None, date | None]:
    """``--start``/``--end`` under the module's rule (an empty store: unchanged)."""

    if start and end and start > end:
        raise InputError(f"--start {start} is after --end {end}")
    bounds = _store_range(store)
    if bounds is None:
        return start, end
    first, last = bounds
    if start and start > last:
        raise InputError(f"--start {start} is after the last stored session {last}")
    if end and end < first:
        raise InputError(f"--end {end} is before the first stored session {first}")
    if start and start < first:
        note(f"--start {start} is before the first stored session; using {first}")
        start = first
    if end and end > last:
        note(f"--end {end} is after the last stored session; using {last}")
        end = last
    return start, end


def clamp_asof(store: Store, asof: date | None, note: Note) -> date | None:
    """``--asof`` under the module's rule: after the last session (of the sessions the claim
    check and analogs use) -> that session, with a note; before the first -> InputError."""
    if asof is None or store.is_empty():
        return asof

    rotation = RotationService(BreadthService(store))
    days = rotation.sessions()
    if len(days) and asof > days[-1].date():
        last = days[-1].date()
        note(f"--asof {asof} is after the last stored session; using {last}")
        return last
    return rotation.resolve_asof(asof).date()  # InputError before the first session
