"""Alert conditions on one breadth series (pure; the rules and their evaluation are in
service/alerts/).

Contract: ``series`` is a float Series on the session index (NaN where undefined); outputs
are bool Series on the same index. A value on session d uses sessions up to d only.
The rules file format and its semantics: docs/alerts.example.toml.
"""

from __future__ import annotations

import operator
from collections.abc import Callable

import pandas as pd

COMPARATORS: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
"""Comparator of a threshold rule -> its test ``value OP threshold`` (``>=`` fires when the
value equals the threshold, ``>`` does not). NaN never fires."""

DIRECTIONS = ("up", "down")


def compare(series: pd.Series, comparator: str, threshold: float) -> pd.Series:
    """True where ``series OP threshold`` (False where the value is NaN)."""
    values = series.astype("float64")
    return (COMPARATORS[comparator](values, threshold) & values.notna()).astype(bool)


def crossing(series: pd.Series, level: float, direction: str) -> pd.Series:
    """True on a session where ``series`` crosses ``level`` from the previous session.

    At or above the level counts as above: "up" fires when the previous session's value was
    below the level and this session's is at or above it; "down" when the previous one was
    at or above it and this one is below it. A NaN on either session never fires.
    """
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {DIRECTIONS}, not {direction!r}")
    values = series.astype("float64")
    prev = values.shift(1)
    defined = values.notna() & prev.notna()
    if direction == "up":
        hit = (prev < level) & (values >= level)
    else:
        hit = (prev >= level) & (values < level)
    return (hit & defined).astype(bool)
