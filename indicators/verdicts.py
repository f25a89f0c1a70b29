"""Claim verdicts: a recomputed figure against what a note said, within a stated tolerance.

Pure: no Dash, no I/O. The note's own figures and tolerances are declared once in
``service.note`` (``NOTE``); this module holds the rules that read them:

- ``verdict``: "matches" when |value − stated| ≤ tolerance (inclusive; the value at full
  precision, not as displayed), "differs" otherwise, "no_value" when the value is undefined;
- ``nearest``: among alternative definitions the data supports (``Candidate``), the one whose
  value is nearest the stated figure (the first listed wins a tie);
- ``note_columns``: the columns the claim table gains (``NOTE_COLUMNS``), one row per claim
  row, matching each row to the note's statement about the same claim and subject.

A row is checked only on the note's date (other dates: ``other_date``) and only when its
subject is the one the note spoke of (a universe by name, or a series among the tickers that
stand for the note's index; otherwise ``other_subject``). A statement without a figure (a
forecast) gives ``no_figure``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

MATCHES, DIFFERS, NO_VALUE = "matches", "differs", "no_value"
NO_FIGURE, OTHER_DATE, OTHER_SUBJECT, NOT_STATED = (
    "no_figure",
    "other_date",
    "other_subject",
    "not_stated",
)
VERDICTS: tuple[str, ...] = (
    MATCHES, DIFFERS, NO_VALUE, NO_FIGURE, OTHER_DATE, OTHER_SUBJECT, NOT_STATED,
)  # fmt: skip
"""Every value of the ``verdict`` and ``long_run_verdict`` columns."""

NOTE_COLUMNS: tuple[str, ...] = (
    "note_said", "note_value", "tolerance", "verdict", "nearest_definition", "nearest_value",
    "nearest_verdict", "alternatives_tried", "note_long_run_average", "long_run_verdict",
)  # fmt: skip
"""Columns appended to the claim table (after ``indicators.claims.CLAIM_COLUMNS``)."""


@dataclass(frozen=True)
class Stated:
    """One statement of the note: a claim about a subject, with its figure and tolerance.

    ``universe``: the universe the figure is about (breadth claims); ``series``: the tickers
    that stand for the index it is about (series claims). ``value`` None: no figure (a
    forecast). ``long_run``: a long-run average the note gave beside it (same tolerance).
    ``tolerance`` in percentage points, ``why`` says why that much.
    """

    claim: str
    subject: str
    said: str
    value: float | None
    tolerance: float
    why: str
    universe: str = ""
    series: tuple[str, ...] = ()
    long_run: float | None = None

    def covers(self, claim: str, subject: str) -> bool:
        """Whether this statement is about ``claim`` on row subject ``subject``."""
        if claim != self.claim:
            return False
        if self.universe:
            return subject == self.universe
        if self.series:
            return subject in self.series or any(part in self.series for part in subject.split("/"))
        return True


@dataclass(frozen=True)
class Candidate:
    """An alternative definition of a figure and the value the data gives for it."""

    definition: str
    value: float


def verdict(value: float | None, stated: float | None, tolerance: float) -> str:
    """``matches`` within ±tolerance (inclusive), ``differs``, ``no_value``/``no_figure``."""
    if stated is None or (isinstance(stated, float) and math.isnan(stated)):
        return NO_FIGURE
    if value is None or not math.isfinite(value):
        return NO_VALUE
    return MATCHES if abs(value - stated) <= tolerance + 1e-12 else DIFFERS


def nearest(candidates: Sequence[Candidate], stated: float) -> Candidate | None:
    """The candidate nearest ``stated`` (first listed wins a tie); None when none defined."""
    best: Candidate | None = None
    for cand in candidates:
        if not math.isfinite(cand.value):
            continue
        if best is None or abs(cand.value - stated) < abs(best.value - stated) - 1e-12:
            best = cand
    return best


def statement(
    note: Sequence[Stated], claim: str, subject: str, aliases: Mapping[str, str]
) -> Stated | None:
    """The note's statement about ``claim`` on ``subject``; else on the note universe that
    ``subject`` stands in for (``aliases``); else the first statement about the claim."""
    for name in (subject, aliases.get(subject)):
        found = next((s for s in note if name and s.covers(claim, name)), None)
        if found is not None:
            return found
    return next((s for s in note if s.claim == claim), None)


def note_columns(
    table: pd.DataFrame,
    note: Sequence[Stated],
    on_note_date: bool,
    alternatives: Mapping[tuple[str, str], Sequence[Candidate]] | None = None,
    aliases: Mapping[str, str] | None = None,
    stand_ins: frozenset[str] = frozenset(),
) -> pd.DataFrame:
    """``NOTE_COLUMNS`` for each row of a claim table (``claim``, ``universe``, ``value``,
    ``long_run_average``), on the table's index.

    ``alternatives[(claim, universe)]``: candidate definitions for a row, its own definition
    first; for a row that differs the nearest one is reported (blank when its own definition
    is already the nearest) with the number of alternatives tried.
    ``aliases``: row universe -> the note's universe whose statement it is shown beside;
    ``stand_ins``: row universes checked against it as if they were that universe (the
    page's stand-in when the note's universe is not stored).
    ``on_note_date`` False: every checkable row is ``other_date``.
    """
    alternatives = alternatives or {}
    aliases = aliases or {}
    rows = []
    for r in table.itertuples(index=False):
        claim, subject = str(r.claim), str(r.universe)
        stated = statement(note, claim, subject, aliases)
        out: dict[str, object] = dict.fromkeys(NOTE_COLUMNS, math.nan)
        out.update(note_said="", verdict=NOT_STATED, long_run_verdict=NOT_STATED)
        out.update(nearest_definition="", nearest_verdict="", alternatives_tried=0)
        if stated is None:
            rows.append(out)
            continue
        out.update(
            note_said=stated.said,
            note_value=math.nan if stated.value is None else stated.value,
            tolerance=stated.tolerance,
            note_long_run_average=math.nan if stated.long_run is None else stated.long_run,
        )
        checks = stated.covers(claim, subject) or (
            subject in stand_ins and stated.covers(claim, aliases.get(subject, ""))
        )
        value, lra = float(r.value), float(r.long_run_average)
        if stated.value is None:
            out["verdict"] = NO_FIGURE
        elif not checks:
            out["verdict"] = OTHER_SUBJECT
        elif not on_note_date:
            out["verdict"] = OTHER_DATE
        else:
            out["verdict"] = verdict(value, stated.value, stated.tolerance)
        if stated.long_run is not None:
            lr = verdict(lra, stated.long_run, stated.tolerance)
            out["long_run_verdict"] = (
                OTHER_SUBJECT if not checks else OTHER_DATE if not on_note_date else lr
            )
        if out["verdict"] == DIFFERS and stated.value is not None:
            cands = list(alternatives.get((claim, subject), ()))
            out["alternatives_tried"] = max(0, len(cands) - 1)
            best = nearest(cands, stated.value)
            if best is not None and cands and best is not cands[0]:
                out.update(
                    nearest_definition=best.definition,
                    nearest_value=best.value,
                    nearest_verdict=verdict(best.value, stated.value, stated.tolerance),
                )
        rows.append(out)
    return pd.DataFrame(rows, index=table.index, columns=list(NOTE_COLUMNS))
