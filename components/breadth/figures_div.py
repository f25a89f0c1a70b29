"""Divergence marks (issue #15 item 5) on the benchmark and participation charts.

Two traces per chart, always present and always in this order (bearish, then bullish), so
a change of the divergence parameters alone can replace them by position with a Patch
(``components.breadth.callbacks``): empty traces when the marks are off or nothing is
flagged. A mark sits on the **first session of each run** of consecutive flagged sessions
(runs are common: a topping market flags for days); its hover explains the flag and gives
the run's length and last session. Colour-blind safe: vermillion downward triangles
(bearish) and blue upward triangles (bullish), told apart by shape as well as colour.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from components.style import OKABE_ITO, f32, hover, ms

KINDS: tuple[tuple[str, str, str, str], ...] = (
    # kind, legend name, marker symbol, colour
    ("bearish", "Bearish divergence", "triangle-down", OKABE_ITO["vermillion"]),
    ("bullish", "Bullish divergence", "triangle-up", OKABE_ITO["blue"]),
)


def runs(flags: pd.Series) -> list[tuple[int, int]]:
    """(first, last) positions of each run of consecutive True values."""
    f = flags.to_numpy(dtype=bool)
    if not f.any():
        return []
    edges = np.diff(np.r_[0, f.astype("int8"), 0])
    return list(zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1, strict=True))


def _day(value: Any) -> str:
    return f"{pd.Timestamp(value):%d %b %Y}" if pd.notna(value) else "–"


def _explain(row: dict[str, Any], kind: str, ticker: str, window: int, trail: int) -> str:
    side, word, rel = ("high", "below", "<") if kind == "bearish" else ("low", "above", ">")
    return (
        f"{ticker} {row[f'pct_from_{side}']:.1f}% {word} its 52-week {side} "
        f"({row[f'benchmark_{side}']:,.2f})<br>"
        f"% above {window}-day {row['breadth']:.1f}% {rel} trailing {trail}-session avg "
        f"{row['breadth_trail']:.1f}%<br>"
        f"and {rel} {row[f'breadth_at_prev_{side}']:.1f}% at the previous 52-week {side} "
        f"({_day(row[f'prev_{side}_date'])})"
    )


Marks = dict[str, tuple[pd.DatetimeIndex, list[str]]]
"""kind -> (first session of each flagged run, its hover text)."""


def divergence_runs(frame: pd.DataFrame, *, ticker: str, window: int, trail: int) -> Marks:
    """Each kind's marks of ``frame`` (``service.divergences.divergence_frame``): computed
    once per view, drawn on both charts."""
    out: Marks = {}
    for kind, *_ in KINDS:
        found = runs(frame[kind])
        firsts = [first for first, _ in found]
        rows = frame.iloc[firsts].to_dict("records")
        texts = []
        for (first, last), row in zip(found, rows, strict=True):
            n = last - first + 1
            run = f"run of {n} session{'s' if n > 1 else ''}" + (
                f" to {_day(frame.index[last])}" if n > 1 else ""
            )
            texts.append(f"{_explain(row, kind, ticker, window, trail)}<br>{run}")
        out[kind] = (pd.DatetimeIndex(frame.index[firsts]), texts)
    return out


def divergence_traces(marks: Marks | None, y: pd.Series) -> list[go.Scatter]:
    """[bearish, bullish] marker traces at ``y`` (the chart's own series) on the first session
    of each flagged run (``divergence_runs``); empty, hidden traces when ``marks`` is None
    (marks off)."""
    out = []
    for kind, name, symbol, colour in KINDS:
        index, texts = marks[kind] if marks is not None else (pd.DatetimeIndex([]), [])
        ys = y.reindex(index)
        out.append(
            go.Scatter(
                x=ms(index),
                y=f32(ys),
                name=name,
                mode="markers",
                marker={
                    "symbol": symbol,
                    "size": 11,
                    "color": colour,
                    "line": {"color": "#ffffff", "width": 1},
                },
                text=texts,
                hovertemplate=hover("%{text}"),
                legendrank=1001,  # after the chart's own series
                visible=marks is not None,
            )
        )
    return out


def traces_json(traces: list[go.Scatter]) -> list[dict[str, Any]]:
    """The traces as the plain dicts a Patch or a cached figure holds."""
    return [t.to_plotly_json() for t in traces]
