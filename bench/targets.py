"""The #16 speed targets as rows of one table: what ``bench/bench_all.py`` prints.

Each measuring module (bench_kernel_targets, bench_views, bench_page, bench_start, ...)
exposes ``measure(opts) -> list[Row]``; ``bench_all`` calls them in turn, prints one table
with the machine named, and writes it to ``bench/results/`` (git-ignored).
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

Sense = Literal["<=", ">="]


@dataclass(frozen=True)
class Row:
    """One measured figure against its target: ``value`` in ``unit``, compared to ``limit``.

    ``target`` is the issue's item (``"T1"`` … ``"T7"``); ``sense`` says which side passes;
    ``limit`` None is a figure shown for context (no verdict); ``value`` NaN is "not
    measured" and ``note`` says why (e.g. the real data is absent)."""

    target: str
    metric: str
    value: float
    unit: str
    limit: float | None = None
    sense: Sense = "<="
    note: str = ""

    @property
    def verdict(self) -> str:
        """``pass``, ``FAIL``, ``-`` (context only) or ``skipped`` (not measured)."""
        if math.isnan(self.value):
            return "skipped"
        if self.limit is None:
            return "-"
        ok = self.value <= self.limit if self.sense == "<=" else self.value >= self.limit
        return "pass" if ok else "FAIL"


@dataclass(frozen=True)
class Opts:
    """What ``bench_all`` hands every ``measure``: ``store`` a store built once by
    ``bench.apptools.build_store`` (the real close file when present, else the demo; ``real``
    says which), ``work`` a scratch folder of its own, ``quick`` fewer repeats, ``browser``
    whether headless Chromium runs, ``scale`` whether the 10,000 × 30-year store is built."""

    store: Path
    real: bool
    work: Path
    quick: bool = False
    browser: bool = True
    scale: bool = False


def skipped(target: str, metric: str, unit: str, why: str, limit: float | None = None,
            sense: Sense = "<=") -> Row:  # fmt: skip
    """A row for a figure that could not be measured on this machine, saying why."""
    return Row(target, metric, math.nan, unit, limit, sense, why)


def _fmt(x: float) -> str:
    if math.isnan(x):
        return "—"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    if abs(x) >= 10:
        return f"{x:.1f}"
    return f"{x:.2f}" if abs(x) >= 0.1 else f"{x:.3f}"


def table(rows: list[Row]) -> str:
    """A plain-text table: target, metric, value unit, limit, verdict, note."""
    head = ("target", "metric", "value", "limit", "verdict", "note")
    body = [
        (
            r.target,
            r.metric,
            f"{_fmt(r.value)} {r.unit}".strip(),
            "" if r.limit is None else f"{r.sense} {_fmt(r.limit)} {r.unit}".strip(),
            r.verdict,
            r.note,
        )
        for r in rows
    ]
    widths = [max(len(str(c)) for c in col) for col in zip(head, *body, strict=True)]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(line, widths, strict=True)).rstrip()
             for line in (head, *body)]  # fmt: skip
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def to_json(rows: list[Row], machine: str) -> str:
    """The rows and the machine as JSON (NaN written as null)."""

    def clean(r: Row) -> dict[str, Any]:
        d = asdict(r)
        d["value"] = None if math.isnan(r.value) else r.value
        d["verdict"] = r.verdict
        return d

    return json.dumps({"machine": machine, "rows": [clean(r) for r in rows]}, indent=1)
