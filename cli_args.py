"""Checks of ``cli.py``'s output paths and dates, shared by every command that takes them.

Output paths are checked when parsed, before any work: ``--out`` of an export is ``-``
(stdout) or a file whose folder exists and that is not itself a folder; ``--out`` of
``report`` is a folder, or a path where one can be made (not a file).

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
from pathlib import Path
from typing import Any

import click

Note = Callable[[str], None]


def check_out_file(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """``--out`` of an export: ``-`` or a writable-looking file path (click callback)."""
    if value == "-":
        return value
    if not value.strip():
        raise click.BadParameter("empty path: give a file path, or - for stdout")
    path = Path(value)
    if path.is_dir():
        raise click.BadParameter(f"{value} is a folder: give a file path inside it")
    parent = path.parent
    if not parent.exists():
        raise click.BadParameter(f"folder {parent} does not exist")
    if not parent.is_dir():
        raise click.BadParameter(f"{parent} is a file, not a folder")
    return value


def check_out_dir(ctx: click.Context, param: click.Parameter, value: Path) -> Path:
    """``--out`` of ``report``: an existing folder or a new one's path (click callback)."""
    for part in (value, *value.parents):
        if part.exists():
            if not part.is_dir():
                what = "" if part == value else f" (in {value})"
                raise click.BadParameter(f"{part} is a file, not a folder{what}")
            break
    return value


def _store_range(store: Any) -> tuple[date, date] | None:
    """(first, last) stored session from the manifest; None for an empty store."""
    if store.is_empty():
        return None
    manifest = store.manifest()
    first, last = manifest.get("first_date"), manifest.get("last_date")
    if not first or not last:
        return None
    return date.fromisoformat(str(first)[:10]), date.fromisoformat(str(last)[:10])


def clamp_window(
    store: Any, start: date | None, end: date | None, note: Note
) -> tuple[date | None, date | None]:
    """``--start``/``--end`` under the module's rule (an empty store: unchanged)."""
    from data.errors import InputError

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


def clamp_asof(store: Any, asof: date | None, note: Note) -> date | None:
    """``--asof`` under the module's rule: after the last session (of the sessions the claim
    check and analogs use) -> that session, with a note; before the first -> InputError."""
    if asof is None or store.is_empty():
        return asof
    from service import BreadthService
    from service_rotation import RotationService

    rotation = RotationService(BreadthService(store))
    days = rotation.sessions()
    if len(days) and asof > days[-1].date():
        last = days[-1].date()
        note(f"--asof {asof} is after the last stored session; using {last}")
        return last
    return rotation.resolve_asof(asof).date()  # InputError before the first session
